"""Sidebar widgets, absolute URLs and structured data for the public pages.

Structured data (JSON-LD, schema.org) reads only what the page has already
fetched: a tag here never runs a query of its own, so the pinned query
counts of tests/test_query_counts.py hold whatever a page marks up.
"""

import json

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.media import lead_image_jpegs, rendition_url_function
from articles.models import Article
from institutions.models import Institution, InstitutionKind
from newsroom.pagecache import current_generation
from newsroom.pagination import MAX_PAGE_NUMBER

register = template.Library()

# What a JSON document must not contain inside <script>: "</script>" or "<!--"
# would end or confuse the element. JSON allows these escapes anywhere.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})

# schema.org's type for each kind of institution. Schools and graduate
# schools within a university are CollegeOrUniversity to schema.org too.
ORGANIZATION_TYPES = {
    InstitutionKind.UNIVERSITY: "CollegeOrUniversity",
    InstitutionKind.COLLEGE: "CollegeOrUniversity",
    InstitutionKind.GRADUATE_SCHOOL: "CollegeOrUniversity",
    InstitutionKind.HOSPITAL: "Hospital",
    InstitutionKind.RESEARCH_INSTITUTE: "ResearchOrganization",
    InstitutionKind.COMPANY: "Corporation",
    InstitutionKind.GOVERNMENT: "GovernmentOrganization",
}
_PARENT = Institution._meta.get_field("parent")


def absolute(path):
    """``path`` on the site's public address (settings.SITE_URL)."""
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def iso(moment):
    """ISO 8601 in the newsroom's time zone, whole seconds (HTML's <time> allows
    at most three fractional digits; readers and crawlers need none)."""
    if not moment:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@register.filter
def isotime(moment):
    """``{{ article.published_at|isotime }}`` for ``<time datetime>`` and meta tags."""
    return iso(moment) or ""


def jsonld_script(data, nonce):
    """A JSON-LD ``<script>`` that the Content Security Policy lets through."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    # The nonce is lazy and falsy until read; reading it here is what puts it
    # into the response's policy header.
    nonce = "" if nonce is None else str(nonce)
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>', nonce, mark_safe(payload)
    )


def _site_url():
    return settings.SITE_URL + "/"


def _publisher():
    return {
        "@type": "Organization",
        "@id": _site_url() + "#organization",
        "name": settings.NEWSROOM_NAME,
        "url": _site_url(),
    }


def _website_ref():
    return {"@type": "WebSite", "@id": _site_url() + "#website", "url": _site_url()}


def _person_ref(person):
    return {"@type": "Person", "name": person.name, "url": absolute(person.get_absolute_url())}


def _organization_ref(institution):
    """The institution typed by its kind, with its parent when that was fetched along."""
    data = {
        "@type": ORGANIZATION_TYPES.get(institution.kind, "Organization"),
        "name": institution.name,
        "url": absolute(institution.get_absolute_url()),
    }
    # Every page fetches parents with select_related; never a query per reference.
    if institution.parent_id and _PARENT.is_cached(institution):
        data["parentOrganization"] = {
            "@type": ORGANIZATION_TYPES.get(institution.parent.kind, "Organization"),
            "name": institution.parent.name,
            "url": absolute(institution.parent.get_absolute_url()),
        }
    return data


def _agreement_ref(agreement):
    # Why CreativeWork: see agreement_jsonld.
    return {
        "@type": "CreativeWork",
        "name": agreement.title,
        "url": absolute(agreement.get_absolute_url()),
    }


def _position_fetched(person, date):
    """The position ``person`` held on ``date``, from prefetched rows only (else None)."""
    if "positions" not in getattr(person, "_prefetched_objects_cache", {}):
        return None
    return person.position_on(date)


def _person_as_of(person, date):
    """A person with the job title and affiliation they held on ``date``.

    Only from positions the page prefetched: the article page fetches its
    speakers' positions (one query for all), not those of people it merely
    links, who are then named without a title rather than for a query each.
    """
    data = _person_ref(person)
    position = _position_fetched(person, date)
    if position is not None:
        data["jobTitle"] = position.title
        data["affiliation"] = _organization_ref(position.institution)
    return data


def _one_or_many(values):
    return values[0] if len(values) == 1 else values


def share_images(article, *, preview_link=None, draft=False):
    """Absolute lead image addresses for sharing and structured data, largest first.

    Only the JPEG renditions, which carry no camera metadata (GPS position
    included): never the uploaded original, and nothing while renditions are
    still being made. Reads fields on the article only: no query, no storage
    access.
    """
    url = rendition_url_function(article, preview_link=preview_link, draft=draft)
    return [
        {"url": absolute(url(item["name"])), "width": item["width"], "height": item["height"]}
        for item in lead_image_jpegs(article)
    ]


@register.simple_tag(takes_context=True)
def share_image(context, article):
    """The largest shareable lead image as ``{url, width, height}``, or None."""
    images = share_images(
        article,
        preview_link=context.get("preview_link"),
        draft=context.get("draft_preview", False),
    )
    return images[0] if images else None


@register.simple_tag
def absolute_url(path):
    return absolute(str(path))


@register.simple_tag
def og_locale():
    """Open Graph's ``og:locale`` (language_TERRITORY), from settings.NEWSROOM_LOCALE."""
    return settings.NEWSROOM_LOCALE


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's canonical address: the path, plus the page number past page one."""
    request = context["request"]
    url = absolute(request.path)
    # int() rather than isdigit(): "²" is a digit to Python but no number to int().
    try:
        page = int(request.GET.get("page", ""))
    except ValueError:
        page = 1
    if 1 < page <= MAX_PAGE_NUMBER:
        url += f"?page={page}"
    return url


@register.simple_tag(takes_context=True)
def site_jsonld(context):
    """The front page's WebSite (with its search) and the Organization behind it."""
    website = {
        **_website_ref(),
        "name": settings.NEWSROOM_NAME,
        "description": context.get("newsroom_description", ""),
        "inLanguage": settings.NEWSROOM_LANGUAGE,
        "publisher": {"@id": _publisher()["@id"]},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(reverse("articles:search")) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
    data = {"@context": "https://schema.org", "@graph": [website, _publisher()]}
    return jsonld_script(data, context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def page_jsonld(context, name, items=None, *, description="", page_type=""):
    """A list page as a CollectionPage whose ItemList is the page's items, in order.

    ``items`` is the page's ``page_obj`` (or any list of records with
    ``get_absolute_url``); positions continue across pages. Without items
    the page is a plain WebPage. ``page_type`` names a more precise type,
    such as SearchResultsPage.
    """
    data = {
        "@context": "https://schema.org",
        "@type": page_type or ("WebPage" if items is None else "CollectionPage"),
        "name": str(name),
        "url": canonical_url(context),
        "inLanguage": settings.NEWSROOM_LANGUAGE,
        "isPartOf": _website_ref(),
    }
    description = str(description or "")
    if description:
        data["description"] = description
    if items is not None:
        # Iterating evaluates the page's rows once; the list below reuses them.
        records = list(items)
        start = items.start_index() if records and hasattr(items, "start_index") else 1
        data["mainEntity"] = {
            "@type": "ItemList",
            "numberOfItems": len(records),
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": start + offset,
                    "url": absolute(record.get_absolute_url()),
                    "name": str(record),
                }
                for offset, record in enumerate(records)
            ],
        }
    return jsonld_script(data, context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def article_jsonld(context, article):
    """NewsArticle structured data; relations must already be prefetched.

    The people the story names or quotes are ``mentions``, each with the job
    title and affiliation held on the story's date (the titles the story
    prints); its institutions and agreements are what it is ``about``.
    """
    url = absolute(article.get_absolute_url())
    people = {}
    for person in article.people.all():
        people[person.pk] = person
    for quote in article.quotes.all():
        # The speaker's row is the one with the prefetched positions.
        people[quote.person_id] = quote.person
    authors = [_person_ref(byline.person) for byline in article.bylines.all()]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.updated_at or article.published_at),
        "author": authors or [_publisher()],
        "publisher": _publisher(),
        "articleSection": article.section.name,
        "inLanguage": settings.NEWSROOM_LANGUAGE,
        "isPartOf": _website_ref(),
    }
    images = share_images(
        article,
        preview_link=context.get("preview_link"),
        draft=context.get("draft_preview", False),
    )
    if images:
        data["image"] = [image["url"] for image in images[:3]]
    keywords = [tag.name for tag in article.tag_list]
    if keywords:
        data["keywords"] = keywords
    about = [_organization_ref(institution) for institution in article.institution_list]
    about += [_agreement_ref(agreement) for agreement in article.agreements.all()]
    if about:
        data["about"] = about
    if people:
        on = article.quote_date()
        data["mentions"] = [_person_as_of(person, on) for person in people.values()]
    return jsonld_script(data, context.get("csp_nonce"))


def _role(position, *, property_name, role_type):
    """schema.org's Role pattern: the position's title and dates around the organization."""
    role = {
        "@type": role_type,
        "roleName": position.title,
        property_name: _organization_ref(position.institution),
    }
    if position.started_on:
        role["startDate"] = position.started_on.isoformat()
    if position.ended_on:
        role["endDate"] = position.ended_on.isoformat()
    return role


@register.simple_tag(takes_context=True)
def person_jsonld(context, person, positions=()):
    """A ProfilePage about the Person, with current and past positions.

    Current positions are ``worksFor`` and past ones ``affiliation``, each
    wrapped in schema.org's Role pattern (https://schema.org/Role) so the
    title and dates stay with their institution; ``jobTitle`` repeats the
    current titles for readers of the plain property. ``alumniOf`` would be
    wrong: it means a former student. ``positions`` are all the person's
    positions, already fetched with their institutions.
    """
    today = timezone.localdate()
    current = [position for position in positions if position.is_held_on(today)]
    past = [
        position
        for position in positions
        if position.ended_on is not None and position.ended_on < today
    ]
    url = absolute(person.get_absolute_url())
    entity = {**_person_ref(person), "@id": url + "#person"}
    if person.korean_name:
        entity["alternateName"] = person.korean_name
    if person.bio:
        entity["description"] = person.bio
    if current:
        entity["jobTitle"] = _one_or_many([position.title for position in current])
        entity["worksFor"] = [
            _role(position, property_name="worksFor", role_type="EmployeeRole")
            for position in current
        ]
    if past:
        entity["affiliation"] = [
            _role(position, property_name="affiliation", role_type="OrganizationRole")
            for position in past
        ]
    data = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": canonical_url(context),
        "dateModified": iso(person.updated_at),
        "isPartOf": _website_ref(),
        "mainEntity": entity,
    }
    return jsonld_script(data, context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def organization_jsonld(context, institution, children=()):
    """The institution as the schema.org type of its kind, with its parent and units."""
    data = {"@context": "https://schema.org", **_organization_ref(institution)}
    data["@id"] = data["url"] + "#organization"
    alternate = [name for name in (institution.short_name, institution.korean_name) if name]
    alternate += institution.alias_list
    if alternate:
        data["alternateName"] = alternate
    if institution.website:
        data["sameAs"] = [institution.website]
    if institution.description:
        data["description"] = institution.description
    if institution.city or institution.country:
        address = {"@type": "PostalAddress"}
        if institution.city:
            address["addressLocality"] = institution.city
        if institution.country:
            address["addressCountry"] = institution.country
        data["address"] = address
    units = [_organization_ref(child) for child in children]
    for unit in units:
        unit.pop("parentOrganization", None)  # this page's institution
    if units:
        data["subOrganization"] = units
    return jsonld_script(data, context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def agreement_jsonld(context, agreement):
    """An agreement as a CreativeWork: the document the parties made and signed.

    schema.org has no type for an agreement between institutions. Event
    would describe the signing ceremony, a single day, and search engines
    show Events as things to attend; the page is about the instrument that
    runs for a term. CreativeWork carries what the page says: its parties
    made it (``creator``), their signatories signed it (``contributor``, with
    the title each held on the signing day), it dates from the signing
    (``dateCreated``, ``locationCreated``), applies for its term
    (``temporalCoverage``, open-ended as ".."), covers its areas of
    cooperation (``about``) and renews an earlier one (``isBasedOn``).
    Parties, signatories' positions and areas must already be prefetched.
    """
    data = {"@context": "https://schema.org", **_agreement_ref(agreement)}
    data["genre"] = agreement.get_kind_display()
    if agreement.summary:
        data["description"] = agreement.summary
    signed = agreement.signed_on.isoformat()
    data["dateCreated"] = signed
    ends = agreement.expires_on.isoformat() if agreement.expires_on else ".."
    data["temporalCoverage"] = f"{signed}/{ends}"
    if agreement.place:
        data["locationCreated"] = {"@type": "Place", "name": agreement.place}
    parties = list(agreement.party_rows.all())
    if parties:
        data["creator"] = [_organization_ref(party.institution) for party in parties]
    signatories = []
    for party in parties:
        if party.signatory is None:
            continue
        person = _person_ref(party.signatory)
        position = _position_fetched(party.signatory, agreement.signed_on)
        if position is not None:
            person["jobTitle"] = position.title
        person["affiliation"] = _organization_ref(party.institution)
        signatories.append(person)
    if signatories:
        data["contributor"] = signatories
    areas = [{"@type": "Thing", "name": area.description} for area in agreement.areas.all()]
    if areas:
        data["about"] = areas
    if agreement.renews_id:
        data["isBasedOn"] = _agreement_ref(agreement.renews)
    return jsonld_script(data, context.get("csp_nonce"))


@register.inclusion_tag("includes/sidebar/latest.html")
def latest_articles(limit=5):
    articles = (
        Article.objects.published()
        .newest_first()
        .only("headline", "slug", "published_at", "created_at")[:limit]
    )
    return {"articles": articles}


@register.inclusion_tag("includes/sidebar/archive.html")
def month_archive(limit=24):
    """Months with public stories, newest first, in the newsroom's time zone."""
    # Scanning every public story for its month is the costliest query on a
    # large archive, and the answer rarely changes: keep it until the next
    # change to any story (the page cache's generation) or a scheduled release.
    key = f"month-archive:{current_generation()}:{limit}"
    months = cache.get(key)
    if months is None:
        months = Article.objects.published().months_newest_first(limit)
        # Bounded too, for caches each worker keeps to itself (no Redis).
        cache.set(key, months, 300)
    return {"months": months}
