"""News feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, all over ``published()``.

Feed readers poll every few minutes, so each feed answers a conditional GET
from one small query (the ids and times of the items it would list) before
anything is rendered, and renders with a fixed number of queries however
many items and tags it holds.

A feed instance is shared by every request, so nothing about a request is
ever stored on it: ``get_object()`` returns a ``FeedScope`` carrying the
request, the subject (a section, tag, person...) and the article queryset.
"""

import datetime
import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import feedgenerator
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.html import escape, format_html
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from lxml import etree
from lxml import html as lxml_html
from taggit.models import Tag

from articles.models import Article, Byline, Section, TaggedArticle

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


def lead_image_size(article):
    """The stored size of the lead image; storage is asked only for old rows."""
    if article.lead_image_bytes is not None:
        return article.lead_image_bytes
    try:
        return article.lead_image.size
    except OSError:
        return None


def lead_image_html(article):
    """The lead image as a figure, keeping its alt text, caption and credit."""
    if not article.lead_image:
        return ""
    credit = format_html(" ({})", article.lead_image_credit) if article.lead_image_credit else ""
    caption = (
        format_html("<figcaption>{}{}</figcaption>", article.lead_image_caption, credit)
        if article.lead_image_caption or credit
        else ""
    )
    return format_html(
        '<figure><img src="{}" alt="{}">{}</figure>',
        article.lead_image.url,
        article.lead_image_alt,
        caption,
    )


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


class ArticleFeed(PoliteFeed):
    """Latest published articles of the whole newsroom; the base of the others."""

    def get_object(self, request, *args, **kwargs):
        return FeedScope(request=request, subject=None, items=Article.objects.published())

    def title(self, scope):
        return settings.NEWSROOM_NAME

    def link(self, scope):
        return reverse("articles:home")

    def description(self, scope):
        return f"The latest news from {settings.NEWSROOM_NAME}."

    def validator_rows(self, scope):
        return list(
            scope.items.newest_first().values_list("pk", "published_at", "updated_at")[:FEED_LENGTH]
        )

    def items(self, scope):
        articles = list(
            scope.items.newest_first()
            .select_related("section")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("person")),
                # Through the concrete tag model: taggit's own manager builds
                # a queryset per article even when prefetched.
                Prefetch("tagged_items", queryset=TaggedArticle.objects.select_related("tag")),
            )[:FEED_LENGTH]
        )
        for article in articles:
            # Item methods only see the item; the base address travels with it.
            article.feed_base_url = scope.base_url
        return articles

    def item_title(self, article):
        return xml_safe(article.headline)

    def item_description(self, article):
        return escape(xml_safe(article.standfirst))

    def item_guid(self, article):
        return f"urn:uuid:{article.guid}"

    def item_guid_is_permalink(self, article):
        return False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return max(article.published_at, article.updated_at)

    def item_categories(self, article):
        names = sorted(tagged.tag.name for tagged in article.tagged_items.all())
        return [article.section.name, *names]

    def item_enclosures(self, article):
        if not article.lead_image:
            return []
        size = lead_image_size(article)
        return [
            feedgenerator.Enclosure(
                url=urljoin(article.feed_base_url, article.lead_image.url),
                length=str(size) if size is not None else "0",
                mime_type=image_mime_type(article.lead_image.name),
            )
        ]

    def item_extra_kwargs(self, article):
        names = [xml_safe(byline.person.name) for byline in article.bylines.all()]
        return {
            "authors": names or [settings.NEWSROOM_NAME],
            "content_html": self.item_content(article),
            "summary_text": xml_safe(article.standfirst),
        }

    def item_content(self, article):
        """The whole story as HTML: lead image with its alt text, then the body."""
        base = article.feed_base_url + article.get_absolute_url()
        return absolutize_html(lead_image_html(article) + article.body, base)


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        section = Section.objects.get(slug=slug)
        return FeedScope(
            request=request, subject=section, items=Article.objects.published().in_section(section)
        )

    def subject_fingerprint(self, section):
        # Sections keep no change time; their name and text are what a feed shows.
        return f"{section.pk}:{section.name}:{section.description}"

    def title(self, scope):
        return f"{scope.subject.name} · {settings.NEWSROOM_NAME}"

    def link(self, scope):
        return scope.subject.get_absolute_url()

    def description(self, scope):
        return scope.subject.description or f"{scope.subject.name} from {settings.NEWSROOM_NAME}."


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        tag = Tag.objects.get(slug=slug)
        return FeedScope(
            request=request, subject=tag, items=Article.objects.published().filter(tags=tag)
        )

    def subject_fingerprint(self, tag):
        return f"{tag.pk}:{tag.name}"

    def title(self, scope):
        return f"Tagged “{scope.subject.name}” · {settings.NEWSROOM_NAME}"

    def link(self, scope):
        return reverse("articles:tag", kwargs={"slug": scope.subject.slug})

    def description(self, scope):
        return f"Stories tagged “{scope.subject.name}” from {settings.NEWSROOM_NAME}."


# --- Human-facing pages ---------------------------------------------------


@require_safe
def feeds_index(request):
    """The page that lists every feed and says what each one carries."""
    return render(
        request,
        "feeds/index.html",
        {
            "sections": Section.objects.all(),
            "feed_length": FEED_LENGTH,
            "example_tag": Tag.objects.filter(article__in=Article.objects.published())
            .order_by("name")
            .first(),
        },
    )


@require_safe
@cache_control(public=True, max_age=86400)
def feed_stylesheet(request):
    """XSLT that turns any of our RSS or Atom feeds into a readable page."""
    return HttpResponse(
        render_to_string("feeds/feed.xsl", {"newsroom_name": settings.NEWSROOM_NAME}),
        content_type="text/xsl; charset=utf-8",
    )
