"""Institutions, people and agreements in the read API (/api/v1/; docs/api.md).

The records here are public as they are, writers' unconfirmed proposals
apart (``confirmed()``: no item, no page, no unit in a list of children);
the stories listed with them are not: each nested list starts from ``Article.objects.published()``, like
the institution, person and agreement pages, so no draft, scheduled or
embargoed story shows up through an institution, a speaker or a partner.
The reference shapes (``InstitutionRef``...) are defined here and reused by
the articles' endpoints. Each endpoint reads a fixed number of queries
(pinned in tests/institutions/test_api.py), and answers ``If-None-Match``
from its first one or two.
"""

import datetime
import uuid
from typing import Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from articles.models import Article
from institutions.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Institution,
    InstitutionKind,
    Person,
    Position,
    party_rows_prefetch,
)
from newsroom import webapi

router = Router()

# How many of the newest public stories an institution, person or agreement
# lists itself; ``stories_url`` pages through all of them.
NESTED_STORIES = 10

INSTITUTIONS = webapi.Keyset("institutions", ("name", "pk"))
PEOPLE = webapi.Keyset("people", ("name", "pk"))
AGREEMENTS = webapi.Keyset("agreements", ("-signed_on", "title", "pk"))

SlugPath = Path(..., pattern=webapi.SLUG_PATTERN, max_length=250)
LIST_ANSWERS = {304: None, 400: webapi.Problem}
DETAIL_ANSWERS = {**LIST_ANSWERS, 404: webapi.Problem}


def absolute(request, path):
    return request.build_absolute_uri(path)


# --- References: how other answers name these records ------------------------


class InstitutionRef(Schema):
    slug: str
    name: str
    short_name: str
    url: str = Field(description="The institution's public page.")
    api_url: str


class PersonRef(Schema):
    slug: str
    name: str
    url: str = Field(description="The person's public page.")
    api_url: str


class AgreementRef(Schema):
    slug: str
    title: str
    signed_on: datetime.date
    status: Literal[tuple(AgreementStatus.values)] = Field(
        description="On the newsroom's date today."
    )
    url: str = Field(description="The agreement's public page.")
    api_url: str


class StoryRef(Schema):
    """A public story as listed with an institution, person or agreement."""

    id: uuid.UUID
    slug: str
    headline: str
    published_at: datetime.datetime
    url: str = Field(description="The story's public page.")
    api_url: str


def institution_ref(request, institution):
    return {
        "slug": institution.slug,
        "name": institution.name,
        "short_name": institution.short_name,
        "url": absolute(request, institution.get_absolute_url()),
        "api_url": absolute(
            request, reverse("api:institution_detail", kwargs={"slug": institution.slug})
        ),
    }


def person_ref(request, person):
    return {
        "slug": person.slug,
        "name": person.name,
        "url": absolute(request, person.get_absolute_url()),
        "api_url": absolute(request, reverse("api:person_detail", kwargs={"slug": person.slug})),
    }


def agreement_ref(request, agreement):
    return {
        "slug": agreement.slug,
        "title": agreement.title,
        "signed_on": agreement.signed_on,
        "status": agreement.status.value,
        "url": absolute(request, agreement.get_absolute_url()),
        "api_url": absolute(
            request, reverse("api:agreement_detail", kwargs={"slug": agreement.slug})
        ),
    }


def story_ref(request, article):
    return {
        "id": article.guid,
        "slug": article.slug,
        "headline": article.headline,
        "published_at": timezone.localtime(article.published_at),
        "url": absolute(request, article.get_absolute_url()),
        "api_url": absolute(
            request, reverse("api:article_detail", kwargs={"article_id": article.guid})
        ),
    }


def newest_stories(articles):
    """The newest public stories of ``articles`` (a ``published()`` queryset), one query."""
    return list(
        articles.newest_first().only(
            "guid", "slug", "headline", "published_at", "created_at", "updated_at"
        )[:NESTED_STORIES]
    )


def story_rows(stories):
    return [(story.pk, story.updated_at) for story in stories]


def stories_url(request, parameter, slug):
    query = webapi.urlencode({parameter: slug})
    return absolute(request, f"{reverse('api:article_list')}?{query}")


class StoriesMixin(Schema):
    stories: list[StoryRef] = Field(
        description=f"The {NESTED_STORIES} newest public stories; `stories_url` lists them all."
    )
    stories_url: str = Field(description="The story list filtered to this record, all pages.")


class PageParameters(webapi.StrictQuery):
    cursor: webapi.Cursor = None
    limit: webapi.PageSize = webapi.DEFAULT_PAGE_SIZE


# --- Institutions -------------------------------------------------------------


class InstitutionItem(Schema):
    slug: str
    name: str
    short_name: str
    korean_name: str
    kind: Literal[tuple(InstitutionKind.values)]
    parent: InstitutionRef | None = Field(description="The institution this one is part of.")
    children: list[InstitutionRef] = Field(description="Its units, one level down.")
    website: str
    city: str
    country: str
    url: str = Field(description="The institution's public page.")
    api_url: str


class InstitutionDetail(InstitutionItem, StoriesMixin):
    aliases: list[str]
    description: str
    agreements: list[AgreementRef] = Field(
        description="Agreements it or any of its units signed, newest first."
    )


class InstitutionPage(webapi.PageMeta):
    items: list[InstitutionItem]


def institution_item(request, institution, children):
    return {
        **institution_ref(request, institution),
        "korean_name": institution.korean_name,
        "kind": institution.kind,
        "parent": institution_ref(request, institution.parent) if institution.parent else None,
        "children": [institution_ref(request, child) for child in children],
        "website": institution.website,
        "city": institution.city,
        "country": institution.country,
    }


@router.get(
    "/institutions/",
    response={200: InstitutionPage, **LIST_ANSWERS},
    operation_id="institution_list",
    summary="Institutions, by name",
    tags=["institutions"],
    openapi_extra=webapi.conditional_openapi(),
)
def institution_list(request, response: HttpResponse, page: Query[PageParameters]):
    window = INSTITUTIONS.window(
        Institution.objects.confirmed(),
        cursor=page.cursor,
        limit=page.limit,
        columns=("updated_at",),
    )
    if answer := webapi.not_modified(request, response, rows=window.rows):
        return answer
    institutions = window.arrange(
        Institution.objects.filter(pk__in=window.pks)
        .select_related("parent")
        .prefetch_related(
            Prefetch("children", queryset=Institution.objects.confirmed().order_by("name"))
        )
    )
    return {
        "items": [
            institution_item(request, institution, institution.children.all())
            for institution in institutions
        ],
        "next_cursor": window.next_cursor,
        "next": webapi.next_page_url(request, window.next_cursor),
    }


@router.get(
    "/institutions/{slug}/",
    response={200: InstitutionDetail, **DETAIL_ANSWERS},
    operation_id="institution_detail",
    summary="One institution, with its units, agreements and newest stories",
    description="Stories about any of its units, at any depth, count for it too.",
    tags=["institutions"],
    openapi_extra=webapi.conditional_openapi(),
)
@decorate_view(webapi.no_query_parameters)
def institution_detail(request, response: HttpResponse, slug: str = SlugPath):
    institution = Institution.objects.confirmed().select_related("parent").filter(slug=slug).first()
    if institution is None:
        raise Http404("No institution has this slug.")
    stories = newest_stories(Article.objects.published().about_institution(institution))
    rows = [(institution.pk, institution.updated_at), *story_rows(stories)]
    if answer := webapi.not_modified(request, response, rows=rows):
        return answer
    family = Institution.objects.family_ids_sql(institution.pk)
    agreements = Agreement.objects.filter(
        pk__in=AgreementParty.objects.filter(institution_id__in=family).values("agreement_id")
    ).order_by("-signed_on", "title", "pk")
    return {
        **institution_item(request, institution, institution.children.confirmed().order_by("name")),
        "aliases": institution.alias_list,
        "description": institution.description,
        "agreements": [agreement_ref(request, agreement) for agreement in agreements],
        "stories": [story_ref(request, story) for story in stories],
        "stories_url": stories_url(request, "institution", institution.slug),
    }


# --- People -------------------------------------------------------------------


class PositionItem(Schema):
    title: str
    institution: InstitutionRef
    started_on: datetime.date | None
    ended_on: datetime.date | None
    current: bool = Field(description="Held on the newsroom's date today.")
    printed_title: str = Field(description="As stories print it: “Dean, Yonsei University”.")


class PersonItem(PersonRef):
    korean_name: str
    positions: list[PositionItem] = Field(description="Every position, latest start first.")


class PersonDetail(PersonItem, StoriesMixin):
    bio: str


class PersonPage(webapi.PageMeta):
    items: list[PersonItem]


def positions_of(request, positions):
    today = timezone.localdate()
    ordered = sorted(positions, key=Position.recency_key, reverse=True)
    return [
        {
            "title": position.title,
            "institution": institution_ref(request, position.institution),
            "started_on": position.started_on,
            "ended_on": position.ended_on,
            "current": position.is_held_on(today),
            "printed_title": position.printable_title,
        }
        for position in ordered
    ]


def person_item(request, person, positions):
    return {
        **person_ref(request, person),
        "korean_name": person.korean_name,
        "positions": positions_of(request, positions),
    }


@router.get(
    "/people/",
    response={200: PersonPage, **LIST_ANSWERS},
    operation_id="person_list",
    summary="People, by name, with their positions",
    tags=["people"],
    openapi_extra=webapi.conditional_openapi(),
)
def person_list(request, response: HttpResponse, page: Query[PageParameters]):
    window = PEOPLE.window(
        Person.objects.confirmed(),
        cursor=page.cursor,
        limit=page.limit,
        columns=("updated_at",),
    )
    if answer := webapi.not_modified(request, response, rows=window.rows):
        return answer
    people = window.arrange(
        Person.objects.filter(pk__in=window.pks).prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("institution"))
        )
    )
    return {
        "items": [person_item(request, person, person.positions.all()) for person in people],
        "next_cursor": window.next_cursor,
        "next": webapi.next_page_url(request, window.next_cursor),
    }


@router.get(
    "/people/{slug}/",
    response={200: PersonDetail, **DETAIL_ANSWERS},
    operation_id="person_detail",
    summary="One person, with positions and the newest stories about, quoting or by them",
    tags=["people"],
    openapi_extra=webapi.conditional_openapi(),
)
@decorate_view(webapi.no_query_parameters)
def person_detail(request, response: HttpResponse, slug: str = SlugPath):
    person = Person.objects.confirmed().filter(slug=slug).first()
    if person is None:
        raise Http404("No person has this slug.")
    stories = newest_stories(Article.objects.published().about_person(person))
    rows = [(person.pk, person.updated_at), *story_rows(stories)]
    if answer := webapi.not_modified(request, response, rows=rows):
        return answer
    positions = person.positions.select_related("institution")
    return {
        **person_item(request, person, positions),
        "bio": person.bio,
        "stories": [story_ref(request, story) for story in stories],
        "stories_url": stories_url(request, "person", person.slug),
    }


# --- Agreements ---------------------------------------------------------------


class PartyItem(Schema):
    institution: InstitutionRef
    signatory: PersonRef | None
    signatory_title: str = Field(
        description="The signatory's title as printed: their position on the signing date."
    )


class AgreementItem(AgreementRef):
    kind: Literal[tuple(AgreementKind.values)]
    place: str
    term_years: int | None
    expires_on: datetime.date | None = Field(description="Null for an open-ended agreement.")
    parties: list[PartyItem]
    areas: list[str] = Field(description="Areas of cooperation, in the agreement's order.")


class AgreementDetail(AgreementItem, StoriesMixin):
    summary: str


class AgreementPage(webapi.PageMeta):
    items: list[AgreementItem]


def agreement_item(request, agreement):
    return {
        **agreement_ref(request, agreement),
        "kind": agreement.kind,
        "place": agreement.place,
        "term_years": agreement.term_years,
        "expires_on": agreement.expires_on,
        "parties": [
            {
                "institution": institution_ref(request, party.institution),
                "signatory": person_ref(request, party.signatory) if party.signatory else None,
                "signatory_title": party.printed_title,
            }
            for party in agreement.party_rows.all()
        ],
        "areas": [area.description for area in agreement.areas.all()],
    }


@router.get(
    "/agreements/",
    response={200: AgreementPage, **LIST_ANSWERS},
    operation_id="agreement_list",
    summary="Agreements, newest signing first",
    tags=["agreements"],
    openapi_extra=webapi.conditional_openapi(),
)
def agreement_list(request, response: HttpResponse, page: Query[PageParameters]):
    window = AGREEMENTS.window(
        Agreement.objects.all(), cursor=page.cursor, limit=page.limit, columns=("updated_at",)
    )
    if answer := webapi.not_modified(request, response, rows=window.rows):
        return answer
    agreements = window.arrange(
        Agreement.objects.filter(pk__in=window.pks).prefetch_related(party_rows_prefetch(), "areas")
    )
    return {
        "items": [agreement_item(request, agreement) for agreement in agreements],
        "next_cursor": window.next_cursor,
        "next": webapi.next_page_url(request, window.next_cursor),
    }


@router.get(
    "/agreements/{slug}/",
    response={200: AgreementDetail, **DETAIL_ANSWERS},
    operation_id="agreement_detail",
    summary="One agreement: parties, signatories, areas, term, status and its stories",
    tags=["agreements"],
    openapi_extra=webapi.conditional_openapi(),
)
@decorate_view(webapi.no_query_parameters)
def agreement_detail(request, response: HttpResponse, slug: str = SlugPath):
    agreement = Agreement.objects.filter(slug=slug).first()
    if agreement is None:
        raise Http404("No agreement has this slug.")
    stories = newest_stories(Article.objects.published().filter(agreements=agreement))
    rows = [(agreement.pk, agreement.updated_at), *story_rows(stories)]
    if answer := webapi.not_modified(request, response, rows=rows):
        return answer
    prefetch_related_objects([agreement], party_rows_prefetch(), "areas")
    return {
        **agreement_item(request, agreement),
        "summary": agreement.summary,
        "stories": [story_ref(request, story) for story in stories],
        "stories_url": stories_url(request, "agreement", agreement.slug),
    }
