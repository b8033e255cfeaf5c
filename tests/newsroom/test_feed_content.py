"""Feeds carry the whole story, in every format and scope, and say when it changed.

Item by item, as feed clients read them: the quotes block (each speaker
linked, with the title held on the story's date), "In this story", every
address absolute; JSON Feed 1.1 for every scope, checked field by field
against the specification; validators that move with every name a feed
shows; WebSub (the hub link, and pings to a real HTTP receiver on
127.0.0.1); the HTML page a browser gets instead of XSLT.
"""

import datetime
import http.server
import json
import logging
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

import feedparser
import pytest
import time_machine
from django.db import transaction
from django.tasks import default_task_backend
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils.http import parse_http_date
from lxml import etree
from lxml import html as lxml_html
from taggit.models import Tag

from articles.models import Quote, sections_for_navigation
from institutions.models import AgreementParty, Person
from newsroom import websub
from newsroom.display import newsroom_time_display
from newsroom.pagecache import AnonymousPageCacheMiddleware
from newsroom.syndication import FEED, PAGE, feed_variant
from tests.newsroom.test_xss_payloads import element_problems, hostile_newsroom  # noqa: F401
from tests.support.factories import make_article, make_person, make_position
from tests.support.feed_checks import RFC3339, html_link_problems, is_absolute_iri
from tests.support.feeds import (
    BASE,
    HOUR,
    add_busy_stories,
    check_structure,
    feed_newsroom,
    feed_url,
    parsed_items,
)

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("rss", "atom", "json")
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
READER_ACCEPT = "application/atom+xml,application/rss+xml,application/xml;q=0.9,*/*;q=0.1"
# Well inside the hour before the newsroom's scheduled story goes live, which
# would change every feed by itself.
LATER = datetime.timedelta(minutes=10)

# Every scope of feed_newsroom() with the stories (attributes) it lists, in order.
SCOPES = [
    ("latest", {}, ["newer", "campus_story", "older"]),
    ("section", {"slug": "science"}, ["newer", "older"]),
    ("tag", {"slug": "genomics"}, ["newer", "older"]),
    ("institution", {"slug": "yonsei"}, ["newer"]),
    ("person", {"slug": "choi-jae-young"}, ["campus_story", "older"]),
    ("agreements", {}, None),
]
EVERY_FEED = [
    pytest.param(name, kwargs, feed_format, id=f"{name}-{feed_format}-{kwargs}")
    for name, kwargs, _stories in SCOPES
    for feed_format in FORMATS
]


@pytest.fixture
def newsroom(db):
    """feed_newsroom() with the dean's titles: Dean when the older story ran, Provost since."""
    newsroom = feed_newsroom()
    story_day = newsroom.older.quote_date()
    newsroom.dean_position = make_position(
        person=newsroom.dean,
        institution=newsroom.college,
        title="Dean",
        started_on=datetime.date(2020, 3, 1),
        ended_on=story_day,
    )
    make_position(
        person=newsroom.dean,
        institution=newsroom.university,
        title="Provost",
        started_on=story_day + datetime.timedelta(days=1),
    )
    newsroom.writer = Person.objects.get(slug="han-seo-yeon")
    return newsroom


def absolute(path):
    return BASE + path


def items_by_title(client, name, kwargs, feed_format):
    response = client.get(feed_url(name, kwargs, feed_format))
    assert response.status_code == 200
    return {item.title: item for item in parsed_items(response, feed_format)}


# --- The whole story in each item -------------------------------------------


@pytest.mark.clock_sensitive
@pytest.mark.parametrize("feed_format", FORMATS)
def test_quotes_carry_the_speakers_title_on_the_storys_date(client, newsroom, feed_format):
    items = items_by_title(client, "latest", {}, feed_format)
    content = items[newsroom.older.headline].content
    root = lxml_html.fragment_fromstring(content, create_parent="div")

    assert [h.text_content() for h in root.iter("h2")] == ["Who said what"]
    (figure,) = [f for f in root.iter("figure") if f.find("blockquote") is not None]
    assert figure.findtext("blockquote/p") == "A centre for everyone."
    caption = figure.find("figcaption")
    speaker = caption.find("a")
    assert speaker.text == "Choi Jae-young"
    assert speaker.get("href") == absolute(newsroom.dean.get_absolute_url())
    # Dean when the story ran; the Provost appointment came after it.
    assert caption.text_content() == "Choi Jae-young, Dean, College of Medicine"
    assert "Provost" not in content


@pytest.mark.parametrize("feed_format", FORMATS)
def test_in_this_story_links_institutions_people_and_agreements(client, newsroom, feed_format):
    items = items_by_title(client, "latest", {}, feed_format)
    newer = lxml_html.fragment_fromstring(
        items[newsroom.newer.headline].content, create_parent="div"
    )
    campus = lxml_html.fragment_fromstring(
        items[newsroom.campus_story.headline].content, create_parent="div"
    )

    def links_under(root, heading):
        (h3,) = [h for h in root.iter("h3") if h.text_content() == heading]
        return [(a.text_content(), a.get("href")) for a in h3.getnext().iter("a")]

    assert [h.text_content() for h in newer.iter("h2")] == ["In this story"]
    assert links_under(newer, "Institutions") == [
        ("College of Medicine", absolute(newsroom.college.get_absolute_url()))
    ]
    assert links_under(newer, "Agreement") == [
        ("Yonsei and KAIST research agreement", absolute(newsroom.agreement.get_absolute_url()))
    ]
    assert links_under(campus, "People") == [
        ("Choi Jae-young", absolute(newsroom.dean.get_absolute_url()))
    ]
    # A story with none of them has no such block.
    older = items[newsroom.older.headline].content
    assert "In this story" not in older


def test_an_institution_is_shown_by_its_label_with_its_full_name(client, newsroom):
    newsroom.university.short_name = "Yonsei"
    newsroom.university.save()
    newsroom.college.short_name = "YCM"
    newsroom.college.kind = "college"
    newsroom.college.save()

    content = items_by_title(client, "latest", {}, "rss")[newsroom.newer.headline].content

    assert ">Yonsei YCM</a> (College of Medicine)" in content


@pytest.mark.parametrize(("name", "kwargs", "feed_format"), EVERY_FEED)
def test_every_feed_is_valid_and_every_address_in_it_absolute(
    client, newsroom, name, kwargs, feed_format
):
    response = client.get(feed_url(name, kwargs, feed_format))

    assert response.status_code == 200
    check_structure(response, feed_format)
    for item in parsed_items(response, feed_format):
        assert is_absolute_iri(item.link)
        assert html_link_problems(item.content, item.title) == []
        assert item.authors and all(item.authors)


@pytest.mark.parametrize(("name", "kwargs", "stories"), [s for s in SCOPES if s[2]])
def test_every_scope_lists_the_same_stories_in_every_format(
    client, newsroom, name, kwargs, stories
):
    expected = [getattr(newsroom, key).headline for key in stories]

    for feed_format in FORMATS:
        response = client.get(feed_url(name, kwargs, feed_format))
        assert [item.title for item in parsed_items(response, feed_format)] == expected


def test_byline_authors_link_their_person_pages(client, newsroom):
    root = etree.fromstring(client.get(reverse("feeds:latest-atom")).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = root.find("a:entry", ns)

    assert [
        (author.findtext("a:name", namespaces=ns), author.findtext("a:uri", namespaces=ns))
        for author in entry.findall("a:author", ns)
    ] == [
        ("Han Seo-yeon", absolute(newsroom.writer.get_absolute_url())),
        ("Kim Min-ji", absolute(reverse("institutions:person-detail", args=["kim-min-ji"]))),
    ]


# --- JSON Feed 1.1 ------------------------------------------------------------

FEED_MEMBERS = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}
ITEM_MEMBERS = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
}


def _authors_problems(authors, where):
    if not isinstance(authors, list) or not authors:
        return [f"{where}: authors must be a non-empty array"]
    problems = []
    for author in authors:
        if not isinstance(author, dict) or not ({"name", "url", "avatar"} & author.keys()):
            problems.append(f"{where}: an author needs a name, url or avatar")
            continue
        for key, value in author.items():
            if not isinstance(value, str) or (key != "name" and not is_absolute_iri(value)):
                problems.append(f"{where}: author {key} {value!r}")
    return problems


def json_feed_11_problems(document):
    """Every rule of https://www.jsonfeed.org/version/1.1/ that a document can break."""
    feed = json.loads(document)
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    problems += [f"unknown member {key}" for key in feed.keys() - FEED_MEMBERS if key[0] != "_"]
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("title must be a non-empty string")
    for key in ("home_page_url", "feed_url", "next_url", "icon", "favicon"):
        if key in feed and not is_absolute_iri(feed[key]):
            problems.append(f"{key} {feed[key]!r} is not an absolute URL")
    for key in ("description", "user_comment", "language"):
        if key in feed and not isinstance(feed[key], str):
            problems.append(f"{key} must be a string")
    if "author" in feed:
        problems.append("author is JSON Feed 1.0: 1.1 has authors")
    if "authors" in feed:
        problems += _authors_problems(feed["authors"], "feed")
    for hub in feed.get("hubs", []):
        if set(hub) != {"type", "url"} or not is_absolute_iri(hub["url"]):
            problems.append(f"hub {hub!r} needs exactly a type and an absolute url")
    if not isinstance(feed.get("items"), list):
        return [*problems, "items must be an array"]
    for number, item in enumerate(feed["items"], start=1):
        where = f"item {number}"
        problems += [f"{where}: unknown member {key}" for key in item.keys() - ITEM_MEMBERS]
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}: id must be a non-empty string")
        if not isinstance(item.get("content_html", item.get("content_text")), str):
            problems.append(f"{where}: needs content_html or content_text")
        for key in ("url", "external_url", "image", "banner_image"):
            if key in item and not is_absolute_iri(item[key]):
                problems.append(f"{where}: {key} {item[key]!r} is not absolute")
        for key in ("title", "summary", "language"):
            if key in item and not isinstance(item[key], str):
                problems.append(f"{where}: {key} must be a string")
        for key in ("date_published", "date_modified"):
            if key in item and not RFC3339.match(item[key]):
                problems.append(f"{where}: {key} {item[key]!r} is not RFC 3339")
        if "authors" in item:
            problems += _authors_problems(item["authors"], where)
        if "tags" in item and not all(isinstance(tag, str) and tag for tag in item["tags"]):
            problems.append(f"{where}: tags must be non-empty strings")
        for attachment in item.get("attachments", []):
            if not is_absolute_iri(attachment.get("url")) or not attachment.get("mime_type"):
                problems.append(f"{where}: attachment needs an absolute url and a mime_type")
            if not isinstance(attachment.get("size_in_bytes", 0), int):
                problems.append(f"{where}: size_in_bytes must be a number")
    return problems


@pytest.mark.parametrize(("name", "kwargs", "_stories"), SCOPES)
def test_every_scope_has_a_json_feed_1_1(client, newsroom, name, kwargs, _stories):
    response = client.get(feed_url(name, kwargs, "json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    assert json_feed_11_problems(response.content) == []
    feed = json.loads(response.content)
    assert feed["feed_url"] == absolute(feed_url(name, kwargs, "json"))
    assert feed["items"], name
    assert "hubs" not in feed  # no hub configured


def test_json_feed_items_carry_image_attachment_and_linked_authors(client, newsroom):
    feed = json.loads(client.get(reverse("feeds:latest-json")).content)
    newer = feed["items"][0]

    assert newer["image"] == newer["attachments"][0]["url"]
    assert newer["authors"][0] == {
        "name": "Han Seo-yeon",
        "url": absolute(newsroom.writer.get_absolute_url()),
    }
    assert feed["authors"] == [{"name": "University Newsroom"}]


def test_the_json_feed_checker_catches_what_the_specification_forbids():
    broken = {
        "version": "https://jsonfeed.org/version/1",
        "title": "",
        "feed_url": "/feeds/json/",
        "author": {"name": "x"},
        "authors": [],
        "hubs": [{"url": "/hub"}],
        "items": [
            {"id": 3, "url": "/a", "date_published": "2026-01-02", "tags": [""], "extra": 1},
            {"id": "b", "attachments": [{"url": "x.jpg"}]},
        ],
    }

    problems = "\n".join(json_feed_11_problems(json.dumps(broken)))

    for expected in [
        "version",
        "title must be",
        "feed_url",
        "author is JSON Feed 1.0",
        "authors must be a non-empty array",
        "hub",
        "item 1: unknown member extra",
        "item 1: id must be",
        "item 1: url",
        "item 1: date_published",
        "item 1: tags",
        "item 2: needs content_html",
        "item 2: attachment",
    ]:
        assert expected in problems


def test_the_feeds_page_offers_json_for_every_kind_of_feed(client, newsroom):
    html = client.get(reverse("feeds:index")).content.decode()

    assert reverse("feeds:agreements-json") in html
    assert reverse("feeds:latest-json") in html
    for kind in ("tag", "institution", "person"):
        assert f"/feeds/{kind}/<var>{'topic' if kind == 'tag' else kind}</var>/rss/" in html
    assert html.count("<code>json/</code>") == 3


# --- Validators move with everything a feed shows ----------------------------


def seen_to_change(client, url, edit, *, when):
    """Fetch, ``edit`` at ``when``, and ask again with each validator: both must miss."""
    before = client.get(url)
    assert before.status_code == 200
    with time_machine.travel(when, tick=False):
        edit()
        by_etag = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert by_etag.status_code == 200, url
    assert by_etag["ETag"] != before["ETag"], url
    assert by_date.status_code == 200, url
    assert parse_http_date(by_date["Last-Modified"]) > parse_http_date(before["Last-Modified"])
    return by_etag.content.decode()


def left_alone(client, url, edit, *, when):
    """Fetch, ``edit`` at ``when``, and ask again: both validators still match."""
    before = client.get(url)
    with time_machine.travel(when, tick=False):
        edit()
        by_etag = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert by_etag.status_code == 304, url
    assert by_date.status_code == 304, url


def rename(record, field="name", value=None):
    def edit():
        setattr(record, field, value)
        record.save()

    return edit


@pytest.mark.parametrize("feed_format", FORMATS)
def test_renaming_a_byline_author_changes_the_feeds_that_show_them(client, newsroom, feed_format):
    for number, (name, kwargs) in enumerate([("latest", {}), ("tag", {"slug": "ai"})], start=1):
        newsroom.writer.refresh_from_db()
        content = seen_to_change(
            client,
            feed_url(name, kwargs, feed_format),
            rename(newsroom.writer, value=f"Han Seo-yeon ({name})"),
            when=newsroom.now + number * LATER,
        )
        assert f"Han Seo-yeon ({name})" in content


def test_renaming_a_speaker_changes_the_feeds_that_quote_them(client, newsroom):
    content = seen_to_change(
        client,
        reverse("feeds:section-atom", kwargs={"slug": "science"}),
        rename(newsroom.dean, value="Choi Jae-young (corrected)"),
        when=newsroom.now + LATER,
    )

    assert "Choi Jae-young (corrected)" in content


def test_retitling_a_position_changes_the_quotes_printed_under_it(client, newsroom):
    content = seen_to_change(
        client,
        reverse("feeds:person-json", kwargs={"slug": "choi-jae-young"}),
        rename(newsroom.dean_position, "title", "Dean of Medicine"),
        when=newsroom.now + LATER,
    )

    assert "Dean of Medicine, College of Medicine" in content


def test_renaming_an_institution_changes_titles_and_in_this_story(client, newsroom):
    # The person feed shows the college only in the dean's printed title.
    person = seen_to_change(
        client,
        reverse("feeds:person", kwargs={"slug": "choi-jae-young"}),
        rename(newsroom.college, value="Yonsei College of Medicine"),
        when=newsroom.now + LATER,
    )
    institution = seen_to_change(
        client,
        reverse("feeds:institution-atom", kwargs={"slug": "yonsei"}),
        rename(newsroom.college, value="Yonsei University College of Medicine"),
        when=newsroom.now + 2 * LATER,
    )

    assert "Dean, Yonsei College of Medicine" in person
    assert "Yonsei University College of Medicine" in institution


def test_renaming_a_parent_changes_the_label_of_its_units(client, newsroom):
    newsroom.college.short_name = "YCM"
    newsroom.college.kind = "college"
    newsroom.college.save()

    def edit():
        newsroom.university.short_name = "YU"
        newsroom.university.save()

    content = seen_to_change(client, reverse("feeds:latest"), edit, when=newsroom.now + LATER)

    assert "YU YCM" in content


@pytest.mark.parametrize("feed_format", FORMATS)
def test_renaming_a_section_changes_every_feed_showing_its_stories(client, newsroom, feed_format):
    for number, (name, kwargs) in enumerate(
        [("latest", {}), ("tag", {"slug": "genomics"}), ("section", {"slug": "science"})],
        start=1,
    ):
        newsroom.science.refresh_from_db()
        content = seen_to_change(
            client,
            feed_url(name, kwargs, feed_format),
            rename(newsroom.science, value=f"Research {number}"),
            when=newsroom.now + number * LATER,
        )
        assert f"Research {number}" in content


@pytest.mark.parametrize("feed_format", FORMATS)
def test_renaming_a_tag_changes_every_feed_showing_its_stories(client, newsroom, feed_format):
    tag = Tag.objects.get(slug="ai")
    for number, (name, kwargs) in enumerate(
        [("latest", {}), ("section", {"slug": "science"}), ("institution", {"slug": "yonsei"})],
        start=1,
    ):
        tag.refresh_from_db()
        content = seen_to_change(
            client,
            feed_url(name, kwargs, feed_format),
            rename(tag, value=f"machine learning {number}"),
            when=newsroom.now + number * LATER,
        )
        assert f"machine learning {number}" in content


def test_a_quote_added_outside_the_admin_changes_the_feed(client, newsroom):
    def edit():
        Quote.objects.create(article=newsroom.campus_story, person=newsroom.dean, text="Open late.")

    content = seen_to_change(
        client, reverse("feeds:section", kwargs={"slug": "campus"}), edit, when=newsroom.now + LATER
    )

    assert "Open late." in content


def test_renaming_a_signatory_changes_the_agreements_feed(client, newsroom):
    AgreementParty.objects.filter(agreement=newsroom.agreement).update(signatory=newsroom.dean)

    content = seen_to_change(
        client,
        reverse("feeds:agreements-json"),
        rename(newsroom.dean, value="Choi Jae-young, MD"),
        when=newsroom.now + LATER,
    )

    assert "Choi Jae-young, MD" in content


def test_edits_to_what_a_feed_does_not_show_leave_its_validators_alone(client, newsroom):
    bystander = make_person(name="Not In Any Story")
    campus = reverse("feeds:section", kwargs={"slug": "campus"})

    left_alone(
        client,
        reverse("feeds:latest"),
        rename(bystander, value="Still Not"),
        when=newsroom.now + LATER,
    )
    # The campus feed shows the dean (linked) but not his titles, its own section but not science.
    left_alone(
        client,
        campus,
        rename(newsroom.science, value="Life sciences"),
        when=newsroom.now + 2 * LATER,
    )
    left_alone(
        client,
        campus,
        rename(Tag.objects.get(slug="ai"), value="AI"),
        when=newsroom.now + 3 * LATER,
    )
    left_alone(
        client,
        reverse("feeds:section-json", kwargs={"slug": "science"}),
        rename(newsroom.campus, value="Campus life"),
        when=newsroom.now + 4 * LATER,
    )


@pytest.mark.django_db
def test_saving_or_deleting_a_position_moves_its_persons_updated_at():
    person = make_person()
    start = person.updated_at
    with time_machine.travel(start + HOUR, tick=False):
        position = make_position(person=person)
        person.refresh_from_db()
        assert person.updated_at == start + HOUR
    with time_machine.travel(start + 2 * HOUR, tick=False):
        position.delete()
        person.refresh_from_db()
        assert person.updated_at == start + 2 * HOUR


# Queries per full response: the subject (if any), the validators, the items,
# and one each for bylines, quotes, the speakers' positions, institutions,
# people, agreements and tags. The agreements feed: validators, items,
# parties, their signatories' positions, areas, coverage and renewals.
QUERY_PINS = [
    ("latest", {}, 9),
    ("section-json", {"slug": "science"}, 10),
    ("tag-atom", {"slug": "genomics"}, 10),
    ("institution-json", {"slug": "yonsei"}, 10),
    ("person", {"slug": "choi-jae-young"}, 10),
    ("agreements-json", {}, 7),
]


@pytest.mark.parametrize("accept", [None, BROWSER_ACCEPT], ids=["feed", "page"])
@pytest.mark.parametrize(("name", "kwargs", "queries"), QUERY_PINS)
def test_query_count_is_fixed_however_many_items_quotes_and_links(
    client, newsroom, django_assert_num_queries, name, kwargs, queries, accept
):
    # Every relation present from the start: a prefetch with nothing to follow
    # costs nothing. The page's section menu comes from the cache, warm here.
    sections_for_navigation()
    Quote.objects.create(article=newsroom.newer, person=newsroom.dean, text="Good news.")
    AgreementParty.objects.filter(agreement=newsroom.agreement).update(signatory=newsroom.dean)
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    url = reverse(f"feeds:{name}", kwargs=kwargs)
    with django_assert_num_queries(queries):
        small = client.get(url, **headers)
    add_busy_stories(newsroom, 12)
    for number in range(12):
        make_position(person=make_person(), title=f"Busy title {number}")
    AgreementParty.objects.update(signatory=newsroom.dean)
    with django_assert_num_queries(queries):
        big = client.get(url, **headers)

    assert big.content != small.content
    assert len(big.content) > len(small.content)


# --- WebSub -----------------------------------------------------------------


class HubHandler(http.server.BaseHTTPRequestHandler):
    """A WebSub hub as far as publishers see one: it records each ping, answers 204."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.server.pings.append((self.headers["Content-Type"], parse_qs(body)))
        time.sleep(self.server.delay)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hub(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HubHandler)
    server.pings, server.delay = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NEWSROOM_WEBSUB_HUB = f"http://127.0.0.1:{server.server_port}/hub"
    settings.TASKS = IMMEDIATE
    yield server
    server.shutdown()
    server.server_close()


def pinged(hub):
    """The feed addresses the hub was told of; every ping a form-encoded publish."""
    urls = []
    for content_type, form in hub.pings:
        assert content_type == "application/x-www-form-urlencoded"
        assert form["hub.mode"] == ["publish"]
        (url,) = form["hub.url"]
        urls.append(url)
    assert len(urls) == len(set(urls)), "a feed was pinged twice for one change"
    return set(urls)


def every_format(*sources):
    return set(websub.feed_urls(sources))


@pytest.mark.parametrize("feed_format", FORMATS)
def test_feeds_name_the_hub(client, newsroom, hub, feed_format):
    response = client.get(feed_url("section", {"slug": "science"}, feed_format))
    address = f"http://127.0.0.1:{hub.server_port}/hub"

    if feed_format == "json":
        assert json.loads(response.content)["hubs"] == [{"type": "WebSub", "url": address}]
        return
    root = etree.fromstring(response.content)
    links = root.iter("{http://www.w3.org/2005/Atom}link")
    assert [link.get("href") for link in links if link.get("rel") == "hub"] == [address]
    assert feedparser.parse(response.content).feed.links  # still a feed a client reads
    check_structure(response, feed_format)


def test_no_hub_no_link(client, newsroom):
    for feed_format in FORMATS:
        assert b'rel="hub"' not in client.get(feed_url("latest", {}, feed_format)).content


def test_a_hub_change_changes_the_etag(client, newsroom, settings):
    before = client.get(reverse("feeds:latest"))
    settings.NEWSROOM_WEBSUB_HUB = "https://hub.example/"

    assert client.get(reverse("feeds:latest"), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_renaming_a_section_pings_every_feed_listing_its_stories_after_commit(
    newsroom, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        newsroom.science.name = "Life sciences"
        newsroom.science.save()
        assert hub.pings == []  # nothing before the commit

    assert len(callbacks) == 1
    assert pinged(hub) == every_format(
        ("latest", None),
        ("section", "science"),
        ("tag", "genomics"),
        ("tag", "ai"),
        ("person", "han-seo-yeon"),
        ("person", "kim-min-ji"),
        ("person", "choi-jae-young"),
        ("institution", "yonsei-medicine"),
        ("institution", "yonsei"),
        ("agreements", None),
    )
    assert all(url.startswith("http://127.0.0.1:8000/feeds/") for url in pinged(hub))


def test_one_save_with_many_parts_sends_one_batch(
    newsroom, hub, django_capture_on_commit_callbacks
):
    """An admin save: the story, its tags, a quote and a byline, one transaction."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        newsroom.campus_story.headline = "Library opens all night"
        newsroom.campus_story.save()
        newsroom.campus_story.tags.add("libraries")
        Quote.objects.create(article=newsroom.campus_story, person=newsroom.writer, text="At last.")
        newsroom.campus_story.people.remove(newsroom.dean)

    assert len(callbacks) == 1
    assert pinged(hub) == every_format(
        ("latest", None),
        ("section", "campus"),
        ("tag", "libraries"),
        ("person", "han-seo-yeon"),
        # No longer about the dean: his feed drops the story.
        ("person", "choi-jae-young"),
    )


def test_a_story_leaving_the_feeds_pings_the_feeds_it_left(
    newsroom, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.campus_story.status = "draft"
        newsroom.campus_story.save()

    assert pinged(hub) == every_format(
        ("latest", None), ("section", "campus"), ("person", "choi-jae-young")
    )


def test_a_speakers_new_title_pings_the_feeds_of_the_stories_quoting_them(
    newsroom, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.dean_position.title = "Dean of Medicine"
        newsroom.dean_position.save()

    assert every_format(("person", "choi-jae-young"), ("section", "science")) <= pinged(hub)
    assert every_format(("section", "campus")) <= pinged(hub)  # about him, by name


def test_editing_a_draft_pings_nothing(newsroom, hub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = newsroom.hidden["draft"]
        draft.headline = "Still a draft"
        draft.save()

    assert hub.pings == []


def test_moving_a_story_pings_the_section_it_left(
    newsroom, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        newsroom.older.section = newsroom.campus
        newsroom.older.save()

    assert every_format(("section", "science"), ("section", "campus")) <= pinged(hub)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pings_wait_for_the_commit_and_a_rollback_sends_none(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HubHandler)
    server.pings, server.delay = [], 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        story = make_article(headline="Before the hub")
        settings.NEWSROOM_WEBSUB_HUB = f"http://127.0.0.1:{server.server_port}/hub"
        settings.TASKS = IMMEDIATE
        with pytest.raises(RuntimeError), transaction.atomic():
            story.headline = "Never committed"
            story.save()
            raise RuntimeError
        assert server.pings == []
        with transaction.atomic():
            story.headline = "Committed"
            story.save()
            assert server.pings == []
        urls = pinged(server)
        assert every_format(("latest", None), ("section", story.section.slug)) == urls
        # Outside a transaction (autocommit) the ping follows the save at once.
        server.pings.clear()
        story.headline = "Autocommitted"
        story.save()
        assert pinged(server) == urls
    finally:
        server.shutdown()
        server.server_close()


def test_a_hub_that_is_down_never_fails_a_save(
    newsroom, settings, caplog, django_capture_on_commit_callbacks
):
    with socket_closed_port() as port:
        settings.NEWSROOM_WEBSUB_HUB = f"http://127.0.0.1:{port}/hub"
    settings.TASKS = IMMEDIATE
    with (
        caplog.at_level(logging.WARNING, logger="newsroom.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        newsroom.science.name = "Life sciences"
        newsroom.science.save()

    (record,) = [r for r in caplog.records if r.name == "newsroom.websub"]
    assert "unreachable" in record.getMessage()
    assert "30 feed pings not sent" in record.getMessage()


def test_a_slow_hub_costs_one_short_timeout(
    newsroom, hub, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(websub, "PING_TIMEOUT", 0.2)
    hub.delay = 1
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="newsroom.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        newsroom.campus.name = "Campus life"
        newsroom.campus.save()

    assert time.monotonic() - started < 1
    assert len(hub.pings) == 1
    assert "unreachable" in caplog.text


def test_a_hub_that_refuses_is_logged_and_the_rest_still_sent(
    newsroom, hub, caplog, django_capture_on_commit_callbacks, monkeypatch
):
    refused, answer = [], HubHandler.do_POST

    def refuse_first(handler):
        if not refused:
            refused.append(True)
            handler.rfile.read(int(handler.headers["Content-Length"]))
            handler.send_response(429)
            handler.end_headers()
            return
        answer(handler)

    monkeypatch.setattr(HubHandler, "do_POST", refuse_first)
    with (
        caplog.at_level(logging.WARNING, logger="newsroom.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        newsroom.campus.name = "Campus life"
        newsroom.campus.save()

    assert "HTTP 429" in caplog.text
    assert (
        len(pinged(hub))
        == len(every_format(("latest", None), ("section", "campus"), ("person", "choi-jae-young")))
        - 1
    )


def test_the_ping_goes_through_the_task_queue(
    newsroom, hub, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    with django_capture_on_commit_callbacks(execute=True):
        newsroom.campus.name = "Campus life"
        newsroom.campus.save()

    (result,) = default_task_backend.results
    assert result.task.func is websub.websub_publish.func
    # The notes travel as JSON; which feeds they alter is the worker's to find.
    assert result.kwargs == {"notes": {"subjects": [["section", newsroom.campus.pk]]}}
    assert hub.pings == []  # queued, for the worker

    assert result.task.call(**result.kwargs) == 9  # as the worker runs it
    assert pinged(hub) == every_format(
        ("latest", None), ("section", "campus"), ("person", "choi-jae-young")
    )


def test_without_a_hub_nothing_is_noted(newsroom, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        newsroom.science.name = "Life sciences"
        newsroom.science.save()

    assert callbacks == []


class socket_closed_port:
    """A loopback port nothing listens on (bound, then closed)."""

    def __enter__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        return self.socket.getsockname()[1]

    def __exit__(self, *exc):
        self.socket.close()


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("", True),
        ("https://hub.example/", True),
        ("http://127.0.0.1:9/hub", True),
        ("ftp://x", False),
        ("hub.example", False),
        ("https://", False),
    ],
)
def test_the_hub_setting_refuses_what_is_no_web_address(value, ok):
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings as s; print(repr(s.NEWSROOM_WEBSUB_HUB))"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "NEWSROOM_WEBSUB_HUB": value},
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode == 0) is ok, result.stderr
    if not ok:
        assert "NEWSROOM_WEBSUB_HUB must be an http(s) address" in result.stderr


# --- The page a browser gets --------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "variant"),
    [
        (BROWSER_ACCEPT, PAGE),
        ("text/html", PAGE),
        ("TEXT/HTML;q=0.5", PAGE),
        (READER_ACCEPT, FEED),
        ("text/html, application/rss+xml", FEED),
        ("text/html;q=0, */*", FEED),
        ("application/feed+json, text/html", FEED),
        ("application/json", FEED),
        ("*/*", FEED),
        ("", FEED),
        (None, FEED),
        ("garbage;;, /, q=", FEED),
    ],
)
def test_the_variant_is_the_page_only_for_html_without_feed_types(accept, variant):
    headers = {} if accept is None else {"Accept": accept}

    assert feed_variant(RequestFactory().get("/feeds/rss/", headers=headers)) == variant


def test_any_accept_makes_at_most_two_page_cache_entries_per_address():
    keys = {
        AnonymousPageCacheMiddleware.cache_keys(
            RequestFactory().get("/feeds/rss/", headers={"Accept": accept})
        )
        for accept in [
            BROWSER_ACCEPT,
            "text/html",
            "text/html;q=0.9, image/webp",
            READER_ACCEPT,
            "*/*",
            "",
            *(f"application/x-junk-{n}" for n in range(20)),
        ]
    }

    assert len(keys) == 2


@pytest.mark.clock_sensitive
@pytest.mark.parametrize(("name", "kwargs", "feed_format"), EVERY_FEED)
def test_a_browser_gets_a_page_of_the_site_with_the_same_items(
    client, newsroom, name, kwargs, feed_format
):
    url = feed_url(name, kwargs, feed_format)
    page = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    feed = client.get(url, HTTP_ACCEPT=READER_ACCEPT)

    assert page.status_code == 200
    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in page["Vary"]
    assert page["Cache-Control"] == "public, max-age=300"
    assert page["ETag"] != feed["ETag"]
    assert (
        client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT, HTTP_IF_NONE_MATCH=page["ETag"]).status_code
        == 304
    )
    root = lxml_html.document_fromstring(page.content)
    assert root.find(".//header[@class='site-header']") is not None  # the site's own chrome
    items = parsed_items(feed, feed_format)
    shown = root.findall(".//article[@class='feed-view__item']")
    assert [a.findtext("h3/a") for a in shown] == [item.title for item in items]
    assert [a.find("h3/a").get("href") for a in shown] == [item.link for item in items]
    # Subscribe: each format's whole address, ready to copy.
    addresses = {
        field.get("id"): field.get("value")
        for field in root.iter("input")
        if field.get("readonly") is not None
    }
    assert addresses == {
        f"feed-address-{other}": absolute(feed_url(name, kwargs, other)) for other in FORMATS
    }
    assert b"xml-stylesheet" not in page.content
    assert b"xml-stylesheet" not in feed.content


@pytest.mark.clock_sensitive
def test_the_page_shows_times_in_the_newsrooms_zone(client, newsroom):
    root = lxml_html.document_fromstring(
        client.get(reverse("feeds:latest"), HTTP_ACCEPT=BROWSER_ACCEPT).content
    )
    first = root.find(".//article[@class='feed-view__item']")
    moment = first.find(".//time")

    assert moment.text == newsroom_time_display(newsroom.newer.published_at)
    assert "Asia/Seoul (KST)" in moment.text
    assert moment.get("datetime").endswith("+09:00")
    assert "Han Seo-yeon" in first.find(".//p[@class='feed-view__meta']").text_content()


def test_the_page_holds_no_inline_style_or_script(client, newsroom):
    for name, kwargs, feed_format in [("latest", {}, "rss"), ("agreements", {}, "json")]:
        response = client.get(feed_url(name, kwargs, feed_format), HTTP_ACCEPT=BROWSER_ACCEPT)
        root = lxml_html.document_fromstring(response.content)
        assert root.xpath("//*[@style] | //style | //script[not(@src)]") == []
        assert "style-src 'self'" in response["Content-Security-Policy"]


def test_the_stylesheet_is_gone(client, newsroom):
    with pytest.raises(NoReverseMatch):
        reverse("feeds:stylesheet")
    assert client.get("/feeds/feed.xsl").status_code == 404


def test_hostile_names_are_inert_on_the_page(client, hostile_newsroom):  # noqa: F811
    urls = [
        reverse("feeds:latest"),
        reverse("feeds:person-json", kwargs={"slug": hostile_newsroom["people"][0].slug}),
        reverse("feeds:tag-atom", kwargs={"slug": hostile_newsroom["tags"][0].slug}),
    ]
    problems = []
    for url in urls:
        response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
        assert response.status_code == 200
        root = lxml_html.document_fromstring(response.content)
        problems += element_problems(root, nonce=None, where=url)

    assert problems == []


VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.skipif(not (VNU.is_file() and shutil.which("java")), reason="needs vnu.jar and java")
def test_the_page_is_valid_html(client, newsroom, tmp_path):
    files = []
    for name, kwargs, feed_format in [
        ("latest", {}, "rss"),
        ("person", {"slug": "choi-jae-young"}, "atom"),
        ("agreements", {}, "json"),
    ]:
        path = tmp_path / f"{name}-{feed_format}.html"
        path.write_bytes(
            client.get(feed_url(name, kwargs, feed_format), HTTP_ACCEPT=BROWSER_ACCEPT).content
        )
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '')}]"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []
