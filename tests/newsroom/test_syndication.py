"""The feed framework: RSS, Atom and JSON Feed writers, polite polling, bad input,
the links that offer feeds and the page a browser gets; checked across the feeds.
"""

import feedparser
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from lxml import etree
from taggit.models import Tag

from articles.models import Byline
from newsroom.syndication import absolutize_html
from tests.support.factories import make_article, make_person
from tests.support.feed_checks import atom_problems, rss_problems
from tests.support.feeds import (
    ALL_FEED_ADDRESSES,
    add_busy_stories,
    check_structure,
    feed_newsroom,
    feed_url,
    parsed_items,
)


@pytest.fixture
def newsroom(db):
    return feed_newsroom()


# --- The writers ----------------------------------------------------------


def test_rss_dates_guids_and_namespaces_are_spelled_out(client, newsroom):
    root = etree.fromstring(client.get(reverse("feeds:latest")).content)
    item = root.find("channel/item")

    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false"
    assert guid.text == f"urn:uuid:{newsroom.newer.guid}"
    assert item.find("{http://purl.org/rss/1.0/modules/content/}encoded") is not None
    assert [c.text for c in item.findall("{http://purl.org/dc/elements/1.1/}creator")] == [
        "Han Seo-yeon",
        "Kim Min-ji",
    ]


def test_atom_entries_have_published_and_updated(client, newsroom):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = etree.fromstring(client.get(reverse("feeds:latest-atom")).content)
    entry = root.find("a:entry", ns)

    assert entry.findtext("a:published", namespaces=ns) == newsroom.newer.published_at.isoformat()
    assert entry.findtext("a:updated", namespaces=ns) >= entry.findtext(
        "a:published", namespaces=ns
    )
    assert entry.find("a:content", ns).get("type") == "html"


# --- Polite polling -------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), ALL_FEED_ADDRESSES)
def test_conditional_get_answers_304_to_each_validator(client, newsroom, name, kwargs):
    url = reverse(f"feeds:{name}", kwargs=kwargs)
    first = client.get(url)

    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=300"
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_etag.status_code == 304
    assert by_date.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]


def test_each_feed_has_its_own_validators(client, newsroom):
    etags = {
        client.get(reverse(f"feeds:{name}", kwargs=kwargs))["ETag"]
        for name, kwargs in ALL_FEED_ADDRESSES
    }

    assert len(etags) == len(ALL_FEED_ADDRESSES)


# A 304 costs the subject lookup plus the one validator query; nothing is
# rendered.
NOT_MODIFIED_PINS = [
    ("latest", {}, 1),
    ("section-json", {"slug": "science"}, 2),
    ("tag", {"slug": "genomics"}, 2),
    ("institution-atom", {"slug": "yonsei"}, 2),
    ("person", {"slug": "choi-jae-young"}, 2),
    ("agreements", {}, 1),
]


@pytest.mark.parametrize(("name", "kwargs", "queries"), NOT_MODIFIED_PINS)
def test_a_304_costs_only_the_validator_query(
    client, newsroom, django_assert_num_queries, name, kwargs, queries
):
    url = reverse(f"feeds:{name}", kwargs=kwargs)
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(queries):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_head_answers_with_validators_and_no_body(client, newsroom):
    response = client.head(reverse("feeds:latest"))

    assert response.status_code == 200
    assert response["ETag"]
    assert response.content == b""


def test_feed_length_is_capped(client, newsroom):
    add_busy_stories(newsroom, 32)

    entries = feedparser.parse(client.get(reverse("feeds:latest")).content).entries

    assert len(entries) == 30


# --- Bad input ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("section", {"slug": "no-such-section"}),
        ("section-json", {"slug": "no-such-section"}),
        ("tag", {"slug": "no-such-tag"}),
        ("tag-atom", {"slug": "잘못된"}),
        ("institution", {"slug": "no-such-place"}),
        ("person-atom", {"slug": "nobody"}),
    ],
)
def test_unknown_subject_gives_404(client, newsroom, name, kwargs):
    assert client.get(reverse(f"feeds:{name}", kwargs=kwargs)).status_code == 404


def test_odd_query_strings_are_ignored(client, newsroom):
    url = reverse("feeds:latest-atom")
    plain = client.get(url)
    odd = client.get(url + "?page=-1&format=%3Cscript%3E&slug[]=x&q=" + "a" * 3000)

    assert odd.status_code == 200
    assert odd["ETag"] == plain["ETag"]
    assert odd.content == plain.content


def test_feeds_refuse_writes(client, newsroom):
    response = client.post(reverse("feeds:latest"))

    assert response.status_code == 405


def test_characters_xml_cannot_hold_are_dropped_not_a_500(client, newsroom):
    make_article(headline="Bell\x07 and tab\x0b", body="<p>ok\x08</p>", standfirst="x\x1fy")

    for feed_format in ("rss", "atom", "json"):
        response = client.get(feed_url("latest", {}, feed_format))
        assert response.status_code == 200
        check_structure(response, feed_format)
        assert "Bell and tab" in [item.title for item in parsed_items(response, feed_format)]


def test_control_characters_in_names_do_not_break_subject_feeds(client, newsroom):
    newsroom.science.name = "Sci\x0bence"
    newsroom.science.save()
    Byline.objects.create(article=newsroom.older, person=make_person(name="Ada\x01 Kim"))
    Tag.objects.filter(slug="genomics").update(name="geno\x1fmics")

    for name in ("section", "section-atom", "section-json"):
        response = client.get(reverse(f"feeds:{name}", kwargs={"slug": "science"}))
        assert response.status_code == 200
        check_structure(response, name.rpartition("-")[2] if "-" in name else "rss")
        assert "Science" in response.content.decode()
        assert "Ada Kim" in response.content.decode()
    tag_feed = client.get(reverse("feeds:tag-atom", kwargs={"slug": "genomics"}))
    assert tag_feed.status_code == 200
    assert "genomics" in tag_feed.content.decode()


# --- Finding and reading the feeds ----------------------------------------


def test_feed_links_offer_the_newsroom_feed_without_any_context():
    html = render_to_string("includes/feed_links.html", {})

    assert 'type="application/rss+xml"' in html
    assert 'href="/feeds/rss/"' in html
    assert 'href="/feeds/atom/"' in html
    assert "/feeds/section/" not in html


def test_feed_links_offer_the_feeds_of_the_page_subject(newsroom):
    tag = Tag.objects.get(slug="genomics")
    html = render_to_string(
        "includes/feed_links.html",
        {
            "section": newsroom.science,
            "tag": tag,
            "institution": newsroom.university,
            "person": newsroom.dean,
        },
    )

    for name, slug in [
        ("section", "science"),
        ("tag", "genomics"),
        ("institution", "yonsei"),
        ("person", "choi-jae-young"),
    ]:
        assert f'href="/feeds/{name}/{slug}/rss/"' in html
        assert f'href="/feeds/{name}/{slug}/atom/"' in html
    assert 'href="/feeds/section/science/json/"' in html


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("home", "/feeds/rss/"),
        ("section", "/feeds/section/science/rss/"),
        ("tag", "/feeds/tag/genomics/atom/"),
        ("institution", "/feeds/institution/yonsei/rss/"),
        ("person", "/feeds/person/choi-jae-young/atom/"),
    ],
)
def test_public_pages_announce_their_feeds_to_readers(client, newsroom, page, feed):
    addresses = {
        "home": reverse("articles:home"),
        "section": newsroom.science.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "genomics"}),
        "institution": newsroom.university.get_absolute_url(),
        "person": newsroom.dean.get_absolute_url(),
    }

    html = client.get(addresses[page]).content.decode()

    assert '<link rel="alternate" type="application/' in html
    assert f'href="{feed}"' in html
    assert 'href="/feeds/rss/"' in html


def test_follow_links_point_at_the_subjects_feeds(newsroom):
    html = render_to_string("feeds/follow.html", {"kind": "person", "slug": "choi-jae-young"})

    assert 'href="/feeds/person/choi-jae-young/rss/"' in html
    assert 'href="/feeds/person/choi-jae-young/atom/"' in html


def test_follow_links_render_nothing_for_an_unknown_kind():
    assert render_to_string("feeds/follow.html", {"kind": "planet", "slug": "x"}).strip() == ""


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
READER_ACCEPT = "application/atom+xml,application/rss+xml,application/xml;q=0.9,*/*;q=0.1"


@pytest.mark.parametrize("name", ["latest", "latest-atom", "latest-json"])
def test_browser_gets_a_page_and_readers_the_feed(client, newsroom, name):
    url = reverse(f"feeds:{name}")
    page = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    reader = client.get(url, HTTP_ACCEPT=READER_ACCEPT)

    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert reader["Content-Type"].startswith(
        ("application/rss+xml", "application/atom+xml", "application/feed+json")
    )
    assert b"xml-stylesheet" not in reader.content
    # Each representation has its own validator, and caches keep them apart.
    assert page["ETag"] != reader["ETag"]
    assert "Accept" in page["Vary"]
    assert "Accept" in reader["Vary"]
    assert (
        client.get(url, HTTP_ACCEPT=READER_ACCEPT, HTTP_IF_NONE_MATCH=page["ETag"]).status_code
        == 200
    )


def test_json_feed_readers_keep_json(client, newsroom):
    response = client.get(reverse("feeds:latest-json"), HTTP_ACCEPT="application/feed+json")

    assert response["Content-Type"] == "application/feed+json; charset=utf-8"


# --- The checkers themselves ----------------------------------------------


def test_atom_checker_catches_what_rfc_4287_forbids():
    broken = b"""<?xml version="1.0"?>
    <feed xmlns="http://www.w3.org/2005/Atom">
      <title>T</title><id>/relative</id>
      <entry><title>A</title><id>urn:x:1</id><updated>2026-01-02 10:00</updated></entry>
      <entry><title>B</title><id>urn:x:1</id><updated>2026-01-02T10:00:00Z</updated>
        <link href="/b"/></entry>
    </feed>"""

    problems = "\n".join(atom_problems(broken))

    assert "feed: needs exactly one updated" in problems
    assert "not an absolute IRI" in problems
    assert "not an RFC 3339 date-time" in problems
    assert "repeats another entry's id" in problems
    assert "no author" in problems
    assert "no content and no alternate link" not in problems.split("entry 2")[-1]
    assert "link href '/b' is not absolute" in problems


def test_rss_checker_catches_bad_guids_dates_and_enclosures():
    broken = b"""<?xml version="1.0"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
      <channel><title>T</title><link>/</link>
      <item><title>A</title><guid>abc</guid><pubDate>2026-01-02</pubDate>
        <enclosure url="/x.jpg" type="image/jpeg"/>
        <content:encoded>&lt;img src="/media/a.png" alt=""&gt;</content:encoded></item>
      <item><title>B</title><guid isPermaLink="false">abc</guid></item>
    </channel></rss>"""

    problems = "\n".join(rss_problems(broken))

    assert "channel: needs exactly one description" in problems
    assert "needs one atom:link rel=self" in problems
    assert "claims to be a permalink" in problems
    assert "not an RFC 822 date" in problems
    assert "enclosure length is not a number" in problems
    assert "enclosure url is not absolute" in problems
    assert "repeats another item's guid" in problems
    assert "relative src '/media/a.png' in content" in problems


def test_absolutize_html_resolves_links_against_the_story_address():
    html = absolutize_html(
        'Lead <a href="../other/">x</a> <img src="/m/a.png" alt="A &amp; B"> '
        '<a href="https://elsewhere.example/">y</a> <a href="mailto:a@b.kr">z</a>',
        "https://news.example/news/2026/1/2/story/",
    )

    assert html == (
        'Lead <a href="https://news.example/news/2026/1/2/other/">x</a> '
        '<img src="https://news.example/m/a.png" alt="A &amp; B"> '
        '<a href="https://elsewhere.example/">y</a> <a href="mailto:a@b.kr">z</a>'
    )
