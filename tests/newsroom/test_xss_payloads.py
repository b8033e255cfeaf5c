"""Hostile text in every editable name and story field comes out inert.

``tests/data/xss_payloads.txt`` holds 64 payloads we wrote ourselves, one per
line, after the filter-evasion families OWASP describes: script tags with
case and encoding tricks, event handlers, obfuscated ``javascript:`` URLs,
SVG and MathML vectors, attribute breaking, CSS expressions, ``data:`` URIs,
template syntax, NUL splits, UTF-7, nested and malformed tags. Each goes
into a headline, standfirst, body, quote, person, institution, tag and
section; the pages and feeds that show them are parsed with lxml and must
hold no element or attribute the payloads tried to create.

Payloads are packed several to a record, so the whole set costs a few
dozen rows and page loads.
"""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import etree, html
from taggit.models import Tag

from tests.support.factories import (
    make_article,
    make_institution,
    make_person,
    make_quote,
    make_section,
)

pytestmark = pytest.mark.django_db

PAYLOADS = (Path(__file__).parents[1] / "data" / "xss_payloads.txt").read_text().splitlines()
# Elements a site without frames, plugins, inline styles or MathML never
# writes itself. Anything else a payload could make dangerous is caught by
# its attributes (on*, style, srcdoc, script URLs) or, for <script>, the nonce.
FOREIGN_ELEMENTS = {
    "animate",
    "applet",
    "base",
    "embed",
    "foreignobject",
    "frame",
    "frameset",
    "iframe",
    "marquee",
    "math",
    "mglyph",
    "object",
    "set",
    "style",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
NONCE = re.compile(r"script-src [^;]*'nonce-([^']+)'")
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def test_the_payload_file_holds_64_distinct_one_line_payloads():
    assert len(PAYLOADS) == 64
    assert len(set(PAYLOADS)) == 64
    assert all(payload.strip() and len(payload) <= 100 for payload in PAYLOADS)


def pack(payloads, limit):
    """The payloads joined by spaces into as few strings of at most ``limit`` as fit."""
    packed, current = [], ""
    for payload in payloads:
        if current and len(current) + 1 + len(payload) > limit:
            packed.append(current)
            current = payload
        else:
            current = f"{current} {payload}" if current else payload
    return [*packed, current]


def _scheme(value):
    # Browsers drop ASCII whitespace and control characters inside a scheme.
    return re.sub(r"[\x00-\x20]", "", value).lower()


def element_problems(root, *, nonce, where):
    """What in the parsed tree a payload created, as readable strings."""
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = etree.QName(element).localname.lower()
        if tag in FOREIGN_ELEMENTS:
            problems.append(f"{where}: <{tag}>")
        if tag == "script":
            if nonce is None or element.get("nonce") != nonce:
                problems.append(f"{where}: <script> without the page's nonce")
            elif element.get("type") == "application/ld+json":
                json.loads(element.text)  # a payload that closed it would break the JSON
        # An XSLT processor writes the Content-Type one itself.
        if tag == "meta" and element.get("http-equiv", "content-type").lower() != "content-type":
            problems.append(f"{where}: <meta http-equiv={element.get('http-equiv')!r}>")
        for name, value in element.attrib.items():
            name = etree.QName(name).localname.lower()
            if name.startswith("on"):
                problems.append(f"{where}: <{tag} {name}=...>")
            if name in {"style", "srcdoc"}:
                problems.append(f"{where}: <{tag} {name}=...>")
            if name in URL_ATTRIBUTES and _scheme(value).startswith(DANGEROUS_SCHEMES):
                problems.append(f"{where}: <{tag} {name}={value!r}>")
    return problems


def page_problems(response, where):
    assert response.status_code == 200, where
    match = NONCE.search(response.get("Content-Security-Policy", ""))
    root = html.document_fromstring(response.content)
    return element_problems(root, nonce=match.group(1) if match else None, where=where)


def fragment_problems(markup, where):
    """Problems in HTML a feed carries for readers to render."""
    if not markup or not markup.strip():
        return []
    root = html.fragment_fromstring(markup, create_parent="div")
    return element_problems(root, nonce=None, where=where)


@pytest.fixture
def hostile_newsroom(db):
    """Every payload in every field, packed a few to a record."""
    sections = [make_section(name=name) for name in pack(PAYLOADS, 100)]
    people = [make_person(name=name) for name in pack(PAYLOADS, 200)]
    institutions = [make_institution(name=name) for name in pack(PAYLOADS, 200)]
    standfirsts = pack(PAYLOADS, 600)
    body = "".join(f"<p>{payload}</p>\n{payload}\n" for payload in PAYLOADS)
    articles = []
    for n, headline in enumerate(pack(PAYLOADS, 200)):
        article = make_article(
            headline=headline,
            standfirst=standfirsts[n % len(standfirsts)],
            body=body if n < 2 else f"<p>{headline}</p>",
            section=sections[n % len(sections)],
        )
        quoted = people[n % len(people)]
        article.people.add(quoted)
        article.institutions.add(institutions[n % len(institutions)])
        article.bylines.create(person=people[(n + 1) % len(people)])
        make_quote(article=article, person=quoted, text=standfirsts[n % len(standfirsts)])
        articles.append(article)
    for n, payload in enumerate(PAYLOADS):
        articles[n % len(articles)].tags.add(payload)
    return {
        "articles": articles,
        "sections": sections,
        "people": people,
        "institutions": institutions,
        "tags": list(Tag.objects.all()),
    }


def test_story_pages_show_the_payloads_as_text(client, hostile_newsroom):
    problems = []
    for article in hostile_newsroom["articles"]:
        response = client.get(article.get_absolute_url())
        problems += page_problems(response, article.get_absolute_url())
        root = html.document_fromstring(response.content)
        # Shown, and shown verbatim: escaped, not dropped or interpreted.
        assert root.findtext(".//h1") == article.headline
        assert article.standfirst in root.text_content()

    assert problems == []


def test_lists_people_institutions_tags_and_search_show_the_payloads_as_text(
    client, hostile_newsroom
):
    urls = [
        "/",
        reverse("articles:index"),
        reverse("articles:search") + "?q=alert",
        reverse("articles:search") + "?q=" + "%3Cscript%3E",
        reverse("institutions:index"),
        reverse("institutions:person-list"),
        *(section.get_absolute_url() for section in hostile_newsroom["sections"][:3]),
        *(person.get_absolute_url() for person in hostile_newsroom["people"]),
        *(institution.get_absolute_url() for institution in hostile_newsroom["institutions"]),
        *(reverse("articles:tag", kwargs={"slug": tag.slug}) for tag in hostile_newsroom["tags"]),
    ]
    problems = []
    for url in urls:
        problems += page_problems(client.get(url), url)

    assert problems == []
    person = hostile_newsroom["people"][0]
    page = html.document_fromstring(client.get(person.get_absolute_url()).content)
    assert page.findtext(".//h1") == person.name


def _feed_urls(newsroom):
    urls = []
    for name, kwargs in [
        ("feeds:latest", {}),
        ("feeds:tag", {"slug": newsroom["tags"][0].slug}),
        ("feeds:person", {"slug": newsroom["people"][0].slug}),
        ("feeds:institution", {"slug": newsroom["institutions"][0].slug}),
        ("feeds:section", {"slug": newsroom["sections"][0].slug}),
    ]:
        urls.append(("rss", reverse(name, kwargs=kwargs)))
        urls.append(("atom", reverse(f"{name}-atom", kwargs=kwargs)))
    urls.append(("json", reverse("feeds:latest-json")))
    return urls


def test_feeds_carry_the_payloads_escaped_and_their_html_inert(client, hostile_newsroom):
    problems = []
    for kind, url in _feed_urls(hostile_newsroom):
        response = client.get(url)
        assert response.status_code == 200, url
        if kind == "json":
            for item in json.loads(response.content)["items"]:
                problems += fragment_problems(item.get("content_html"), f"{url} content_html")
            continue
        root = etree.fromstring(response.content)  # well-formed despite the payloads
        if kind == "rss":
            for item in root.iter("item"):
                problems += fragment_problems(item.findtext("description"), f"{url} description")
                problems += fragment_problems(item.findtext(CONTENT), f"{url} content:encoded")
        else:
            for entry in root.iter(f"{ATOM}entry"):
                problems += fragment_problems(entry.findtext(f"{ATOM}summary"), f"{url} summary")
                content = entry.find(f"{ATOM}content")
                if content is not None and content.get("type") == "html":
                    problems += fragment_problems(content.text, f"{url} content")

    assert problems == []


def test_feeds_opened_in_a_browser_render_the_payloads_as_text(client, hostile_newsroom):
    """A browser gets each feed as an HTML page; what it prints must be inert."""
    problems = []
    for kind, url in _feed_urls(hostile_newsroom):
        if kind == "json":
            continue
        response = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml")
        assert response["Content-Type"].startswith("text/html"), url
        problems += page_problems(response, url)

    assert problems == []


def test_the_checks_see_a_live_payload():
    """The checks are not vacuous: unescaped payloads are caught."""
    live = "".join(PAYLOADS[i] for i in (0, 10, 20, 28, 30, 46, 63))

    problems = "\n".join(fragment_problems(live, "raw"))

    for caught in ["<script>", "<img onerror", "<a href='javascript:", "<iframe>", "<svg onload"]:
        assert caught in problems
    assert "<div style" in problems
    assert "<base>" in problems
