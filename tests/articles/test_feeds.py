"""Feeds: validity, completeness, leaks, stable ids and polite polling."""

import datetime
import json
from types import SimpleNamespace

import feedparser
import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from taggit.models import Tag

from articles.feeds import absolutize_html, lead_image_html
from articles.models import Article, ArticleStatus, Byline, Quote
from institutions.models import AgreementArea
from tests.factories import (
    image_upload,
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_section,
)
from tests.feed_checks import (
    assert_valid_atom,
    assert_valid_json_feed,
    assert_valid_rss,
    atom_problems,
    rss_problems,
)

BASE = "http://testserver"
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def newsroom(db):
    """Three public stories, four hidden ones touching every feed, one agreement."""
    now = timezone.now()
    science = make_section(name="Science", slug="science", description="Research news.")
    campus = make_section(name="Campus", slug="campus")
    university = make_institution(name="Yonsei University", slug="yonsei")
    college = make_institution(
        name="College of Medicine", slug="yonsei-medicine", parent=university
    )
    dean = make_person(name="Choi Jae-young", slug="choi-jae-young")
    writer = make_person(name="Han Seo-yeon", slug="han-seo-yeon")
    photographer = make_person(name="Kim Min-ji", slug="kim-min-ji")

    newer = make_article(
        headline="Gene map & what it means",
        slug="gene-map",
        section=science,
        published_at=now - HOUR,
        tags=["genomics", "ai"],
        lead_image=image_upload(name="lab.jpg", size=(120, 80)),
        lead_image_alt="Researchers at a sequencer",
        lead_image_caption="The sequencing lab",
        body='<p>The map <a href="/news/2026/1/2/earlier/">builds on earlier work</a>.</p>',
    )
    Byline.objects.create(article=newer, person=writer, order=0)
    Byline.objects.create(article=newer, person=photographer, order=1)
    newer.institutions.add(college)
    campus_story = make_article(
        headline="Library opens at night",
        slug="library",
        section=campus,
        published_at=now - 3 * HOUR,
    )
    campus_story.people.add(dean)
    older = make_article(
        headline="Sequencing centre planned",
        slug="sequencing-centre",
        section=science,
        published_at=now - 2 * DAY,
        tags=["genomics"],
        body='<p>A chart:</p><figure><img src="/media/chart.png" alt="Cost per genome"></figure>',
    )
    # Not make_quote(): its defaults would build (and publish) a story of their own.
    Quote.objects.create(article=older, person=dean, text="A centre for everyone.")

    hidden = {
        "draft": make_article(headline="Draft story", status=ArticleStatus.DRAFT),
        "review": make_article(headline="Story in review", status=ArticleStatus.REVIEW),
        "scheduled": make_article(headline="Scheduled story", published_at=now + HOUR),
        "embargoed": make_article(
            headline="Embargoed story", published_at=now - HOUR, embargo_until=now + DAY
        ),
    }
    agreement = make_agreement(
        title="Yonsei and KAIST research agreement",
        slug="yonsei-kaist",
        parties=[college],
        signed_on=timezone.localdate() - datetime.timedelta(days=2),
        summary="Joint research & training.",
    )
    newer.agreements.add(agreement)
    make_agreement(title="Agreement still to be signed", signed_on=timezone.localdate() + DAY)
    for article in hidden.values():
        article.section = science
        article.save()
        article.tags.add("genomics")
        article.institutions.add(college)
        article.people.add(dean)
        article.agreements.add(agreement)
    return SimpleNamespace(
        now=now,
        science=science,
        campus=campus,
        university=university,
        college=college,
        dean=dean,
        newer=newer,
        older=older,
        campus_story=campus_story,
        hidden=hidden,
        agreement=agreement,
    )


# Each feed: URL name, URL kwargs, formats, and which stories it must list in order.
ARTICLE_FEEDS = [
    ("latest", {}, ("rss", "atom", "json"), ["newer", "campus_story", "older"]),
    ("section", {"slug": "science"}, ("rss", "atom", "json"), ["newer", "older"]),
    ("section", {"slug": "campus"}, ("rss", "atom", "json"), ["campus_story"]),
    ("tag", {"slug": "genomics"}, ("rss", "atom"), ["newer", "older"]),
    ("institution", {"slug": "yonsei"}, ("rss", "atom"), ["newer"]),
    ("institution", {"slug": "yonsei-medicine"}, ("rss", "atom"), ["newer"]),
    ("person", {"slug": "choi-jae-young"}, ("rss", "atom"), ["campus_story", "older"]),
]
FEED_CASES = [
    pytest.param(name, kwargs, feed_format, expected, id=f"{name}-{feed_format}-{kwargs}")
    for name, kwargs, formats, expected in ARTICLE_FEEDS
    for feed_format in formats
]
ALL_FEED_URLS = [
    (name if feed_format == "rss" else f"{name}-{feed_format}", kwargs)
    for name, kwargs, formats, _expected in ARTICLE_FEEDS
    for feed_format in formats
] + [("agreements", {}), ("agreements-atom", {})]


def feed_url(name, kwargs, feed_format="rss"):
    return reverse(
        f"feeds:{name}" if feed_format == "rss" else f"feeds:{name}-{feed_format}", kwargs=kwargs
    )


def check_structure(response, feed_format):
    if feed_format == "atom":
        assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
        assert_valid_atom(response.content)
    elif feed_format == "rss":
        assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
        assert_valid_rss(response.content)
    else:
        assert response["Content-Type"] == "application/feed+json; charset=utf-8"
        assert_valid_json_feed(response.content)


def parsed_items(response, feed_format):
    """(title, link, content, enclosure) per item, as a real client reads them."""
    if feed_format == "json":
        items = json.loads(response.content)["items"]
        return [
            SimpleNamespace(
                id=item["id"],
                title=item["title"],
                link=item["url"],
                content=item["content_html"],
                summary=item["summary"],
                authors=[author["name"] for author in item["authors"]],
                tags=item["tags"],
                enclosures=[
                    (a["url"], str(a["size_in_bytes"]), a["mime_type"])
                    for a in item.get("attachments", [])
                ],
            )
            for item in items
        ]
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return [
        SimpleNamespace(
            id=entry.id,
            title=entry.title,
            link=entry.link,
            content=entry.content[0].value,
            summary=entry.summary,
            authors=[author.get("name") for author in entry.get("authors", [])],
            tags=[tag.term for tag in entry.get("tags", [])],
            enclosures=[(e.href, e.length, e.type) for e in entry.get("enclosures", [])],
        )
        for entry in parsed.entries
    ]


@pytest.mark.parametrize(("name", "kwargs", "feed_format", "expected"), FEED_CASES)
def test_feed_lists_exactly_the_published_stories_in_order(
    client, newsroom, name, kwargs, feed_format, expected
):
    response = client.get(feed_url(name, kwargs, feed_format))

    assert response.status_code == 200
    check_structure(response, feed_format)
    items = parsed_items(response, feed_format)
    articles = [getattr(newsroom, key) for key in expected]
    assert [item.title for item in items] == [article.headline for article in articles]
    assert [item.link for item in items] == [BASE + a.get_absolute_url() for a in articles]
    assert [item.id for item in items] == [f"urn:uuid:{a.guid}" for a in articles]
    for item, article in zip(items, articles, strict=True):
        assert item.summary == article.standfirst
        assert article.section.name in item.tags


@pytest.mark.parametrize("feed_format", ["rss", "atom", "json"])
def test_items_carry_full_content_authors_categories_and_enclosure(client, newsroom, feed_format):
    response = client.get(feed_url("latest", {}, feed_format))
    newer, _campus, older = parsed_items(response, feed_format)

    assert "builds on earlier work" in newer.content
    assert f'href="{BASE}/news/2026/1/2/earlier/"' in newer.content
    assert 'alt="Researchers at a sequencer"' in newer.content
    assert "The sequencing lab" in newer.content
    assert f'src="{BASE}/media/chart.png"' in older.content
    assert 'alt="Cost per genome"' in older.content
    assert newer.authors == ["Han Seo-yeon", "Kim Min-ji"]
    # No byline: the newsroom itself is the author, never nobody.
    assert older.authors == ["University Newsroom"]
    assert sorted(newer.tags) == ["Science", "ai", "genomics"]
    image = newsroom.newer.lead_image
    assert newer.enclosures == [(BASE + image.url, str(image.size), "image/jpeg")]
    assert older.enclosures == []


def test_enclosure_length_is_the_real_file_size_stored_on_save(newsroom):
    article = Article.objects.get(pk=newsroom.newer.pk)
    with open(article.lead_image.path, "rb") as stored:
        real_size = len(stored.read())

    assert article.lead_image_bytes == real_size > 0


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


def test_agreements_feed_lists_signed_agreements_with_page_and_coverage(client, newsroom):
    for name in ("agreements", "agreements-atom"):
        response = client.get(reverse(f"feeds:{name}"))
        check_structure(response, "rss" if name == "agreements" else "atom")
        entries = feedparser.parse(response.content).entries

        assert [entry.title for entry in entries] == ["Yonsei and KAIST research agreement"]
        entry = entries[0]
        assert entry.link == BASE + newsroom.agreement.get_absolute_url()
        content = entry.content[0].value
        assert BASE + newsroom.newer.get_absolute_url() in content
        assert BASE + newsroom.college.get_absolute_url() in content
        # Coverage that is not public yet stays out, even from the agreement.
        for article in newsroom.hidden.values():
            assert article.headline not in content


@pytest.mark.parametrize(("name", "kwargs"), ALL_FEED_URLS)
def test_no_hidden_story_leaks_into_any_feed(client, newsroom, name, kwargs):
    response = client.get(reverse(f"feeds:{name}", kwargs=kwargs))

    assert response.status_code == 200
    body = response.content.decode()
    for article in newsroom.hidden.values():
        assert article.headline not in body
        assert str(article.guid) not in body
        assert article.slug not in body


def test_scheduled_story_appears_when_its_time_passes_without_any_job(client, newsroom):
    scheduled = newsroom.hidden["scheduled"]
    url = reverse("feeds:section", kwargs={"slug": "science"})
    before = client.get(url)
    assert scheduled.headline not in before.content.decode()

    with time_machine.travel(newsroom.now + 2 * HOUR, tick=False):
        after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    titles = [entry.title for entry in feedparser.parse(after.content).entries]
    assert titles[0] == "Scheduled story"


def test_unpublished_or_re_embargoed_story_leaves_the_feeds(client, newsroom):
    url = reverse("feeds:latest")
    before = client.get(url)
    newsroom.newer.embargo_until = timezone.now() + DAY
    newsroom.newer.save()
    newsroom.campus_story.status = ArticleStatus.DRAFT
    newsroom.campus_story.save()

    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert [entry.title for entry in feedparser.parse(after.content).entries] == [
        newsroom.older.headline
    ]


def test_guid_survives_headline_and_slug_change(client, newsroom):
    def first_item(feed_format):
        return parsed_items(client.get(feed_url("latest", {}, feed_format)), feed_format)[0]

    before = {feed_format: first_item(feed_format) for feed_format in ("rss", "atom", "json")}
    newsroom.newer.headline = "Gene map: a correction"
    newsroom.newer.slug = "gene-map-corrected"
    newsroom.newer.save()

    for feed_format, old in before.items():
        new = first_item(feed_format)
        assert new.title == "Gene map: a correction"
        assert new.link != old.link
        assert new.id == old.id == f"urn:uuid:{newsroom.newer.guid}"


# --- Polite polling ---------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), ALL_FEED_URLS)
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
        for name, kwargs in ALL_FEED_URLS
    }

    assert len(etags) == len(ALL_FEED_URLS)


def test_editing_a_story_in_the_feed_changes_validators_and_others_do_not(client, newsroom):
    science = reverse("feeds:section", kwargs={"slug": "science"})
    campus = reverse("feeds:section-atom", kwargs={"slug": "campus"})
    science_before, campus_before = client.get(science), client.get(campus)

    with time_machine.travel(newsroom.now + 10 * HOUR, tick=False):
        newsroom.older.standfirst = "Now with a budget."
        newsroom.older.save()
        science_after = client.get(science, HTTP_IF_NONE_MATCH=science_before["ETag"])
        science_by_date = client.get(
            science, HTTP_IF_MODIFIED_SINCE=science_before["Last-Modified"]
        )
        campus_after = client.get(campus, HTTP_IF_NONE_MATCH=campus_before["ETag"])

    assert science_after.status_code == 200
    assert science_after["ETag"] != science_before["ETag"]
    assert science_by_date.status_code == 200
    assert "Now with a budget." in science_after.content.decode()
    assert campus_after.status_code == 304
    assert campus_after["ETag"] == campus_before["ETag"]


def test_a_hidden_story_changing_does_not_change_the_feed(client, newsroom):
    url = reverse("feeds:tag", kwargs={"slug": "genomics"})
    before = client.get(url)
    newsroom.hidden["draft"].headline = "Draft, rewritten"
    newsroom.hidden["draft"].save()

    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


def test_renaming_a_section_changes_its_feed(client, newsroom):
    url = reverse("feeds:section", kwargs={"slug": "campus"})
    before = client.get(url)
    newsroom.campus.name = "Campus life"
    newsroom.campus.save()

    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert "Campus life" in after.content.decode()


def test_agreement_feed_changes_when_its_coverage_is_published(client, newsroom):
    url = reverse("feeds:agreements")
    before = client.get(url)

    with time_machine.travel(newsroom.now + 2 * HOUR, tick=False):
        after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert "Scheduled story" in feedparser.parse(after.content).entries[0].content[0].value


def test_agreement_item_lists_its_ten_newest_stories_and_leaves_the_rest_to_its_page(
    client, newsroom
):
    extra = [
        make_article(
            headline=f"Coverage story {number:02d}",
            published_at=newsroom.now - datetime.timedelta(days=30, minutes=number),
        )
        for number in range(12)
    ]
    for article in extra:
        article.agreements.add(newsroom.agreement)
    response = client.get(reverse("feeds:agreements"))
    content = feedparser.parse(response.content).entries[0].content[0].value
    coverage = content.split("Coverage</h3>", 1)[1]

    assert coverage.count("<li>") == 10
    # The agreement's newer stories first, then the extra ones newest first.
    assert BASE + newsroom.newer.get_absolute_url() in coverage
    assert "Coverage story 00" in coverage
    assert "Coverage story 11" not in coverage


def add_busy_stories(newsroom, count):
    """More stories in every feed, each with tags, bylines and a lead image."""
    author = make_person(name="Busy Writer")
    for number in range(count):
        article = make_article(
            section=newsroom.science,
            tags=["genomics", f"extra-{number}"],
            published_at=newsroom.now - datetime.timedelta(minutes=number + 5),
            lead_image=image_upload(name=f"busy-{number}.jpg"),
            lead_image_alt="A busy picture",
        )
        Byline.objects.create(article=article, person=author)
        article.institutions.add(newsroom.college)
        article.people.add(newsroom.dean)
        article.agreements.add(newsroom.agreement)
        Quote.objects.create(article=article, person=newsroom.dean, text="Busy.")
        agreement = make_agreement(
            parties=[newsroom.college, newsroom.university],
            signed_on=timezone.localdate() - datetime.timedelta(days=number + 3),
        )
        AgreementArea.objects.create(agreement=agreement, description="Joint research")
        article.agreements.add(agreement)


# Queries per full response: the subject (if any), the validators, the items,
# their bylines and their tags; an institution's family tree is found inside
# the items query. Agreements add parties, areas and coverage.
QUERY_PINS = [
    ("latest", {}, 4),
    ("latest-json", {}, 4),
    ("section", {"slug": "science"}, 5),
    ("tag", {"slug": "genomics"}, 5),
    ("institution", {"slug": "yonsei"}, 5),
    ("person-atom", {"slug": "choi-jae-young"}, 5),
    ("agreements", {}, 5),
]


@pytest.mark.parametrize(("name", "kwargs", "queries"), QUERY_PINS)
def test_feed_query_count_does_not_grow_with_items_or_tags(
    client, newsroom, django_assert_num_queries, name, kwargs, queries
):
    url = reverse(f"feeds:{name}", kwargs=kwargs)
    with django_assert_num_queries(queries):
        small = client.get(url)
    add_busy_stories(newsroom, 12)
    with django_assert_num_queries(queries):
        big = client.get(url)

    assert big.content != small.content


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


# --- Bad input --------------------------------------------------------------


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
    odd = client.get(url + "?page=-1&format=%00%3Cscript%3E&slug[]=x&q=" + "a" * 3000)

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


def test_unicode_tag_has_a_feed(client, newsroom):
    tag = Tag.objects.create(name="의학", slug="의학")
    newsroom.older.tags.add(tag)

    response = client.get(reverse("feeds:tag", kwargs={"slug": "의학"}))

    assert response.status_code == 200
    assert [e.title for e in feedparser.parse(response.content).entries] == [
        newsroom.older.headline
    ]


# --- Finding and reading the feeds -------------------------------------------


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


def test_feeds_page_lists_every_section_feed(client, newsroom):
    response = client.get(reverse("feeds:index"))

    assert response.status_code == 200
    html = response.content.decode()
    for section in ("science", "campus"):
        assert reverse("feeds:section", kwargs={"slug": section}) in html
        assert reverse("feeds:section-atom", kwargs={"slug": section}) in html
        assert reverse("feeds:section-json", kwargs={"slug": section}) in html
    assert reverse("feeds:agreements") in html
    assert reverse("feeds:latest-json") in html


def test_feeds_page_explains_topic_feeds_with_a_real_example(client, newsroom):
    html = client.get(reverse("feeds:index")).content.decode()

    # "ai" is the first tag, by name, that a published story carries.
    assert reverse("feeds:tag", kwargs={"slug": "ai"}) in html


def test_follow_links_point_at_the_subjects_feeds(newsroom):
    html = render_to_string("feeds/follow.html", {"kind": "person", "slug": "choi-jae-young"})

    assert 'href="/feeds/person/choi-jae-young/rss/"' in html
    assert 'href="/feeds/person/choi-jae-young/atom/"' in html


def test_follow_links_render_nothing_for_an_unknown_kind():
    assert render_to_string("feeds/follow.html", {"kind": "planet", "slug": "x"}).strip() == ""


@pytest.mark.parametrize("name", ["latest", "latest-atom"])
def test_stylesheet_turns_a_feed_into_a_readable_page(client, newsroom, name):
    feed = client.get(reverse(f"feeds:{name}"))
    stylesheet = client.get(reverse("feeds:stylesheet"))

    assert stylesheet["Content-Type"].startswith("text/xsl")
    assert b'<?xml-stylesheet href="/feeds/feed.xsl"' in feed.content
    transform = etree.XSLT(etree.fromstring(stylesheet.content))
    page = str(transform(etree.fromstring(feed.content)))
    assert "<h1>University Newsroom</h1>" in page
    assert "Gene map &amp; what it means" in page
    assert f'href="{BASE}{newsroom.newer.get_absolute_url()}"' in page


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
READER_ACCEPT = "application/atom+xml,application/rss+xml,application/xml;q=0.9,*/*;q=0.1"


@pytest.mark.parametrize("name", ["latest", "latest-atom"])
def test_browser_gets_the_feed_as_plain_xml_so_the_stylesheet_runs(client, newsroom, name):
    url = reverse(f"feeds:{name}")
    page = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    reader = client.get(url, HTTP_ACCEPT=READER_ACCEPT)

    assert page["Content-Type"] == "application/xml; charset=utf-8"
    assert reader["Content-Type"].startswith(("application/rss+xml", "application/atom+xml"))
    assert page.content == reader.content
    # Each representation has its own validator, and caches keep them apart.
    assert page["ETag"] != reader["ETag"]
    assert "Accept" in page["Vary"]
    assert (
        client.get(url, HTTP_ACCEPT=READER_ACCEPT, HTTP_IF_NONE_MATCH=page["ETag"]).status_code
        == 200
    )


def test_json_feed_ignores_browser_accept_headers(client, newsroom):
    response = client.get(reverse("feeds:latest-json"), HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response["Content-Type"] == "application/feed+json; charset=utf-8"


# --- The checkers themselves --------------------------------------------------


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


@pytest.mark.django_db
def test_lead_image_alt_text_and_credit_are_escaped_into_the_content():
    article = make_article(
        lead_image=image_upload(),
        lead_image_alt='The "lab" <at night> & more',
        lead_image_credit="Photo: Kim & Lee",
    )

    html = lead_image_html(article)

    assert 'alt="The &quot;lab&quot; &lt;at night&gt; &amp; more"' in html
    assert "<figcaption> (Photo: Kim &amp; Lee)</figcaption>" in html
    assert lead_image_html(make_article()) == ""


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
