"""Sidebar widgets, absolute URLs and structured data for the public pages."""

import json

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.media import lead_image_jpegs, rendition_url_function
from articles.models import Article
from newsroom.pagecache import current_generation
from newsroom.pagination import MAX_PAGE_NUMBER

register = template.Library()

# What a JSON document must not contain inside <script>: "</script>" or "<!--"
# would end or confuse the element. JSON allows these escapes anywhere.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


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


def _publisher():
    return {"@type": "Organization", "name": settings.NEWSROOM_NAME, "url": settings.SITE_URL + "/"}


def _person_ref(person):
    return {"@type": "Person", "name": person.name, "url": absolute(person.get_absolute_url())}


def _organization_ref(institution):
    return {
        "@type": "Organization",
        "name": institution.name,
        "url": absolute(institution.get_absolute_url()),
    }


def share_images(article, *, preview_link=None):
    """Absolute lead image addresses for sharing and structured data, largest first.

    Only the JPEG renditions, which carry no camera metadata (GPS position
    included): never the uploaded original, and nothing while renditions are
    still being made. Reads fields on the article only: no query, no storage
    access.
    """
    url = rendition_url_function(article, preview_link=preview_link)
    return [
        {"url": absolute(url(item["name"])), "width": item["width"], "height": item["height"]}
        for item in lead_image_jpegs(article)
    ]


@register.simple_tag(takes_context=True)
def share_image(context, article):
    """The largest shareable lead image as ``{url, width, height}``, or None."""
    images = share_images(article, preview_link=context.get("preview_link"))
    return images[0] if images else None


@register.simple_tag
def absolute_url(path):
    return absolute(str(path))


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
def article_jsonld(context, article):
    """NewsArticle structured data; relations must already be prefetched."""
    url = absolute(article.get_absolute_url())
    people = {}
    for person in article.people.all():
        people.setdefault(person.pk, person)
    for quote in article.quotes.all():
        people.setdefault(quote.person_id, quote.person)
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
    }
    images = share_images(article, preview_link=context.get("preview_link"))
    if images:
        data["image"] = [image["url"] for image in images[:3]]
    keywords = [tag.name for tag in article.tag_list]
    if keywords:
        data["keywords"] = keywords
    about = [_organization_ref(institution) for institution in article.institution_list]
    about += [
        # schema.org has no type for an inter-institutional agreement.
        {"@type": "Thing", "name": agreement.title, "url": absolute(agreement.get_absolute_url())}
        for agreement in article.agreements.all()
    ]
    if about:
        data["about"] = about
    if people:
        data["mentions"] = [_person_ref(person) for person in people.values()]
    return jsonld_script(data, context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def person_jsonld(context, person, positions=()):
    data = {"@context": "https://schema.org", **_person_ref(person)}
    if person.korean_name:
        data["alternateName"] = person.korean_name
    if person.bio:
        data["description"] = person.bio
    current = list(positions)
    if current:
        data["jobTitle"] = current[0].title
        data["worksFor"] = [_organization_ref(position.institution) for position in current]
    return jsonld_script(data, context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def organization_jsonld(context, institution):
    data = {"@context": "https://schema.org", **_organization_ref(institution)}
    alternate = [name for name in (institution.short_name, institution.korean_name) if name]
    alternate += institution.alias_list
    if alternate:
        data["alternateName"] = alternate
    if institution.website:
        data["sameAs"] = [institution.website]
    if institution.description:
        data["description"] = institution.description
    if institution.parent_id:
        data["parentOrganization"] = _organization_ref(institution.parent)
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
