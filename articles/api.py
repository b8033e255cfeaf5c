"""Stories in the read API (/api/v1/articles/; docs/api.md).

Every query here starts from ``Article.objects.published()``, the one rule
for what the public may see: no draft, scheduled or embargoed story is
listed, counted, found by id or named in a cursor, whoever asks (signed-in
staff preview on the site, never through the API). Lead images are their
public renditions at their storage addresses; the uploaded original is
private and never named. Shapes for institutions, people and agreements
come from ``institutions.api``, which owns those endpoints.

Each endpoint reads a fixed number of queries, pinned in
tests/articles/test_api.py: the list 4, the story 9, each slug filter one
more to look the slug up; a 304 costs the first query (and those lookups).
"""

import datetime
import uuid
from typing import Annotated

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import WithJsonSchema
from taggit.models import Tag

from articles.models import Article, Byline, Section, tag_in_public_use
from institutions.api import (
    DETAIL_ANSWERS,
    LIST_ANSWERS,
    AgreementRef,
    InstitutionRef,
    PersonRef,
    absolute,
    agreement_ref,
    institution_ref,
    person_ref,
)
from institutions.models import Agreement, Institution, Person
from newsroom import webapi
from newsroom.library import body_images_render
from newsroom.renditions import RENDITION_FORMATS
from newsroom.syndication import absolutize_html

router = Router(tags=["articles"])

STORIES = webapi.Keyset("articles", ("-published_at", "-pk"))
# Changes a story's row records, for the validators: any save, the
# renditions (written by UPDATE, which leaves updated_at alone) and a change
# to its library lead picture (its words or its renditions move updated_at).
STORY_CHANGES = ("updated_at", "lead_image_renditions__0__name", "lead_library_image__updated_at")
MEDIA_TYPES = {extension: mime for _format, extension, mime, _options in RENDITION_FORMATS}


# --- Shapes -------------------------------------------------------------------


class SectionRef(Schema):
    slug: str
    name: str
    url: str = Field(description="The section's public page.")


class TagRef(Schema):
    slug: str
    name: str
    url: str = Field(description="The tag's public page.")


class BylineItem(Schema):
    person: PersonRef
    role: str = Field(description="Empty, or e.g. “Photography”.")


class Rendition(Schema):
    url: str = Field(description="Absolute address of the image file.")
    width: int
    height: int
    format: str = Field(description="File extension: `webp` or `jpg`.")
    media_type: str
    bytes: int


class LeadImage(Schema):
    alt: str
    caption: str
    credit: str
    width: int | None = Field(description="The picture's own width (its largest size).")
    height: int | None
    renditions: list[Rendition] = Field(description="Smallest first, WebP before JPEG.")


class ArticleSummary(Schema):
    id: uuid.UUID = Field(description="Permanent: unlike the slug, it never changes.")
    slug: str
    headline: str
    standfirst: str
    published_at: datetime.datetime = Field(description="In the newsroom's time zone.")
    updated_at: datetime.datetime = Field(description="Never before `published_at`.")
    url: str = Field(description="The story's public page.")
    api_url: str
    section: SectionRef
    tags: list[TagRef]
    bylines: list[BylineItem]
    lead_image: LeadImage | None = Field(
        description="Null without a picture, and while its renditions are being made."
    )


class QuoteItem(Schema):
    text: str
    speaker: PersonRef
    title: str = Field(
        description="The speaker's title as printed: their position on the story's date."
    )


class ArticleDetail(ArticleSummary):
    body: str = Field(description="Sanitised HTML; every link and image address is absolute.")
    quotes: list[QuoteItem]
    institutions: list[InstitutionRef] = Field(description="The institutions it is about.")
    people: list[PersonRef] = Field(description="The people it is about.")
    agreements: list[AgreementRef]


class ArticlePage(webapi.PageMeta):
    items: list[ArticleSummary]


# --- Filters ------------------------------------------------------------------


def _slug(what):
    return webapi.text_parameter(
        pattern=webapi.SLUG_PATTERN, max_length=250, description=f"The {what}'s slug."
    )


# Tag slugs keep letters of any script, as taggit makes them (articles/tags.py).
TagSlug = webapi.text_parameter(pattern=r"^[-\w]+$", max_length=100, description="The tag's slug.")
LocalDate = Annotated[
    datetime.date | None,
    WithJsonSchema({"type": "string", "format": "date"}),
]


def _one(model, parameter, slug):
    found = model.objects.filter(slug=slug).only("pk").first()
    if found is None:
        raise webapi.BadParameter(parameter, f"No {parameter} has the slug “{slug}”.")
    return found


class ArticleFilters(webapi.StrictQuery):
    section: _slug("section") = None
    tag: TagSlug = None
    institution: _slug("institution") = Field(
        None, description="The institution's slug: stories about it or any of its units."
    )
    person: _slug("person") = Field(
        None, description="The person's slug: stories about, quoting or written by them."
    )
    agreement: _slug("agreement") = None
    from_: LocalDate = Field(
        None,
        alias="from",
        description="Published on or after this date, in the newsroom's time zone.",
    )
    to: LocalDate = Field(
        None, description="Published on or before this date, in the newsroom's time zone."
    )
    cursor: webapi.Cursor = None
    limit: webapi.PageSize = webapi.DEFAULT_PAGE_SIZE

    def stories(self):
        """The public stories these filters choose (one query per slug to resolve)."""
        articles = Article.objects.published()
        if self.section:
            articles = articles.in_section(_one(Section, "section", self.section))
        if self.tag:
            try:
                tag = tag_in_public_use(self.tag)
            except Tag.DoesNotExist:
                raise webapi.BadParameter(
                    "tag", f"No public story is tagged “{self.tag}”."
                ) from None
            articles = articles.filter(tags=tag)
        if self.institution:
            articles = articles.about_institution(
                _one(Institution, "institution", self.institution)
            )
        if self.person:
            articles = articles.about_person(_one(Person, "person", self.person))
        if self.agreement:
            articles = articles.filter(agreements=_one(Agreement, "agreement", self.agreement))
        if self.from_:
            start, _end = webapi.local_day(self.from_, parameter="from")
            articles = articles.filter(published_at__gte=start)
        if self.to:
            if self.from_ and self.to < self.from_:
                raise webapi.BadParameter("to", "This date comes before “from”.")
            _start, end = webapi.local_day(self.to, parameter="to")
            articles = articles.filter(published_at__lt=end)
        return articles


# --- Answers ------------------------------------------------------------------


def lead_image(request, article):
    picture = article.lead_picture
    if picture is None:
        return None
    renditions = picture.renditions
    return {
        "alt": picture.alt,
        "caption": picture.caption,
        "credit": picture.credit,
        "width": picture.width,
        "height": picture.height,
        "renditions": [
            {
                "url": absolute(request, default_storage.url(item["name"])),
                "width": item["width"],
                "height": item["height"],
                "format": item["format"],
                "media_type": MEDIA_TYPES.get(item["format"], "application/octet-stream"),
                "bytes": item["bytes"],
            }
            for item in renditions
        ],
    }


def article_summary(request, article):
    """A story's list entry; reads the section, tags and bylines fetched with it."""
    section = article.section
    return {
        "id": article.guid,
        "slug": article.slug,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "published_at": timezone.localtime(article.published_at),
        "updated_at": timezone.localtime(max(article.published_at, article.updated_at)),
        "url": absolute(request, article.get_absolute_url()),
        "api_url": absolute(
            request, reverse("api:article_detail", kwargs={"article_id": article.guid})
        ),
        "section": {
            "slug": section.slug,
            "name": section.name,
            "url": absolute(request, section.get_absolute_url()),
        },
        "tags": [
            {
                "slug": tag.slug,
                "name": tag.name,
                "url": absolute(request, reverse("articles:tag", kwargs={"slug": tag.slug})),
            }
            for tag in article.tag_list
        ],
        "bylines": [
            {"person": person_ref(request, byline.person), "role": byline.role}
            for byline in article.bylines.all()
        ],
        "lead_image": lead_image(request, article),
    }


@router.get(
    "/articles/",
    response={200: ArticlePage, **LIST_ANSWERS},
    operation_id="article_list",
    summary="Public stories, newest first",
    description=(
        "Filters combine (all must hold). Dates are the newsroom's own "
        f"({timezone.get_default_timezone_name()}), both ends included."
    ),
    openapi_extra=webapi.conditional_openapi(),
)
def article_list(request, response: HttpResponse, filters: Query[ArticleFilters]):
    window = STORIES.window(
        filters.stories(), cursor=filters.cursor, limit=filters.limit, columns=STORY_CHANGES
    )
    if answer := webapi.not_modified(request, response, rows=window.rows):
        return answer
    # The gate again on the page's ids: a story withdrawn since the first query stays out.
    articles = window.arrange(
        Article.objects.published()
        .filter(pk__in=window.pks)
        .for_cards()
        .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("person")))
        .with_tags()
    )
    return {
        "items": [article_summary(request, article) for article in articles],
        "next_cursor": window.next_cursor,
        "next": webapi.next_page_url(request, window.next_cursor),
    }


@router.get(
    "/articles/{uuid:article_id}/",
    response={200: ArticleDetail, **DETAIL_ANSWERS},
    operation_id="article_detail",
    summary="One public story, whole",
    openapi_extra=webapi.conditional_openapi(),
)
@decorate_view(webapi.no_query_parameters)
def article_detail(request, response: HttpResponse, article_id: uuid.UUID):
    public = Article.objects.published().filter(guid=article_id)
    row = public.values_list("pk", "published_at", *STORY_CHANGES).first()
    if row is None:
        raise Http404("No public story has this id.")
    if answer := webapi.not_modified(request, response, rows=[row]):
        return answer
    article = (
        public.for_article_page()
        .prefetch_related(
            Prefetch("institutions", queryset=Institution.objects.order_by("name")),
        )
        .first()
    )
    if article is None:
        raise Http404("No public story has this id.")
    page_url = absolute(request, article.get_absolute_url())
    return {
        **article_summary(request, article),
        # Library pictures as on the page: renditions, alt and caption from the library.
        "body": absolutize_html(
            body_images_render(article.body, base_url=absolute(request, "/").rstrip("/")),
            page_url,
        ),
        "quotes": [
            {
                "text": quote.text,
                "speaker": person_ref(request, quote.person),
                "title": quote.printed_title,
            }
            for quote in article.quotes.all()
        ],
        "institutions": [
            institution_ref(request, institution) for institution in article.institutions.all()
        ],
        "people": [person_ref(request, person) for person in article.people.all()],
        "agreements": [agreement_ref(request, agreement) for agreement in article.agreements.all()],
    }
