"""Structural checks for our feeds, written from the specifications.

feedparser is a lenient client: it reports only XML that is not well formed.
These helpers check what a strict validator would: RFC 4287 for Atom, the
RSS 2.0 specification (with the RSS Advisory Board's profile) for RSS, and
JSON Feed 1.1. Each ``*_problems`` function returns a list of readable
problems; each ``assert_*`` function fails with all of them at once.
"""

import email.utils
import json
import re
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"a": ATOM, "content": CONTENT, "dc": DC}

# RFC 3339 date-time as RFC 4287 section 3.3 restricts it: upper-case T and Z.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# RFC 822 as updated by RFC 1123 (four-digit year), which RSS 2.0 requires.
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)$"
)


def is_absolute_iri(value):
    parts = urlsplit(value or "")
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    # urn:uuid:..., tag:..., mailto:... carry no authority but are absolute.
    return bool(parts.scheme) and bool(parts.path)


def _count(element, path):
    return len(element.findall(path, NS))


def html_link_problems(markup, where):
    """Every href and src inside an HTML fragment must be absolute."""
    if not (markup or "").strip():
        return []
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    problems = []
    for _element, attribute, link, _pos in root.iterlinks():
        if attribute in ("href", "src") and not is_absolute_iri(link):
            problems.append(f"{where}: relative {attribute} {link!r} in content")
    return problems


def _text_construct_problems(element, where):
    kind = element.get("type", "text")
    if kind not in ("text", "html", "xhtml"):
        return [f"{where}: text construct type {kind!r} is not text, html or xhtml"]
    if kind in ("text", "html") and len(element):
        return [f"{where}: {kind} text construct must not contain child elements"]
    if kind == "xhtml" and len(element) != 1:
        return [f"{where}: xhtml text construct must hold exactly one div"]
    return []


def _person_problems(person, where):
    problems = []
    if _count(person, "a:name") != 1:
        problems.append(f"{where}: an author needs exactly one name")
    elif not (person.findtext("a:name", namespaces=NS) or "").strip():
        problems.append(f"{where}: an author's name is empty")
    for optional in ("a:uri", "a:email"):
        if _count(person, optional) > 1:
            problems.append(f"{where}: more than one {optional[2:]} in an author")
    return problems


def _date_problems(element, name, where):
    problems = []
    for date in element.findall(f"a:{name}", NS):
        if not RFC3339.match((date.text or "").strip()):
            problems.append(f"{where}: {name} {date.text!r} is not an RFC 3339 date-time")
    return problems


def _link_problems(element, where):
    problems = []
    alternates = set()
    for link in element.findall("a:link", NS):
        href = link.get("href")
        if not href:
            problems.append(f"{where}: a link without href")
            continue
        if not is_absolute_iri(href):
            problems.append(f"{where}: link href {href!r} is not absolute")
        rel = link.get("rel", "alternate")
        if rel == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                problems.append(f"{where}: two alternate links with the same type and hreflang")
            alternates.add(key)
        if rel == "enclosure":
            if not (link.get("length") or "").isdigit():
                problems.append(f"{where}: enclosure link without a numeric length")
            if "/" not in (link.get("type") or ""):
                problems.append(f"{where}: enclosure link without a media type")
    return problems


def atom_problems(document):
    """Problems with an Atom feed document, by the rules of RFC 4287."""
    try:
        root = etree.fromstring(document)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != f"{{{ATOM}}}feed":
        return [f"root element is {root.tag}, not atom:feed"]
    problems = []
    for name in ("id", "title", "updated"):
        if _count(root, f"a:{name}") != 1:
            problems.append(f"feed: needs exactly one {name} (4.1.1)")
    for name in ("generator", "icon", "logo", "rights", "subtitle"):
        if _count(root, f"a:{name}") > 1:
            problems.append(f"feed: at most one {name} (4.1.1)")
    feed_id = root.findtext("a:id", namespaces=NS)
    if feed_id is not None and not is_absolute_iri(feed_id.strip()):
        problems.append(f"feed: id {feed_id!r} is not an absolute IRI (4.2.6)")
    if not any(link.get("rel") == "self" for link in root.findall("a:link", NS)):
        problems.append("feed: should have a link rel=self (4.1.1)")
    for title in root.findall("a:title", NS) + root.findall("a:subtitle", NS):
        problems += _text_construct_problems(title, "feed")
    problems += _date_problems(root, "updated", "feed")
    problems += _link_problems(root, "feed")
    feed_authors = root.findall("a:author", NS)
    for author in feed_authors:
        problems += _person_problems(author, "feed")

    seen_ids = set()
    for number, entry in enumerate(root.findall("a:entry", NS), start=1):
        where = f"entry {number}"
        for name in ("id", "title", "updated"):
            if _count(entry, f"a:{name}") != 1:
                problems.append(f"{where}: needs exactly one {name} (4.1.2)")
        for name in ("content", "published", "rights", "source", "summary"):
            if _count(entry, f"a:{name}") > 1:
                problems.append(f"{where}: at most one {name} (4.1.2)")
        entry_id = (entry.findtext("a:id", namespaces=NS) or "").strip()
        if entry_id:
            if not is_absolute_iri(entry_id):
                problems.append(f"{where}: id {entry_id!r} is not an absolute IRI (4.2.6)")
            if entry_id in seen_ids:
                problems.append(f"{where}: id {entry_id!r} repeats another entry's id")
            seen_ids.add(entry_id)
        authors = entry.findall("a:author", NS)
        if not authors and not feed_authors and _count(entry, "a:source/a:author") == 0:
            problems.append(f"{where}: no author, and the feed names none (4.1.2)")
        for author in authors:
            problems += _person_problems(author, where)
        content = entry.find("a:content", NS)
        if content is None:
            if not any(
                link.get("rel", "alternate") == "alternate" for link in entry.findall("a:link", NS)
            ):
                problems.append(f"{where}: no content and no alternate link (4.1.2)")
        else:
            if content.get("src") and _count(entry, "a:summary") == 0:
                problems.append(f"{where}: content by reference needs a summary (4.1.2)")
            if content.get("type", "text") in ("text", "html", "xhtml"):
                problems += _text_construct_problems(content, f"{where} content")
            if content.get("type") == "html":
                problems += html_link_problems(content.text, where)
        for name in ("title", "summary", "rights"):
            for element in entry.findall(f"a:{name}", NS):
                problems += _text_construct_problems(element, f"{where} {name}")
        for name in ("updated", "published"):
            problems += _date_problems(entry, name, where)
        problems += _link_problems(entry, where)
        for category in entry.findall("a:category", NS):
            if not category.get("term"):
                problems.append(f"{where}: category without a term (4.2.2)")
    return problems


def rss_problems(document):
    """Problems with an RSS 2.0 document."""
    try:
        root = etree.fromstring(document)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != "rss" or root.get("version") != "2.0":
        return ["root element is not <rss version='2.0'>"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [f"{len(channels)} channel elements, not one"]
    channel = channels[0]
    problems = []
    for name in ("title", "link", "description"):
        if len(channel.findall(name)) != 1:
            problems.append(f"channel: needs exactly one {name}")
        elif not (channel.findtext(name) or "").strip():
            problems.append(f"channel: {name} is empty")
    link = channel.findtext("link")
    if link and not is_absolute_iri(link):
        problems.append(f"channel: link {link!r} is not absolute")
    selves = [element for element in channel.findall("a:link", NS) if element.get("rel") == "self"]
    if len(selves) != 1:
        problems.append("channel: needs one atom:link rel=self")
    elif not is_absolute_iri(selves[0].get("href")):
        problems.append("channel: atom:link rel=self is not absolute")
    for name in ("pubDate", "lastBuildDate"):
        value = channel.findtext(name)
        if value is not None and not _is_rfc822(value):
            problems.append(f"channel: {name} {value!r} is not an RFC 822 date")

    seen_guids = set()
    for number, item in enumerate(channel.findall("item"), start=1):
        where = f"item {number}"
        if item.find("title") is None and item.find("description") is None:
            problems.append(f"{where}: needs a title or a description")
        for name in ("title", "link", "description", "guid", "pubDate", "enclosure"):
            if len(item.findall(name)) > 1:
                problems.append(f"{where}: more than one {name}")
        item_link = item.findtext("link")
        if item_link is not None and not is_absolute_iri(item_link):
            problems.append(f"{where}: link {item_link!r} is not absolute")
        guid = item.find("guid")
        if guid is None:
            problems.append(f"{where}: no guid")
        else:
            value = (guid.text or "").strip()
            if guid.get("isPermaLink", "true") == "true" and not value.startswith(
                ("http://", "https://")
            ):
                problems.append(f"{where}: guid {value!r} claims to be a permalink but is no URL")
            if value in seen_guids:
                problems.append(f"{where}: guid {value!r} repeats another item's guid")
            seen_guids.add(value)
        pub_date = item.findtext("pubDate")
        if pub_date is not None and not _is_rfc822(pub_date):
            problems.append(f"{where}: pubDate {pub_date!r} is not an RFC 822 date")
        enclosure = item.find("enclosure")
        if enclosure is not None:
            if not is_absolute_iri(enclosure.get("url")):
                problems.append(f"{where}: enclosure url is not absolute")
            if not (enclosure.get("length") or "").isdigit():
                problems.append(f"{where}: enclosure length is not a number of bytes")
            if "/" not in (enclosure.get("type") or ""):
                problems.append(f"{where}: enclosure has no media type")
        content = item.findtext("content:encoded", namespaces=NS)
        if content is not None:
            problems += html_link_problems(content, where)
        problems += html_link_problems(item.findtext("description") or "", where)
    return problems


def _is_rfc822(value):
    value = value.strip()
    if not RFC822.match(value):
        return False
    try:
        email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return True


def json_feed_problems(document):
    """Problems with a JSON Feed 1.1 document."""
    try:
        feed = json.loads(document)
    except ValueError as error:
        return [f"not JSON: {error}"]
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version is not https://jsonfeed.org/version/1.1")
    if not feed.get("title"):
        problems.append("feed: no title")
    for name in ("home_page_url", "feed_url"):
        if not is_absolute_iri(feed.get(name)):
            problems.append(f"feed: {name} is missing or not absolute")
    if not isinstance(feed.get("items"), list):
        return [*problems, "feed: items is not a list"]
    seen = set()
    for number, item in enumerate(feed["items"], start=1):
        where = f"item {number}"
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id:
            problems.append(f"{where}: id must be a non-empty string")
        elif item_id in seen:
            problems.append(f"{where}: id {item_id!r} repeats")
        seen.add(item_id)
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"{where}: needs content_html or content_text")
        if item.get("url") and not is_absolute_iri(item["url"]):
            problems.append(f"{where}: url is not absolute")
        for name in ("date_published", "date_modified"):
            if name in item and not RFC3339.match(item[name]):
                problems.append(f"{where}: {name} is not an RFC 3339 date")
        for attachment in item.get("attachments", []):
            if not is_absolute_iri(attachment.get("url")) or not attachment.get("mime_type"):
                problems.append(f"{where}: attachment needs an absolute url and a mime_type")
        problems += html_link_problems(item.get("content_html", ""), where)
    return problems


def assert_valid_atom(document):
    problems = atom_problems(document)
    assert not problems, "Atom feed is not valid:\n" + "\n".join(problems)


def assert_valid_rss(document):
    problems = rss_problems(document)
    assert not problems, "RSS feed is not valid:\n" + "\n".join(problems)


def assert_valid_json_feed(document):
    problems = json_feed_problems(document)
    assert not problems, "JSON Feed is not valid:\n" + "\n".join(problems)
