"""Which pages the benchmark measures, and what each one costs in SQL.

URLs are found by reversing the project's URL names against the seeded data
(the busiest section, tag, institution, person and agreement), so the table
follows the product as pages and feeds are added. A URL name that does not
exist yet becomes a note, not an error.
"""

import math

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse

from articles.models import Article, Section, TaggedArticle
from bench import vocabulary as vocab
from institutions.models import Agreement, Institution, Person

COMMON_QUERY = "clinical research"
RARE_QUERY = vocab.RARE_WORD
DEFAULT_PER_PAGE = 20
FEED_ENTITY_WORDS = ("section", "tag", "institution", "person", "people", "agreement")


def _reverse(name, *, kwargs=None):
    """Reverse ``name`` trying each kwargs dict in turn; None if nothing matches."""
    for attempt in kwargs or [{}]:
        try:
            return reverse(name, kwargs=attempt)
        except NoReverseMatch:
            continue
    return None


def _slug_kwargs(slug, *names):
    return [{name: slug} for name in ("slug", *names)]


def _busiest():
    """The records with the most stories: the pages a reader lands on most."""
    public = Article.objects.published()
    article = (
        public.exclude(lead_image="").filter(quotes__isnull=False).newest_first().first()
        or public.newest_first().first()
    )
    section = (
        Section.objects.filter(articles__in=public)
        .annotate(n=Count("articles"))
        .order_by("-n", "pk")
        .first()
    )
    tag_row = (
        TaggedArticle.objects.values("tag_id", "tag__slug")
        .annotate(n=Count("id"))
        .order_by("-n", "tag_id")
        .first()
    )
    busiest_institution = (
        Institution.objects.annotate(n=Count("articles")).order_by("-n", "pk").first()
    )
    root = busiest_institution
    while root is not None and root.parent_id:
        root = root.parent
    person = Person.objects.annotate(n=Count("quotes")).order_by("-n", "pk").first()
    agreement = Agreement.objects.annotate(n=Count("articles")).order_by("-n", "pk").first()
    return {
        "article": article,
        "section": section,
        "tag": tag_row["tag__slug"] if tag_row else None,
        "institution": root,
        "person": person,
        "agreement": agreement,
    }


def _deep_page(section_url, section):
    """The last page of the busiest section: the deepest OFFSET a reader can ask for."""
    view_class = getattr(resolve(section_url).func, "view_class", None)
    per_page = getattr(view_class, "paginate_by", None) or DEFAULT_PER_PAGE
    count = Article.objects.published().in_section(section).count()
    return max(1, math.ceil(count / per_page))


def _feed_patterns():
    """(name, kwarg names) of every URL in the ``feeds`` namespace, if it exists."""
    namespace = get_resolver().namespace_dict.get("feeds")
    if namespace is None:
        return []
    found = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver) and not pattern.namespace:
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", None)
                names = list(converters) if converters is not None else []
                if not names and hasattr(pattern.pattern, "regex"):
                    names = list(pattern.pattern.regex.groupindex)
                found.append((pattern.name, names))

    walk(namespace[1].url_patterns)
    return found


def bench_pages_discover():
    """Return (rows, notes): rows are dicts with ``page``, ``url`` and ``headers``."""
    busiest = _busiest()
    rows, notes = [], []

    def add(page, url, why_missing, headers=None):
        if url is None:
            notes.append(f"{page}: skipped, {why_missing}")
        else:
            rows.append({"page": page, "url": url, "headers": headers or {}})

    article = busiest["article"]
    add("article", article.get_absolute_url() if article else None, "no public article")
    add("home", _reverse("articles:home"), "no URL named articles:home")
    section = busiest["section"]
    section_url = section and _reverse(
        "articles:section", kwargs=_slug_kwargs(section.slug, "section")
    )
    add("section p1", section_url, "no URL named articles:section (or no section)")
    if section_url:
        add("section deep", f"{section_url}?page={_deep_page(section_url, section)}", "")
    tag = busiest["tag"]
    add(
        "tag",
        tag and _reverse("articles:tag", kwargs=_slug_kwargs(tag, "tag")),
        "no URL named articles:tag (or no tag)",
    )
    for page, name, record in (
        ("institution", "institutions:detail", busiest["institution"]),
        ("person", "institutions:person-detail", busiest["person"]),
        ("agreement", "institutions:agreement-detail", busiest["agreement"]),
    ):
        add(page, record and _reverse(name, kwargs=[{"slug": record.slug}]), f"no {name}")
    search_url = _reverse("articles:search")
    for page, words in (("search common", COMMON_QUERY), ("search rare", RARE_QUERY)):
        url = search_url and f"{search_url}?q={words.replace(' ', '+')}"
        add(page, url, "no URL named articles:search")
    feeds = _feed_patterns()
    if not feeds:
        notes.append("feeds: skipped, no URL namespace named feeds")
    slugs = {
        "section": section and section.slug,
        "tag": tag,
        "institution": busiest["institution"] and busiest["institution"].slug,
        "person": busiest["person"] and busiest["person"].slug,
        "people": busiest["person"] and busiest["person"].slug,
        "agreement": busiest["agreement"] and busiest["agreement"].slug,
    }
    for name, kwarg_names in feeds:
        if not kwarg_names:
            add(f"feed {name}", _reverse(f"feeds:{name}"), "")
            continue
        entity = next((word for word in FEED_ENTITY_WORDS if word in name), None)
        if entity is None or len(kwarg_names) != 1 or not slugs[entity]:
            notes.append(f"feed {name}: skipped, cannot tell what its {kwarg_names} should be")
            continue
        add(
            f"feed {name}",
            _reverse(f"feeds:{name}", kwargs=[{kwarg_names[0]: slugs[entity]}]),
            f"feeds:{name} does not accept a slug",
        )
    return rows, notes


def _content(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def bench_pages_measure(rows, *, client=None):
    """Fetch each row twice; add ``status``, ``queries``, ``queries_warm`` and ``bytes``.

    ``queries`` counts the first fetch, with this process's caches cold for
    that page; ``queries_warm`` the second, as a busy worker would serve it.

    Also adds a conditional-request row ("feed 304") for the first feed that
    sends an ETag or Last-Modified and answers 304 when given it back.
    """
    client = client or Client(raise_request_exception=False, SERVER_NAME="127.0.0.1")
    # One request first so per-process set-up (content types, template
    # loading) is not counted against whichever page happens to come first.
    client.get("/robots.txt")
    measured, notes = [], []
    for row in rows:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(row["url"], headers=row["headers"])
            body = _content(response)
        with CaptureQueriesContext(connection) as warm_queries:
            _content(client.get(row["url"], headers=row["headers"]))
        measured.append(
            {
                **row,
                "status": response.status_code,
                "queries": len(queries),
                "queries_warm": len(warm_queries),
                "bytes": len(body),
            }
        )
        if row["page"].startswith("feed ") and not any(m["page"] == "feed 304" for m in measured):
            conditional = _conditional_headers(response)
            if conditional is None:
                notes.append(f"feed 304: {row['page']} sends neither ETag nor Last-Modified")
                continue
            with CaptureQueriesContext(connection) as queries:
                again = client.get(row["url"], headers=conditional)
                body = _content(again)
            with CaptureQueriesContext(connection) as warm_queries:
                client.get(row["url"], headers=conditional)
            if again.status_code != 304:
                notes.append(
                    f"feed 304: {row['page']} answered {again.status_code} to {conditional}"
                )
                continue
            measured.append(
                {
                    "page": "feed 304",
                    "url": row["url"],
                    "headers": conditional,
                    "status": 304,
                    "queries": len(queries),
                    "queries_warm": len(warm_queries),
                    "bytes": len(body),
                }
            )
    return measured, notes


def _conditional_headers(response):
    if response.has_header("ETag"):
        return {"If-None-Match": response["ETag"]}
    if response.has_header("Last-Modified"):
        return {"If-Modified-Since": response["Last-Modified"]}
    return None
