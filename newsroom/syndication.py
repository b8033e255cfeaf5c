"""Feeds as a framework: RSS 2.0, Atom 1.0 and JSON Feed 1.1 writers, XML-safe
text, absolute links, a readable page for browsers, and answers to
conditional GETs before any rendering.

Feed readers poll every few minutes, so each feed answers a conditional GET
from one small query (what the items it would list show, with their times)
before anything is rendered. A feed instance is shared by every request, so
nothing about a request is ever stored on it: ``get_object()`` returns a
``FeedScope`` carrying the request, the subject (a section, a person...) and
the item queryset. Apps write their feeds as subclasses of ``PoliteFeed``.

A feed address has two representations, chosen by ``Accept``
(``feed_variant``): the feed document for readers, and an HTML page for a
browser that asks for HTML and names no feed type. Browsers are dropping
XSLT, so the page is rendered here, by the site's own templates.
"""

import copy
import datetime
import hashlib
import json
import mimetypes
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import F, OuterRef, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils import feedgenerator, timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.html import escape
from django.utils.http import http_date, parse_http_date_safe
from lxml import etree
from lxml import html as lxml_html

from newsroom.display import newsroom_time_display

FEED_LENGTH = 30
CACHE_SECONDS = 300
# Part of every ETag: raise it when the feed markup changes, so copies
# cached under the old markup are not answered with 304.
FEED_MARKUP_VERSION = "2"

# The two representations of a feed address (see ``feed_variant``).
FEED = "feed"
PAGE = "page"
# Naming any of these in Accept asks for the feed document itself.
FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "text/xml",
    }
)
# URL name suffixes of the formats in the "feeds" namespace; RSS is the bare name.
FORMAT_SUFFIXES = ("-atom", "-json")

# Characters XML 1.0 cannot carry; Django's XML writer raises on them, which
# would turn one stray paste into a broken feed.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    return _XML_UNSAFE.sub("", str(text or ""))


def absolutize_html(markup, base_url):
    """Return ``markup`` with every link and image address made absolute.

    Feed readers show content away from our site, where a relative
    ``/media/...`` or ``../x`` points nowhere.
    """
    markup = xml_safe(markup)
    if not markup.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except etree.ParserError:
        return escape(markup)
    root.make_links_absolute(base_url, resolve_base_href=False, handle_failures="ignore")
    parts = [escape(root.text or "")]
    parts.extend(lxml_html.tostring(child, encoding="unicode") for child in root)
    return "".join(parts)


def image_mime_type(name):
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def feed_variant(request):
    """Which representation of a feed address ``request`` gets: ``PAGE`` or ``FEED``.

    ``PAGE`` (the readable HTML page) when Accept names text/html and no
    feed type: what a browser sends when someone opens the address. Feed
    readers name a feed type or send ``*/*`` (or nothing), and keep the
    feed. The page cache files a feed address under this and nothing else of
    Accept, so no header value can make a third copy.
    """
    wants_html = False
    for media_type in request.accepted_types:  # q=0 already left out
        name = f"{media_type.main_type}/{media_type.sub_type}".lower()
        if name in FEED_MEDIA_TYPES:
            return FEED
        wants_html = wants_html or name == "text/html"
    return PAGE if wants_html else FEED


def websub_hub():
    """The WebSub hub feeds name with rel="hub" (``NEWSROOM_WEBSUB_HUB``), or ""."""
    return getattr(settings, "NEWSROOM_WEBSUB_HUB", "")


# --- Feed documents -------------------------------------------------------


def _xml_safe_value(value):
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, (list, tuple)):
        return [_xml_safe_value(part) for part in value]
    return value


class XmlSafeMixin:
    """Drops characters XML cannot hold from every text a feed is given.

    Names of sections, tags, people and institutions reach the feed from
    many places; cleaning at the door keeps a stray control character in
    any of them from turning the whole feed into a 500.
    """

    def __init__(self, **kwargs):
        super().__init__(**{key: _xml_safe_value(value) for key, value in kwargs.items()})

    def add_item(self, **kwargs):
        super().add_item(**{key: _xml_safe_value(value) for key, value in kwargs.items()})


def item_authors(item):
    """(name, url) of each author of a feed item, given as names or (name, url) pairs."""
    return [
        (author, "") if isinstance(author, str) else (author[0], author[1] or "")
        for author in item.get("authors", ())
    ]


class NewsroomRssFeed(XmlSafeMixin, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full story in ``content:encoded``, every author and the hub."""

    format_name = "rss"

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        }

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": self.feed["hub"]})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item_authors(item):
            handler.addQuickElement("dc:creator", name)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class NewsroomAtomFeed(XmlSafeMixin, feedgenerator.Atom1Feed):
    """Atom 1.0 with full content, every author and the hub.

    Django's Atom writer writes at most one author; RFC 4287 allows many.
    """

    format_name = "atom"

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("hub"):
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub"]})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item_authors(item):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def _json_author(name, url):
    return {"name": name, "url": url} if url else {"name": name}


class JsonFeed(XmlSafeMixin, feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).

    Optional members without a value are left out rather than sent empty
    (``authors`` holds at least one author when present, and readers would
    take ``"image": ""`` for an address); ``summary`` and ``tags`` are
    always there, possibly empty, for clients that index them.
    """

    format_name = "json"
    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
        }
        if feed["description"]:
            document["description"] = feed["description"]
        if feed["language"]:
            document["language"] = feed["language"]
        if feed["author_name"]:
            document["authors"] = [{"name": feed["author_name"]}]
        if feed.get("hub"):
            document["hubs"] = [{"type": "WebSub", "url": feed["hub"]}]
        document["items"] = [self._item(item) for item in self.items]
        outfile.write(json.dumps(document, ensure_ascii=False, indent=1))

    def _item(self, item):
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item.get("content_html") or "",
            "summary": item.get("summary_text") or "",
        }
        if item["pubdate"]:
            entry["date_published"] = feedgenerator.rfc3339_date(item["pubdate"])
        if item["updateddate"]:
            entry["date_modified"] = feedgenerator.rfc3339_date(item["updateddate"])
        authors = [_json_author(name, url) for name, url in item_authors(item) if name]
        if authors:
            entry["authors"] = authors
        entry["tags"] = list(item["categories"] or ())
        if item["enclosures"]:
            enclosure = item["enclosures"][0]
            entry["image"] = enclosure.url
            attachment = {"url": enclosure.url, "mime_type": enclosure.mime_type}
            if enclosure.length.isdigit():
                attachment["size_in_bytes"] = int(enclosure.length)
            entry["attachments"] = [attachment]
        return entry


FORMATS = {"rss": NewsroomRssFeed, "atom": NewsroomAtomFeed, "json": JsonFeed}


# --- Polite feeds: validators before rendering ----------------------------


def row_marks(queryset, link, *fields):
    """A subquery for validators: the rows of ``queryset`` whose ``link`` is
    the outer row, as one string.

    Each row's ``fields`` (names, ids, times, through joins) are joined by
    ":" and the rows by ",", so that an edit to any of those fields, or a row
    added or removed, changes the string. Rows are ordered where the
    database can order inside an aggregate (PostgreSQL, SQLite 3.44+);
    older SQLite concatenates in scan order, which is stable for unchanged
    rows, and a change of order only costs a full response.
    """
    parts = [F(name) for name in fields]
    if len(parts) == 1:
        mark = Cast(parts[0], TextField())
    else:
        joined = [parts[0]]
        for part in parts[1:]:
            joined += [Value(":"), part]
        mark = Concat(*joined, output_field=TextField())
    order = (mark,) if connection.features.supports_aggregate_order_by_clause else ()
    rows = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Subquery(
        rows.annotate(marks=StringAgg(mark, Value(","), order_by=order)).values("marks")[:1],
        output_field=TextField(),
    )


@dataclass(frozen=True)
class FeedScope:
    """What one request's feed is about; built fresh for every request."""

    request: HttpRequest
    subject: Any
    items: QuerySet

    @property
    def base_url(self):
        return f"{self.request.scheme}://{self.request.get_host()}"

    def absolute(self, path):
        return self.base_url + path


# How long a feed's untimed rows are remembered (see ``untimed_change``).
UNTIMED_CHANGE_SECONDS = 30 * 86400


def untimed_change(scope, digest):
    """When the rows of a feed that carry no time of their own last changed.

    Section and tag names, a quote's order or a story leaving the feed have
    no change time in the database, yet a client that polls with
    If-Modified-Since alone must see them. The moment this server first
    computed a feed's ``digest`` of those rows is kept in the shared cache and
    is part of Last-Modified. A lost entry starts again from now: the time
    only ever moves forward, so the worst a lost entry costs is one full
    response where a 304 would have done, never a 304 that hides a change.
    """
    key = "feeds:untimed:" + hashlib.sha256(scope.absolute(scope.request.path).encode()).hexdigest()
    stored = cache.get(key)
    if stored is not None and stored[0] == digest:
        return datetime.datetime.fromtimestamp(stored[1], tz=datetime.UTC)
    now = timezone.now()
    cache.set(key, (digest, int(now.timestamp())), UNTIMED_CHANGE_SECONDS)
    return now


def conditional_response(request, *, etag, last_modified):
    """Django's answer to a conditional GET (304, 412 or None), minus a future If-Modified-Since.

    RFC 9110 (13.1.3) calls a date later than the server's clock invalid, to
    be ignored; Django compares it as given, so ``Fri, 31 Dec 9999`` got a
    304 for ever, whatever the feed held. ``last_modified`` is a timestamp.
    """
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE") or "")
    if since is not None and since > time.time():
        request = copy.copy(request)
        request.META = {k: v for k, v in request.META.items() if k != "HTTP_IF_MODIFIED_SINCE"}
    return get_conditional_response(request, etag=etag, last_modified=last_modified)


class PoliteFeed(Feed):
    """A feed that answers 304 from its validators and may be cached.

    Subclasses give ``get_object()`` (returning a ``FeedScope``) and
    ``validator_rows()``: one small query for everything the feed would
    show, as rows of values. The ETag hashes those rows, so it changes
    exactly when the visible items or anything they show change;
    Last-Modified is the latest time among them (and ``untimed_change``
    for the values that have none).
    """

    language = settings.NEWSROOM_LANGUAGE
    author_name = settings.NEWSROOM_NAME
    page_template = "feeds/feed_page.html"

    def __init__(self, *, feed_format="rss"):
        self.feed_type = FORMATS[feed_format]

    def __call__(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        try:
            scope = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist:
            raise Http404("No feed at this address.") from None
        variant = feed_variant(request)
        etag, last_modified = self.validators(scope, variant=variant)
        response = conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            document = self.get_feed(scope, request)
            if variant == PAGE:
                response = self.page_response(scope, document)
            else:
                response = HttpResponse(content_type=document.content_type)
                document.write(response, "utf-8")
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        patch_vary_headers(response, ["Accept"])
        return response

    def feed_extra_kwargs(self, scope):
        return {"hub": websub_hub()}

    def validators(self, scope, *, variant=FEED):
        """ETag and Last-Modified timestamp, from one query and no rendering.

        The ETag covers every value of the rows, so a story that leaves the
        feed (unpublished, re-embargoed) or a renamed tag changes it too.
        """
        rows = self.validator_rows(scope)
        digest = hashlib.sha256()
        for part in (
            FEED_MARKUP_VERSION,
            self.feed_type.format_name,
            variant,
            scope.base_url,
            websub_hub(),
            self.subject_fingerprint(scope.subject),
        ):
            digest.update(f"{part}\x1f".encode())
        untimed = hashlib.sha256()
        moments = []
        for row in rows:
            digest.update(("|".join(str(value) for value in row) + "\x1e").encode())
            for value in row:
                if isinstance(value, datetime.datetime):
                    moments.append(value)
                else:
                    untimed.update(f"{value}\x1f".encode())
            untimed.update(b"\x1e")
        subject_updated = getattr(scope.subject, "updated_at", None)
        if subject_updated is not None:
            moments.append(subject_updated)
        else:
            untimed.update(self.subject_fingerprint(scope.subject).encode())
        moments.append(untimed_change(scope, untimed.hexdigest()))
        return f'"{digest.hexdigest()[:32]}"', int(max(moments).timestamp())

    def subject_fingerprint(self, subject):
        if subject is None:
            return ""
        updated = getattr(subject, "updated_at", None)
        return f"{subject.pk}:{updated.isoformat() if updated else str(subject)}"

    def feed_guid(self, scope):
        return scope.absolute(scope.request.path)

    # --- The page a browser gets -----------------------------------------

    def page_response(self, scope, document):
        """The feed as a page of the site: the same items, and how to subscribe."""
        request = scope.request
        kind, slug = self.feed_source(request)
        context = {
            "feed": document.feed,
            "items": [self.page_item(item) for item in document.items],
            "feed_kind": kind,
            "feed_slug": slug,
            "base_url": scope.base_url,
            "feed_length": FEED_LENGTH,
        }
        return HttpResponse(render_to_string(self.page_template, context, request))

    @staticmethod
    def page_item(item):
        published = item["pubdate"]
        return {
            "title": item["title"],
            "link": item["link"],
            "summary": item.get("summary_text") or "",
            "authors": [name for name, _url in item_authors(item)],
            "published": published,
            # Whole seconds: HTML's datetime allows at most three decimals.
            "published_iso": (
                timezone.localtime(published).isoformat(timespec="seconds") if published else ""
            ),
            "published_display": newsroom_time_display(published, missing=""),
        }

    @staticmethod
    def feed_source(request):
        """(URL name without the format suffix, slug) of the feed ``request`` asked for."""
        match = request.resolver_match
        if match is None or not match.url_name:
            return "", ""
        name = match.url_name
        for suffix in FORMAT_SUFFIXES:
            name = name.removesuffix(suffix)
        return name, match.kwargs.get("slug", "")
