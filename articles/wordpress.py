"""Importing a WordPress site from its export file (WXR 1.0 to 1.2).

``export_read`` turns the file WordPress's Tools → Export writes into plain
records, refusing anything risky or broken with a message for the person
who uploaded it: a file over ``MAX_EXPORT_BYTES``, one that is not XML or is
cut short, and any file that declares XML entities (the "billion laughs"
and external-entity attacks; parsing is done by ``defusedxml``).

``wordpress_import`` then brings the posts in, one transaction each, and
returns an ``ImportReport``: what was created, updated, left unchanged,
skipped and why. With ``dry_run`` it writes nothing at all, files included,
and reports what an import would do. The rules (``IMPORT_RULES``):

- Posts become articles; pages, attachments, menus, revisions, other post
  types and comments are reported as skipped.
- Statuses: publish → Published, future → Published at its (future) time,
  pending → In review, draft and private → Draft; a password-protected
  post, or one that could not be published here (no title, no text, no
  date), is kept as a draft, and the report says so.
- The publication time is ``post_date_gmt``; failing that ``pubDate``;
  failing that ``post_date`` at the export's usual offset from UTC. A draft
  whose date WordPress had not fixed gets none: publishing stamps it.
- Sections: the ``max_sections`` most-used top-level categories become
  sections (a nested category counts for its top-level ancestor); every
  other category, and the nested ones, become tags, as do WordPress tags.
  "Uncategorized" is neither; a post without a section category goes to
  the most-used section.
- Authors become people (their display name, or the login when there is
  none), found again by slug, each with a byline on their stories.
- The lead image is the featured image, else the first image attached to
  the post, read from the uploads folder or zip (never from the network)
  and stored through ``Article.lead_image``. A story that already has a
  lead image keeps it.
- The body is converted (paragraphs, ``[caption]`` to figures, ``[embed]``
  to links, other shortcodes and block comments removed) and then cleaned
  by the body field's own sanitiser when saved.
- Old addresses (``/?p=123``, ``/2019/05/slug/``, the export's ``<link>``)
  are kept as ``ImportedAddress`` rows, which also remember the post id: a
  second import of the same export updates the stories it made, and leaves
  alone any story edited in the newsroom since.
"""

import contextlib
import datetime
import email.utils
import hashlib
import html
import io
import json
import posixpath
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml
from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, ArticleStatus, Byline, ImportedAddress, Section
from articles.redirects import PATH_KEY_MAX_LENGTH, imported_path_key
from articles.workflow import status_change_record
from institutions.models import Person
from newsroom import revisions
from newsroom.images import IMAGE_VALIDATORS
from newsroom.renditions import RenditionError, renditions_delete

MAX_EXPORT_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_SECTIONS = 8
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
# WordPress's default category: filed there means filed nowhere.
UNCATEGORIZED = "uncategorized"
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
# Expat errors that mean the file stopped early rather than went wrong.
TRUNCATION_CODES = {3, 5, 6, 20}  # no element found, unclosed token, partial char, unclosed CDATA

HEADLINE_MAX = Article._meta.get_field("headline").max_length
SLUG_MAX = Article._meta.get_field("slug").max_length
STANDFIRST_MAX = Article._meta.get_field("standfirst").max_length
ALT_MAX = Article._meta.get_field("lead_image_alt").max_length
CAPTION_MAX = Article._meta.get_field("lead_image_caption").max_length
SECTION_NAME_MAX = Section._meta.get_field("name").max_length
SECTION_SLUG_MAX = Section._meta.get_field("slug").max_length
TAG_MAX = Tag._meta.get_field("name").max_length
PERSON_NAME_MAX = Person._meta.get_field("name").max_length
PERSON_SLUG_MAX = Person._meta.get_field("slug").max_length

IMPORT_RULES = (
    "Posts become articles. Pages, attachments, menus, revisions and other post types, "
    "and all comments, are skipped.",
    "Status: publish → Published; future → Published at its future time (scheduled); "
    "pending → In review; draft and private → Draft. Password-protected posts, and posts "
    "that cannot be published here (no title, no text or no date), are kept as drafts.",
    "Publication time: post_date_gmt; if missing, pubDate; if missing, post_date at the "
    "export's usual offset from UTC. Drafts and pending posts without a fixed date get "
    "their time when they are published here.",
    "Sections: the {max_sections} most-used top-level categories become sections (a nested "
    "category counts for its top-level ancestor); all other categories, nested ones "
    "included, become tags, as do WordPress tags. “Uncategorized” is neither; a post "
    "without a section category goes to the most-used section.",
    "Authors become people (display name, or the login when there is none), with bylines.",
    "Lead image: the featured image, else the first image attached to the post, from the "
    "uploads folder (never downloaded). A story that already has a lead image keeps it.",
    "Sticky posts: the newsroom has no front-page picks (its editors' picks are further "
    "reading under one story), so sticky posts become ordinary stories and are listed.",
    "Old addresses (/?p=ID, /YYYY/MM/slug/ and the export's link) answer 301 to the story "
    "once it is public. Importing the same export again updates the stories it made, "
    "unless they were edited here since.",
)


class ExportUnreadable(Exception):
    """The file is not a WordPress export this import can read; the message says why."""


# The records read from an export --------------------------------------------------------


@dataclass
class WordPressAuthor:
    login: str
    display_name: str = ""

    @property
    def name(self):
        return self.display_name.strip() or self.login


@dataclass
class WordPressCategory:
    slug: str
    name: str
    parent: str = ""
    term_id: str = ""


@dataclass
class WordPressItem:
    post_id: str
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    creator: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    pub_date: str = ""
    post_name: str = ""
    post_parent: str = ""
    menu_order: int = 0
    is_sticky: bool = False
    password: str = ""
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # [(slug, name)]
    tags: list = field(default_factory=list)  # [name]
    meta: dict = field(default_factory=dict)
    comments: int = 0


@dataclass
class WordPressExport:
    version: str
    site_title: str
    source: str
    base_path: str
    authors: dict
    categories: dict
    items: list

    @property
    def attachments(self):
        return {item.post_id: item for item in self.items if item.post_type == "attachment"}


# Reading the file -----------------------------------------------------------------------

_NAMESPACES = (
    (re.compile(r"http://wordpress\.org/export/\d+\.\d+/excerpt/?"), "excerpt"),
    (re.compile(r"http://wordpress\.org/export/\d+\.\d+/?"), "wp"),
    (re.compile(r"http://purl\.org/rss/1\.0/modules/content/?"), "content"),
    (re.compile(r"http://purl\.org/dc/elements/1\.1/?"), "dc"),
)


def _name(tag):
    """``{http://wordpress.org/export/1.2/}post_id`` → ``wp:post_id``, whatever the version."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    for pattern, prefix in _NAMESPACES:
        if pattern.fullmatch(uri):
            return f"{prefix}:{local}"
    return f"{{{uri}}}{local}"


def _children(element):
    """``{name: text}`` of the element's simple children (the last of a repeated one)."""
    return {_name(child.tag): (child.text or "") for child in element}


def _unescaped(text):
    """A title or name as a reader sees it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(strip_tags(text or "")).split())


def _size_of(source):
    if isinstance(source, (str, Path)):
        return Path(source).stat().st_size
    if getattr(source, "size", None) is not None:
        return source.size
    position = source.tell()
    size = source.seek(0, io.SEEK_END)
    source.seek(position)
    return size


def _sniffed_problem(head):
    """A message for a file that plainly is not an XML export, from its first bytes."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start:
        return "The file is empty."
    if start.startswith(b"PK\x03\x04"):
        return (
            "This is a zip archive, not the export itself. Unzip it and upload the .xml file "
            "inside (a zip of the uploads folder goes in the second field)."
        )
    if start.startswith(b"\x1f\x8b"):
        return "This file is compressed (gzip). Unpack it and upload the .xml file inside."
    if not start.startswith(b"<"):
        return (
            "This is not an XML file. A WordPress export is the .xml file that WordPress's "
            "Tools → Export writes; it starts with “<?xml”."
        )
    lowered = start[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return (
            "This is a web page, not a WordPress export: perhaps an error or sign-in page "
            "saved in place of the download. Export again from Tools → Export."
        )
    return None


def _parse_error_message(error, *, size):
    line, column = error.position
    if error.code in TRUNCATION_CODES:
        return (
            f"The file ends in the middle of the export (line {line}): it was probably cut "
            "off while downloading or uploading. Export it again from WordPress "
            f"(Tools → Export) and check that the whole file ({filesizeformat(size)} here) "
            "arrives."
        )
    reason = str(error).split(":", 1)[0]
    return (
        f"The file is not well-formed XML (line {line}, column {column}: {reason}). "
        "WordPress writes well-formed exports: was this one edited or converted by hand?"
    )


def export_read(source, *, max_bytes=MAX_EXPORT_BYTES):
    """Read a WordPress export (a path or a binary file); raise ``ExportUnreadable``."""
    size = _size_of(source)
    if size > max_bytes:
        raise ExportUnreadable(
            f"The file is {filesizeformat(size)}; the largest export this import reads is "
            f"{filesizeformat(max_bytes)}. Split it in WordPress (Tools → Export can export "
            "one category or a range of dates at a time) and import the parts one by one."
        )
    with contextlib.ExitStack() as stack:
        handle = (
            stack.enter_context(open(source, "rb")) if isinstance(source, (str, Path)) else source
        )
        handle.seek(0)
        if problem := _sniffed_problem(handle.read(2048)):
            raise ExportUnreadable(problem)
        handle.seek(0)
        try:
            return _export_parse(handle)
        except defusedxml.EntitiesForbidden:
            raise ExportUnreadable(
                "The file declares XML entities (<!ENTITY …>). No WordPress export does, and "
                "such declarations are how an XML file swells to gigabytes in memory "
                "(“billion laughs”) or reads files from the server (external entities), so "
                "it is refused."
            ) from None
        except defusedxml.DefusedXmlException:
            raise ExportUnreadable(
                "The file refers to external documents or declarations, which no WordPress "
                "export does; it is refused."
            ) from None
        except ParseError as error:
            raise ExportUnreadable(_parse_error_message(error, size=size)) from None


def _item_read(element):
    values = _children(element)
    item = WordPressItem(
        post_id=values.get("wp:post_id", "").strip(),
        post_type=values.get("wp:post_type", "").strip() or "post",
        status=values.get("wp:status", "").strip(),
        title=values.get("title", ""),
        link=values.get("link", "").strip(),
        guid=values.get("guid", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        creator=values.get("dc:creator", "").strip(),
        post_date=values.get("wp:post_date", "").strip(),
        post_date_gmt=values.get("wp:post_date_gmt", "").strip(),
        pub_date=values.get("pubDate", "").strip(),
        post_name=unquote(values.get("wp:post_name", "").strip()),
        post_parent=values.get("wp:post_parent", "").strip(),
        is_sticky=values.get("wp:is_sticky", "").strip() == "1",
        password=values.get("wp:post_password", ""),
        attachment_url=values.get("wp:attachment_url", "").strip(),
    )
    with contextlib.suppress(ValueError):
        item.menu_order = int(values.get("wp:menu_order", "0").strip() or 0)
    for child in element:
        name = _name(child.tag)
        if name == "category":
            domain, label = child.get("domain", ""), _unescaped(child.text)
            slug = unquote(child.get("nicename", "")) or slugify(label, allow_unicode=True)
            if domain == "category" and (slug or label):
                item.categories.append((slug, label or slug))
            elif domain == "post_tag" and label:
                item.tags.append(label)
        elif name == "wp:postmeta":
            meta = _children(child)
            item.meta[meta.get("wp:meta_key", "")] = meta.get("wp:meta_value", "")
        elif name == "wp:comment":
            item.comments += 1
    return item


def _export_parse(handle):
    items, channel = [], None
    root_name = None
    for event, element in ElementTree.iterparse(handle, events=("start", "end")):
        name = _name(element.tag)
        if event == "start":
            root_name = root_name or name
            continue
        if name == "item":
            items.append(_item_read(element))
            element.clear()
        elif name == "channel":
            channel = element
    if root_name != "rss" or channel is None:
        raise ExportUnreadable(
            "This is XML, but not a WordPress export (an RSS file with a <channel>). "
            "Export from WordPress's Tools → Export."
        )
    values = _children(channel)
    version = values.get("wp:wxr_version", "").strip()
    if not version:
        raise ExportUnreadable(
            "This is an RSS feed, not a WordPress export: it has no <wp:wxr_version>. "
            "Export from WordPress's Tools → Export rather than saving the site's feed."
        )
    if version not in SUPPORTED_VERSIONS:
        raise ExportUnreadable(
            f"This export is WXR version {version}; this import reads versions "
            f"{', '.join(SUPPORTED_VERSIONS)}."
        )
    authors, categories = {}, {}
    for child in channel:
        name = _name(child.tag)
        if name == "wp:author":
            author = _children(child)
            login = author.get("wp:author_login", "").strip()
            if login:
                authors[login] = WordPressAuthor(
                    login=login, display_name=_unescaped(author.get("wp:author_display_name"))
                )
        elif name == "wp:category":
            term = _children(child)
            slug = unquote(term.get("wp:category_nicename", "").strip())
            if slug:
                categories[slug] = WordPressCategory(
                    slug=slug,
                    name=_unescaped(term.get("wp:cat_name")) or slug,
                    parent=unquote(term.get("wp:category_parent", "").strip()),
                    term_id=term.get("wp:term_id", "").strip(),
                )
    base = (values.get("wp:base_blog_url") or values.get("link") or "").strip()
    site = (values.get("wp:base_site_url") or base).strip().rstrip("/")
    return WordPressExport(
        version=version,
        site_title=_unescaped(values.get("title")),
        source=(site or "wordpress")[: ImportedAddress._meta.get_field("source").max_length],
        base_path=urlsplit(base).path.rstrip("/"),
        authors=authors,
        categories=categories,
        items=items,
    )


# The uploads folder, or a zip of it ----------------------------------------------------


def _upload_relative(attachment):
    """The attachment's file below the uploads folder, e.g. ``2019/05/photo.jpg``."""
    stored = attachment.meta.get("_wp_attached_file", "").strip()
    if stored:
        return stored.lstrip("/")
    path = unquote(urlsplit(attachment.attachment_url).path)
    for marker in ("/wp-content/uploads/", "/uploads/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return posixpath.basename(path)


class UploadsFolder:
    """WordPress's ``wp-content/uploads`` on disk (the site root or wp-content will do)."""

    def __init__(self, root):
        self.root = Path(root).resolve()
        self.label = str(root)

    def read(self, relative, *, max_bytes):
        """(bytes, None) or (None, why not)."""
        for base in (self.root, self.root / "uploads", self.root / "wp-content" / "uploads"):
            path = (base / relative).resolve()
            if not path.is_relative_to(self.root):
                return None, "its name leads outside the uploads folder"
            if path.is_file():
                if path.stat().st_size > max_bytes:
                    return None, f"it is larger than {filesizeformat(max_bytes)}"
                return path.read_bytes(), None
        return None, "not in the uploads folder"


class UploadsZip:
    """A zip of the uploads folder, read in place: nothing is extracted to disk."""

    def __init__(self, path):
        self.label = Path(path).name
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise ExportUnreadable(f"The uploads file is not a readable zip ({error}).") from None
        # Every tail of every member's name, so "2019/05/a.jpg" finds
        # "site/wp-content/uploads/2019/05/a.jpg"; the shortest name wins.
        self.members = {}
        for info in sorted(self.archive.infolist(), key=lambda i: len(i.filename), reverse=True):
            if info.is_dir():
                continue
            parts = info.filename.replace("\\", "/").split("/")
            for start in range(len(parts)):
                self.members["/".join(parts[start:])] = info

    def read(self, relative, *, max_bytes):
        info = self.members.get(relative.replace("\\", "/"))
        if info is None:
            return None, "not in the uploads zip"
        if info.file_size > max_bytes:
            return None, f"it is larger than {filesizeformat(max_bytes)}"
        try:
            with self.archive.open(info) as member:
                data = member.read(max_bytes + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError) as error:
            return None, f"it cannot be read from the zip ({error})"
        if len(data) > max_bytes:
            return None, f"it is larger than {filesizeformat(max_bytes)}"
        return data, None

    def close(self):
        self.archive.close()


def uploads_open(path):
    """``UploadsFolder`` or ``UploadsZip`` for a folder or a .zip file."""
    path = Path(path)
    if path.is_dir():
        return UploadsFolder(path)
    if path.is_file():
        return UploadsZip(path)
    raise ExportUnreadable(f"No uploads folder or zip at {path}.")


# The body -------------------------------------------------------------------------------

_EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?\s*(\{.*?\})?\s*/?-->(.*?)"
    r"<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->",
    re.S,
)
_WP_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->|<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.S)
_SHORTCODE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)((?:\s[^\[\]]*)?)\](\]?)")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_IMAGE_HTML = re.compile(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", re.I | re.S)
_FIGURE = re.compile(r"<figure\b[^>]*>.*?</figure>", re.I | re.S)
_IMG = re.compile(r"<img\b[^>]*>", re.I | re.S)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.I | re.S)
_SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[a-z0-9]+$)")
_BLOCK_START = re.compile(
    r"</?(?:address|article|aside|blockquote|dd|div|dl|dt|figure|figcaption|footer|h[1-6]|"
    r"header|hr|li|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul|iframe|video|audio|"
    r"object|form|script|style)\b",
    re.I,
)
# The editor's allowlist has strong, em and h2-h4: WordPress's older spellings move there.
_RENAMES = (
    (re.compile(r"<(/?)b(\s[^>]*)?>", re.I), r"<\1strong>"),
    (re.compile(r"<(/?)i(\s[^>]*)?>", re.I), r"<\1em>"),
    (re.compile(r"<(/?)h1(\s[^>]*)?>", re.I), r"<\1h2>"),
    (re.compile(r"<(/?)h[56](\s[^>]*)?>", re.I), r"<\1h4>"),
)
# Always shortcodes; any other [name] is one only with attributes or a closing tag,
# so "[sic]" and footnote marks like "[1]" stay text.
_KNOWN_SHORTCODES = {"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist"}


def _attributes(text):
    return {
        key.lower(): next(v for v in values if v is not None)
        for key, *values in _ATTRIBUTE.findall(text or "")
    }


def _link(url):
    url = html.escape(html.unescape(url.strip()))
    return f'<p><a href="{url}">{url}</a></p>' if url.startswith(("http://", "https://")) else ""


def _caption_figure(attributes, inner):
    image = _IMAGE_HTML.search(inner or "")
    caption = attributes.get("caption", "")
    if image:
        caption = caption or (inner[: image.start()] + inner[image.end() :])
        img = _IMG.search(image.group(0)).group(0)
    else:
        caption, img = caption or inner or "", ""
    caption = caption.strip()
    if not img:
        return f"<p>{caption}</p>" if caption else ""
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{img}{figcaption}</figure>"


def _shortcodes_convert(text, notes):
    """WordPress shortcodes converted or removed; ``notes`` counts what was done."""
    out, position = [], 0
    while match := _SHORTCODE.search(text, position):
        out.append(text[position : match.start()])
        opening, name, attribute_text, closing = match.groups()
        lowered = name.lower()
        if opening and closing:  # [[name]] is WordPress's way to write [name]
            out.append(match.group(0)[1:-1])
            position = match.end()
            continue
        if opening:
            out.append("[")
            position = match.start() + 1
            continue
        inner, end = None, match.end()
        if not attribute_text.rstrip().endswith("/"):
            close = re.compile(rf"\[/{re.escape(name)}\]", re.I).search(text, match.end())
            if close:
                inner, end = text[match.end() : close.start()], close.end()
        if lowered not in _KNOWN_SHORTCODES and inner is None and "=" not in attribute_text:
            out.append(match.group(0))
            position = match.end()
            continue
        attributes = _attributes(attribute_text)
        if lowered in ("caption", "wp_caption"):
            out.append(_caption_figure(attributes, _shortcodes_convert(inner or "", notes)))
            notes["[caption] became a figure"] += 1
        elif lowered == "embed":
            out.append(_link(inner or attributes.get("src", "") or attributes.get("url", "")))
            notes["[embed] became a link"] += 1
        elif lowered == "gallery":
            notes["[gallery] removed (the newsroom shows one lead image)"] += 1
        elif lowered in ("audio", "video", "playlist"):
            notes[f"[{lowered}] removed"] += 1
        elif inner is not None:
            out.append(_shortcodes_convert(inner, notes))
            notes[f"[{lowered}] removed, its text kept"] += 1
        else:
            notes[f"[{lowered}] removed"] += 1
        position = end
    out.append(text[position:])
    return "".join(out)


def _embed_block(match, notes):
    attributes = {}
    with contextlib.suppress(ValueError, TypeError):
        attributes = json.loads(match.group(1) or "{}")
    url = attributes.get("url") if isinstance(attributes, dict) else None
    url = url or strip_tags(match.group(2)).strip()
    notes["embed block became a link"] += 1
    return _link(url or "")


def _paragraphs(text):
    """WordPress's automatic paragraphs: blank lines part paragraphs, a newline breaks a line."""
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for chunk in chunks:
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(out)


def _upload_stem(path):
    """``2019/05/photo`` for ``https://old/wp-content/uploads/2019/05/photo-300x200.jpg``."""
    path = unquote(urlsplit(html.unescape(path or "")).path).lower()
    for marker in ("/wp-content/uploads/", "/uploads/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return posixpath.splitext(_SIZE_SUFFIX.sub("", path.lstrip("/")))[0]


def _src(img):
    match = _SRC.search(img)
    return next((v for v in match.groups() if v is not None), "") if match else ""


def _lead_image_removed(body, stem):
    """(body without the lead image's own copy, that copy's caption, whether one was found)."""
    if not stem:
        return body, "", False
    caption = ""

    def same(img):
        found = _upload_stem(_src(img))
        return found == stem or found.endswith("/" + stem)

    def figure(match):
        nonlocal caption
        img = _IMG.search(match.group(0))
        if img and same(img.group(0)):
            found = _FIGCAPTION.search(match.group(0))
            caption = caption or (_unescaped(found.group(1)) if found else "")
            return ""
        return match.group(0)

    def image(match):
        img = _IMG.search(match.group(0))
        return "" if same(img.group(0)) else match.group(0)

    removed = _FIGURE.sub(figure, body)
    removed = _IMAGE_HTML.sub(image, removed)
    return re.sub(r"<p>\s*</p>\n?", "", removed), caption, removed != body


def body_convert(content, *, lead_image_stem="", notes=None):
    """(HTML for the body field, the lead image's caption if the body had one).

    The lead image's own copy in the body is taken out: the page shows it
    above the story already.

    The field's sanitiser cleans the result when the article is saved.
    """
    notes = Counter() if notes is None else notes
    text = _EMBED_BLOCK.sub(lambda match: _embed_block(match, notes), content or "")
    if _WP_COMMENT.search(text):
        notes["block editor comments removed"] += 1
        text = _WP_COMMENT.sub("", text)
    text = _shortcodes_convert(text, notes)
    for pattern, replacement in _RENAMES:
        text = pattern.sub(replacement, text)
    text = _paragraphs(text)
    text, caption, removed = _lead_image_removed(text, lead_image_stem)
    if removed:
        notes["the lead image's copy in the body removed"] += 1
    return text, caption


def body_images_elsewhere(body):
    """Hosts that images left in the body still load from."""
    hosts = Counter()
    for img in _IMG.findall(body or ""):
        host = urlsplit(_src(img)).netloc
        if host:
            hosts[host] += 1
    return hosts


# Helpers for the mapping -----------------------------------------------------------------


def _utc(value):
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.UTC) if 1900 <= moment.year <= 2200 else None


def _local(value):
    moment = _utc(value)
    if moment is None:
        return None
    return timezone.make_aware(moment.replace(tzinfo=None), timezone.get_default_timezone())


def _rfc2822(value):
    # WordPress writes "Mon, 30 Nov -0001 00:00:00 +0000" for no date, which
    # the email parser would read as a year 2000 date.
    if not re.search(r"\s\d{4}\s", value or ""):
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None or moment.tzinfo is None or not 1900 <= moment.year <= 2200:
        return None
    return moment


def blog_utc_offset(export):
    """The blog's usual offset from UTC (post_date minus post_date_gmt), or None."""
    offsets = Counter(
        written - moment
        for item in export.items
        if (written := _utc(item.post_date)) and (moment := _utc(item.post_date_gmt))
    )
    return offsets.most_common(1)[0][0] if offsets else None


def publication_time(item, *, offset=None):
    """(aware datetime or None, note): post_date_gmt, else pubDate, else post_date.

    ``post_date`` is the blog's local time: read at ``offset`` (the export's
    usual one) when known, else in the newsroom's zone. A draft or pending
    post whose GMT date is unset has no publication time yet (WordPress
    would stamp it on publishing, and so will the newsroom), whatever
    ``post_date`` says: that is only when it was last saved.
    """
    if moment := _utc(item.post_date_gmt):
        return moment, ""
    if item.status not in ("publish", "future"):
        return None, ""
    if moment := _rfc2822(item.pub_date):
        return moment, ""
    if offset is not None and (written := _utc(item.post_date)):
        hours = offset.total_seconds() / 3600
        return written - offset, f"no GMT date: post_date read at UTC{hours:+g}, as the other posts"
    if moment := _local(item.post_date):
        zone = timezone.get_default_timezone_name()
        return moment, f"no GMT date: post_date read as {zone} time"
    return None, ""


def _ascii_slug(*candidates, max_length):
    for candidate in candidates:
        slug = slugify(unicodedata.normalize("NFKD", candidate or ""))[:max_length].strip("-")
        if slug:
            return slug
    return ""


def _suffixed(base, n, max_length):
    suffix = f"-{n}"
    return base[: max_length - len(suffix)].rstrip("-") + suffix


def _truncated(text, limit):
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _old_paths(export, item):
    """The post's old addresses, as ``ImportedAddress.path`` keys, without repeats."""
    base = export.base_path
    keys = [imported_path_key(f"{base}/", post_id=item.post_id)]
    for url in (item.link, item.guid):
        if not url:
            continue
        parts = urlsplit(url)
        post_id = re.search(r"(?:^|&)p=(\d+)(?:&|$)", parts.query)
        keys.append(imported_path_key(parts.path, post_id=post_id.group(1) if post_id else None))
    # WordPress dates its permalinks by the local post_date.
    written = _utc(item.post_date) or _utc(item.post_date_gmt)
    if item.post_name and written:
        keys.append(imported_path_key(f"{base}/{written:%Y/%m}/{item.post_name}/"))
    keys = [key for key in keys if key not in ("/", base or "/")]
    return [key for key in dict.fromkeys(keys) if len(key) <= PATH_KEY_MAX_LENGTH]


# The report ------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = (
    "created",
    "updated",
    "unchanged",
    "skipped",
    "failed",
)


@dataclass
class PostOutcome:
    post_id: str
    post_type: str
    title: str
    action: str
    reason: str = ""
    notes: list = field(default_factory=list)
    address: str = ""
    status: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    version: str = ""
    site: str = ""
    source: str = ""
    rules: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # [(name, slug, posts, new)]
    default_section: str = ""
    category_tags: list = field(default_factory=list)
    people: list = field(default_factory=list)  # [(name, slug, new)]
    sticky: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)

    def counts(self):
        return Counter(outcome.action for outcome in self.outcomes)

    def posts(self):
        return [outcome for outcome in self.outcomes if outcome.post_type == "post"]

    def skipped_not_posts(self):
        """[(reason, count)] for the pages, attachments, menus and such left out."""
        skipped = Counter(
            o.reason for o in self.outcomes if o.action == SKIPPED and o.post_type != "post"
        )
        return sorted(skipped.items())

    def summary(self):
        counts = self.counts()
        verb = "would be" if self.dry_run else "were"
        return (
            f"{counts[CREATED]} created, {counts[UPDATED]} updated, {counts[UNCHANGED]} "
            f"unchanged, {counts[SKIPPED]} skipped, {counts[FAILED]} failed"
            + (" (dry run: nothing was written)" if self.dry_run else "")
            + f"; {len([s for s in self.sections if s[3]])} sections and "
            f"{len([p for p in self.people if p[2]])} people {verb} new."
        )

    def lines(self):
        """The report as plain text, for the command."""
        title = "Dry run of the WordPress import" if self.dry_run else "WordPress import"
        lines = [f"{title}: {self.site or self.source} (WXR {self.version})", "", "Rules:"]
        lines += [f"  - {rule}" for rule in self.rules]
        lines += ["", "Sections:"]
        for name, slug, posts, new in self.sections:
            lines.append(f"  {name} ({slug}): {posts} posts{' - new' if new else ''}")
        if self.default_section:
            lines.append(f"  Posts without a section category go to: {self.default_section}")
        if self.category_tags:
            lines.append("Categories kept as tags: " + ", ".join(self.category_tags))
        if self.people:
            lines.append(
                "People: "
                + ", ".join(f"{name}{' (new)' if new else ''}" for name, _slug, new in self.people)
            )
        if self.sticky:
            lines.append("Sticky posts (no front-page picks here): " + ", ".join(self.sticky))
        lines.append("")
        for outcome in self.outcomes:
            if outcome.post_type != "post" and outcome.action == SKIPPED:
                continue
            line = f"  {outcome.action:<9} #{outcome.post_id} {outcome.title}"
            if outcome.status:
                line += f" [{outcome.status}]"
            if outcome.address:
                line += f" -> {outcome.address}"
            if outcome.reason:
                line += f": {outcome.reason}"
            lines.append(line)
            lines += [f"            {note}" for note in outcome.notes]
        if skipped := self.skipped_not_posts():
            lines += ["", "Skipped, not posts:"]
            lines += [f"  {count} × {reason}" for reason, count in skipped]
        lines += ["", self.summary()]
        return lines


# Planning: what each post becomes --------------------------------------------------------


def _top_ancestor(slug, categories):
    seen = set()
    while slug in categories and categories[slug].parent and slug not in seen:
        seen.add(slug)
        slug = categories[slug].parent
    return slug


def _importable(item):
    return item.post_type == "post" and item.status not in ("trash", "auto-draft", "inherit")


def _sections_plan(export, max_sections):
    """(ranked section slugs, {slug: display name}, {slug: posts}) for the export."""
    usage, names = Counter(), {}
    for item in export.items:
        if not _importable(item):
            continue
        tops = set()
        for slug, name in item.categories:
            top = _top_ancestor(slug, export.categories)
            if top == UNCATEGORIZED:
                continue
            tops.add(top)
            names.setdefault(top, export.categories[top].name if top in export.categories else name)
        usage.update(tops)
    ranked = sorted(usage, key=lambda slug: (-usage[slug], names[slug].lower(), slug))
    return ranked[:max_sections], names, usage


class _Importer:
    def __init__(self, export, *, uploads, dry_run, max_sections, user):
        self.export = export
        self.uploads = uploads
        self.dry_run = dry_run
        self.user = user
        self.max_image_bytes = settings.NEWSROOM_MAX_IMAGE_BYTES
        self.report = ImportReport(
            dry_run=dry_run,
            version=export.version,
            site=export.site_title,
            source=export.source,
            rules=[rule.format(max_sections=max_sections) for rule in IMPORT_RULES],
        )
        self.section_slugs, self.category_names, usage = _sections_plan(export, max_sections)
        self.sections = {}  # category slug -> Section (saved or, in a dry run, not)
        next_order = (
            Section.objects.order_by("-order").values_list("order", flat=True).first()
        ) or 0
        for rank, slug in enumerate(self.section_slugs, start=1):
            section = self._section_find(slug)
            new = section.pk is None
            if new:
                section.order = next_order + rank
            self.sections[slug] = section
            self.report.sections.append((section.name, section.slug, usage[slug], new))
        self.default_section = self.section_slugs[0] if self.section_slugs else None
        if self.default_section is None:
            section = Section.objects.filter(slug="news").first() or Section(
                name="News", slug="news", order=next_order + 1
            )
            self.sections[None] = section
            self.report.sections.append((section.name, section.slug, 0, section.pk is None))
        self.report.default_section = self.sections[self.default_section].name
        self.report.category_tags = sorted(
            {
                name
                for slug, name in self.category_names.items()
                if slug not in self.sections and slug != UNCATEGORIZED
            }
            | {
                category.name
                for slug, category in export.categories.items()
                if category.parent and slug != UNCATEGORIZED
            }
        )
        self.people = {}
        self.claimed_slugs = set()
        self.claimed_paths = {}
        self.utc_offset = blog_utc_offset(export)
        self.attachments = export.attachments
        self.attached = {}
        for attachment in sorted(
            self.attachments.values(), key=lambda a: (a.menu_order, a.post_id.zfill(20))
        ):
            extension = posixpath.splitext(_upload_relative(attachment))[1].lower()
            if attachment.post_parent and extension in IMAGE_EXTENSIONS:
                self.attached.setdefault(attachment.post_parent, attachment)

    def _section_find(self, category_slug):
        """The section a top-level category becomes: found by slug or name, else a new one."""
        name = self.category_names[category_slug][:SECTION_NAME_MAX]
        category = self.export.categories.get(category_slug)
        term = category.term_id if category and category.term_id else ""
        slug = _ascii_slug(category_slug, name, max_length=SECTION_SLUG_MAX) or (
            f"category-{term or hashlib.sha256(category_slug.encode()).hexdigest()[:8]}"
        )
        return (
            Section.objects.filter(slug=slug).first()
            or Section.objects.filter(name__iexact=name).first()
            or Section(name=name, slug=slug)
        )

    # One post ------------------------------------------------------------------

    def run(self, progress=None):
        items = self.export.items
        for done, item in enumerate(items, start=1):
            self.report.outcomes.append(self._item(item))
            if progress:
                progress(done, len(items))
        return self.report

    def _item(self, item):
        title = _unescaped(item.title)
        outcome = PostOutcome(
            post_id=item.post_id, post_type=item.post_type, title=title, action=SKIPPED
        )
        if item.post_type != "post":
            outcome.reason = {
                "page": "pages are not imported (the newsroom has no pages)",
                "attachment": "attachments are not imported as stories (images are read "
                "for the posts that use them)",
                "nav_menu_item": "menus are not imported",
                "revision": "revisions are not imported",
            }.get(item.post_type, f"post type “{item.post_type}” is not imported")
            return outcome
        if not item.post_id:
            outcome.reason = "the post has no id"
            return outcome
        if item.status in ("trash", "auto-draft", "inherit"):
            outcome.reason = f"WordPress status “{item.status}”"
            return outcome
        if item.is_sticky:
            self.report.sticky.append(title or f"#{item.post_id}")
        self.saved_now, self.new_image_article = [], None
        try:
            if self.dry_run:
                plan = self._plan(item, outcome)
            else:
                with transaction.atomic():
                    plan = self._plan(item, outcome)
                    if plan is not None:
                        self._apply(plan, outcome)
        except (ValidationError, DatabaseError, RenditionError, OSError, ValueError) as error:
            outcome.action = FAILED
            outcome.reason = _error_text(error)
            outcome.address, outcome.status, outcome.notes = "", "", []
            self._forget_rolled_back()
        return outcome

    def _plan(self, item, outcome):
        notes = Counter()
        imported = (
            ImportedAddress.objects.filter(source=self.export.source, source_id=item.post_id)
            .select_related("article")
            .order_by("pk")
        )
        addresses = list(imported)
        article = addresses[0].article if addresses else None
        if article is not None:
            last_import = max(address.imported_at for address in addresses)
            # The import notes its time after its own save: a later save is an edit here.
            if article.updated_at > last_import:
                outcome.reason = "edited in the newsroom since it was imported; left as it is"
                outcome.address = article.get_absolute_url()
                return None
        title = _unescaped(item.title)
        headline = _truncated(title, HEADLINE_MAX)
        if headline != title:
            outcome.notes.append(f"title shortened to {HEADLINE_MAX} characters")
        status, why_draft = self._status(item, headline)
        published_at, time_note = publication_time(item, offset=self.utc_offset)
        if time_note:
            outcome.notes.append(time_note)
        if status == ArticleStatus.PUBLISHED and published_at is None:
            status, why_draft = ArticleStatus.DRAFT, "no date in the export: kept as a draft"
        if status == ArticleStatus.PUBLISHED and published_at > timezone.now():
            outcome.notes.append(f"scheduled for {timezone.localtime(published_at):%Y-%m-%d %H:%M}")
        image = self._lead_image(item, outcome, has_image=bool(article and article.lead_image))
        body, caption = body_convert(
            item.content, lead_image_stem=image["stem"] if image else "", notes=notes
        )
        body = Article._meta.get_field("body").sanitize(body) if body else ""
        if status == ArticleStatus.PUBLISHED and not strip_tags(body).strip():
            status, why_draft = ArticleStatus.DRAFT, "no text in the body: kept as a draft"
        if why_draft:
            outcome.notes.append(why_draft)
        section_slug = self._section_of(item)
        tags = self._tags_of(item, section_slug, outcome)
        standfirst = _truncated(_unescaped(item.excerpt), STANDFIRST_MAX)
        slug = self._slug(item, headline, article, outcome)
        person = self._person(item)
        fields = {
            "headline": headline or f"Untitled (WordPress post {item.post_id})",
            "slug": slug,
            "standfirst": standfirst,
            "body": body,
            "status": status,
            "published_at": published_at,
        }
        paths = self._paths(item, outcome)
        for note, count in sorted(notes.items()):
            outcome.notes.append(note if count == 1 else f"{note} ({count}×)")
        for host, count in sorted(body_images_elsewhere(body).items()):
            outcome.notes.append(f"{count} image(s) in the body still load from {host}")
        if item.comments:
            outcome.notes.append(f"{item.comments} comment(s) skipped")
        outcome.status = ArticleStatus(status).label
        plan = {
            "item": item,
            "article": article,
            "fields": fields,
            "section": self.sections[section_slug],
            "tags": tags,
            "person": person,
            "image": image,
            "image_caption": caption,
            "paths": paths,
            "addresses": addresses,
        }
        if article is None:
            outcome.action = CREATED
        elif self._unchanged(plan):
            outcome.action = UNCHANGED
        else:
            outcome.action = UPDATED
        outcome.address = Article(
            slug=slug, published_at=published_at, created_at=article.created_at if article else None
        ).get_absolute_url()
        return plan

    def _paths(self, item, outcome):
        """The post's old addresses that no other post of this export holds already."""
        paths = _old_paths(self.export, item)
        held = dict(
            ImportedAddress.objects.filter(source=self.export.source, path__in=paths)
            .exclude(source_id=item.post_id)
            .values_list("path", "source_id")
        )
        free = []
        for path in paths:
            holder = held.get(path) or self.claimed_paths.get(path, item.post_id)
            if holder != item.post_id:
                outcome.notes.append(f"old address {path} already leads to post #{holder}")
                continue
            self.claimed_paths[path] = item.post_id
            free.append(path)
        return free

    @staticmethod
    def _status(item, headline):
        if item.password:
            return ArticleStatus.DRAFT, "password-protected in WordPress: kept as a draft"
        status = {
            "publish": ArticleStatus.PUBLISHED,
            "future": ArticleStatus.PUBLISHED,
            "pending": ArticleStatus.REVIEW,
            "private": ArticleStatus.DRAFT,
        }.get(item.status, ArticleStatus.DRAFT)
        why = "private in WordPress: kept as a draft" if item.status == "private" else ""
        if status == ArticleStatus.PUBLISHED and not headline:
            return ArticleStatus.DRAFT, "no title: kept as a draft"
        return status, why

    def _section_of(self, item):
        ranked = [
            top
            for top in (_top_ancestor(slug, self.export.categories) for slug, _ in item.categories)
            if top in self.sections
        ]
        if not ranked:
            return self.default_section
        return min(ranked, key=self.section_slugs.index)

    def _tags_of(self, item, section_slug, outcome):
        names = []
        for slug, name in item.categories:
            if slug in (section_slug, UNCATEGORIZED):
                continue
            names.append(
                self.export.categories[slug].name if slug in self.export.categories else name
            )
        names += item.tags
        tags = []
        for name in names:
            name = name.strip()
            if len(name) > TAG_MAX:
                outcome.notes.append(f"tag shortened to {TAG_MAX} characters: {name[:40]}…")
                name = name[:TAG_MAX].strip()
            if name and name.lower() not in {tag.lower() for tag in tags}:
                tags.append(name)
        return tags

    def _slug(self, item, headline, article, outcome):
        base = _ascii_slug(item.post_name, headline, max_length=SLUG_MAX) or f"post-{item.post_id}"
        taken = Article.objects.all()
        if article is not None:
            taken = taken.exclude(pk=article.pk)
            current = article.slug
            if (
                (current == base or re.fullmatch(rf"{re.escape(base)}-\d+", current))
                and current not in self.claimed_slugs
                and not taken.filter(slug=current).exists()
            ):
                self.claimed_slugs.add(current)
                return current
        slug, n = base, 1
        while slug in self.claimed_slugs or taken.filter(slug=slug).exists():
            n += 1
            slug = _suffixed(base, n, SLUG_MAX)
        if slug != base:
            outcome.notes.append(f"slug “{base}” is taken: “{slug}” instead")
        self.claimed_slugs.add(slug)
        return slug

    def _person(self, item):
        login = item.creator
        if not login:
            return None
        if login in self.people:
            return self.people[login]
        author = self.export.authors.get(login, WordPressAuthor(login=login))
        name = author.name[:PERSON_NAME_MAX]
        slug = _ascii_slug(name, login, max_length=PERSON_SLUG_MAX) or (
            "author-" + hashlib.sha256(login.encode()).hexdigest()[:8]
        )
        person = Person.objects.filter(slug=slug).first() or Person(name=name, slug=slug)
        self.people[login] = person
        self.report.people.append((person.name, person.slug, person.pk is None))
        return person

    def _lead_image(self, item, outcome, *, has_image):
        attachment = self.attachments.get(item.meta.get("_thumbnail_id", "").strip())
        kind = "featured image"
        if attachment is None:
            attachment, kind = self.attached.get(item.post_id), "attached image"
        if attachment is None:
            return None
        relative = _upload_relative(attachment)
        stem = _upload_stem(relative)
        if has_image:
            return {"stem": stem, "keep": True}
        if self.uploads is None:
            outcome.notes.append(f"{kind} {relative} not imported: no uploads folder was given")
            return None
        data, problem = self.uploads.read(relative, max_bytes=self.max_image_bytes)
        if problem:
            outcome.notes.append(f"{kind} {relative} not imported: {problem}")
            return None
        upload = ContentFile(data, name=posixpath.basename(relative))
        try:
            for validator in IMAGE_VALIDATORS:
                validator(upload)
        except ValidationError as error:
            outcome.notes.append(f"{kind} {relative} not imported: {' '.join(error.messages)}")
            return None
        alt = (
            _unescaped(attachment.meta.get("_wp_attachment_image_alt"))
            or _unescaped(attachment.title)
            or _unescaped(item.title)
        )
        if not _unescaped(attachment.meta.get("_wp_attachment_image_alt")):
            outcome.notes.append(f"{kind} has no alt text in WordPress: “{alt}” used; check it")
        outcome.notes.append(f"lead image from the {kind} {relative}")
        return {
            "stem": stem,
            "keep": False,
            "data": data,
            "name": posixpath.basename(relative),
            "alt": alt[:ALT_MAX],
            "caption": _unescaped(attachment.excerpt)[:CAPTION_MAX],
        }

    def _unchanged(self, plan):
        article = plan["article"]
        fields = plan["fields"]
        if any(getattr(article, name) != value for name, value in fields.items()):
            return False
        if article.section_id != plan["section"].pk or plan["section"].pk is None:
            return False
        if sorted(n.lower() for n in article.tags.names()) != sorted(
            n.lower() for n in plan["tags"]
        ):
            return False
        person = plan["person"]
        if person is not None and (
            person.pk is None or not article.bylines.filter(person=person).exists()
        ):
            return False
        if plan["image"] and not plan["image"]["keep"]:
            return False
        known = {address.path for address in plan["addresses"]}
        return set(plan["paths"]) <= known

    # Writing ------------------------------------------------------------------

    def _apply(self, plan, outcome):
        if outcome.action == UNCHANGED:
            return
        item, article = plan["item"], plan["article"]
        comment = f"Imported from WordPress ({self.export.source}, post {item.post_id})"
        with revisions.recorded(user=self.user, comment=comment):
            section = plan["section"]
            if section.pk is None:
                section.save()
                self.saved_now.append(section)
            from_status = article.status if article else ""
            article = article or Article(created_by=self.user)
            for name, value in plan["fields"].items():
                setattr(article, name, value)
            article.section = section
            article.updated_by = self.user
            image = plan["image"]
            if image and not image["keep"]:
                article.lead_image = ContentFile(image["data"], name=image["name"])
                article.lead_image_alt = image["alt"]
                article.lead_image_caption = image["caption"] or plan["image_caption"][:CAPTION_MAX]
                self.new_image_article = article
            article.full_clean(exclude=["lead_image"])
            article.save()
            article.tags.set([self._tag(name) for name in plan["tags"]])
            person = plan["person"]
            if person is not None:
                if person.pk is None:
                    person.save()
                    self.saved_now.append(person)
                Byline.objects.get_or_create(
                    article=article, person=person, defaults={"order": article.bylines.count()}
                )
            status_change_record(article=article, from_status=from_status, user=self.user)
        now = timezone.now()
        known = {address.path for address in plan["addresses"]}
        for path in plan["paths"]:
            if path in known:
                continue
            ImportedAddress.objects.create(
                article=article,
                source=self.export.source,
                source_id=item.post_id,
                path=path,
                imported_at=now,
            )
        ImportedAddress.objects.filter(source=self.export.source, source_id=item.post_id).update(
            imported_at=now
        )
        outcome.address = article.get_absolute_url()

    def _tag(self, name):
        """An existing tag whatever its case ("Research" is "research"), else a new one."""
        tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        if tag is None:
            tag = Tag.objects.create(name=name)
        return tag

    def _forget_rolled_back(self):
        """Undo what a rolled-back post left outside the database.

        Sections and people it saved are gone again, so the next post must
        save them anew; the image files it stored (the original and its
        renditions) belong to no story and are deleted.
        """
        for record in self.saved_now:
            record.pk = None
            record._state.adding = True
        article = self.new_image_article
        if article is None or not article.lead_image or not article.lead_image._committed:
            return
        renditions_delete(article.lead_image_renditions or [])
        with contextlib.suppress(OSError):
            article.lead_image.storage.delete(article.lead_image.name)


def _error_text(error):
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    return f"{type(error).__name__}: {error}"


def wordpress_import(
    *,
    export,
    uploads=None,
    dry_run=False,
    max_sections=DEFAULT_MAX_SECTIONS,
    user=None,
    progress=None,
):
    """Import ``export`` (from ``export_read``); return the ``ImportReport``.

    ``uploads`` is an ``UploadsFolder``/``UploadsZip`` (``uploads_open``) or
    None. Each post is one transaction: a post that fails is rolled back
    whole (its stored image files deleted too) and reported, and the import
    goes on. ``progress(done, total)`` is called after each item.
    """
    if max_sections < 1:
        raise ValueError("max_sections must be at least 1")
    importer = _Importer(
        export, uploads=uploads, dry_run=dry_run, max_sections=max_sections, user=user
    )
    return importer.run(progress=progress)
