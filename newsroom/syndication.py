"""Feeds as a framework: RSS 2.0, Atom 1.0 and JSON Feed 1.1 writers, XML-safe
text, absolute links, and answers to conditional GETs before any rendering.

Feed readers poll every few minutes, so each feed answers a conditional GET
from one small query (the ids and times of the items it would list) before
anything is rendered. A feed instance is shared by every request, so nothing
about a request is ever stored on it: ``get_object()`` returns a
``FeedScope`` carrying the request, the subject (a section, a person...) and
the item queryset. Apps write their feeds as subclasses of ``PoliteFeed``.
"""

import datetime
import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import feedgenerator
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.html import escape
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from lxml import etree
from lxml import html as lxml_html

FEED_LENGTH = 30
CACHE_SECONDS = 300
# Part of every ETag: raise it when the feed markup changes, so copies
# cached under the old markup are not answered with 304.
FEED_MARKUP_VERSION = "1"

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


class NewsroomRssFeed(XmlSafeMixin, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full story in ``content:encoded`` and every author."""

    format_name = "rss"

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.addQuickElement("dc:creator", name)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class NewsroomAtomFeed(XmlSafeMixin, feedgenerator.Atom1Feed):
    """Atom 1.0 with full content, every author and the browser stylesheet.

    Django's Atom writer has no stylesheet support and writes at most one
    author; RFC 4287 allows many.
    """

    format_name = "atom"

    def write(self, outfile, encoding):
        handler = feedgenerator.SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", str(stylesheet))
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class JsonFeed(XmlSafeMixin, feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    format_name = "json"
    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "authors": [{"name": feed["author_name"]}] if feed["author_name"] else [],
            "items": [self._item(item) for item in self.items],
        }
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
        entry["authors"] = [{"name": name} for name in item.get("authors", ())]
        entry["tags"] = list(item["categories"])
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


class PoliteFeed(Feed):
    """A feed that answers 304 from its validators and may be cached.

    Subclasses give ``get_object()`` (returning a ``FeedScope``) and
    ``validator_rows()``; the ETag hashes those rows, so it changes exactly
    when the set of visible items or one of them changes.
    """

    language = settings.NEWSROOM_LANGUAGE
    author_name = settings.NEWSROOM_NAME
    stylesheets = [feedgenerator.Stylesheet(reverse_lazy("feeds:stylesheet"), "text/xsl")]

    def __init__(self, *, feed_format="rss"):
        self.feed_type = FORMATS[feed_format]
        if feed_format == "json":
            self.stylesheets = None

    def __call__(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        try:
            scope = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist:
            raise Http404("No feed at this address.") from None
        for_browser = self.wants_page(request)
        etag, last_modified = self.validators(scope, variant="page" if for_browser else "feed")
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            document = self.get_feed(scope, request)
            response = HttpResponse(content_type=document.content_type)
            if for_browser:
                response["Content-Type"] = "application/xml; charset=utf-8"
            document.write(response, "utf-8")
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        if self.stylesheets:
            patch_vary_headers(response, ["Accept"])
        return response

    def wants_page(self, request):
        """Whether a browser, not a feed reader, asked for this XML feed.

        Chromium shows application/rss+xml and application/atom+xml as raw
        text and never runs their stylesheet, so a browser that asks for HTML
        (and names no feed type) gets the same document as application/xml.
        Feed readers name the feed types or send */*, and keep the real ones.
        """
        if not self.stylesheets:
            return False
        accept = request.headers.get("Accept", "")
        return "text/html" in accept and "rss+xml" not in accept and "atom+xml" not in accept

    def validators(self, scope, *, variant="feed"):
        """ETag and Last-Modified timestamp, from one query and no rendering.

        The ETag covers the visible ids with their times, so a story that
        leaves the feed (unpublished, re-embargoed) changes it too; a client
        that sends only If-Modified-Since sees such a removal with the next
        change, since a vanished row leaves no newer time behind.
        """
        rows = self.validator_rows(scope)
        digest = hashlib.sha256()
        for part in (
            FEED_MARKUP_VERSION,
            self.feed_type.format_name,
            variant,
            scope.base_url,
            self.subject_fingerprint(scope.subject),
        ):
            digest.update(f"{part}\x1f".encode())
        moments = []
        for row in rows:
            digest.update(("|".join(str(value) for value in row) + "\x1e").encode())
            moments.extend(value for value in row[1:] if isinstance(value, datetime.datetime))
        subject_updated = getattr(scope.subject, "updated_at", None)
        if subject_updated is not None:
            moments.append(subject_updated)
        last_modified = int(max(moments).timestamp()) if moments else None
        return f'"{digest.hexdigest()[:32]}"', last_modified

    def subject_fingerprint(self, subject):
        if subject is None:
            return ""
        updated = getattr(subject, "updated_at", None)
        return f"{subject.pk}:{updated.isoformat() if updated else str(subject)}"

    def feed_guid(self, scope):
        return scope.absolute(scope.request.path)


@require_safe
@cache_control(public=True, max_age=86400)
def feed_stylesheet(request):
    """XSLT that turns any of our RSS or Atom feeds into a readable page."""
    return HttpResponse(
        render_to_string("feeds/feed.xsl", {"newsroom_name": settings.NEWSROOM_NAME}),
        content_type="text/xsl; charset=utf-8",
    )
