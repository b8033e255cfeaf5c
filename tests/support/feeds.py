"""The newsroom every feed test reads, what each feed must list, and how a client reads it."""

import datetime
import json
from types import SimpleNamespace

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus, Byline, Quote
from institutions.models import AgreementArea
from tests.support.factories import (
    image_upload,
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_section,
)
from tests.support.feed_checks import assert_valid_atom, assert_valid_json_feed, assert_valid_rss

BASE = "http://testserver"
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def feed_newsroom():
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


# Each feed of feed_newsroom(): URL name, URL kwargs, formats, and the stories
# (attributes of the newsroom) it must list, in order.
ARTICLE_FEEDS = [
    ("latest", {}, ("rss", "atom", "json"), ["newer", "campus_story", "older"]),
    ("section", {"slug": "science"}, ("rss", "atom", "json"), ["newer", "older"]),
    ("section", {"slug": "campus"}, ("rss", "atom", "json"), ["campus_story"]),
    ("tag", {"slug": "genomics"}, ("rss", "atom"), ["newer", "older"]),
]
INSTITUTION_FEEDS = [
    ("institution", {"slug": "yonsei"}, ("rss", "atom"), ["newer"]),
    ("institution", {"slug": "yonsei-medicine"}, ("rss", "atom"), ["newer"]),
    ("person", {"slug": "choi-jae-young"}, ("rss", "atom"), ["campus_story", "older"]),
]
AGREEMENT_FEED_ADDRESSES = [("agreements", {}), ("agreements-atom", {})]


def feed_cases(feeds):
    """One pytest case per feed and format: (name, kwargs, feed_format, expected)."""
    return [
        pytest.param(name, kwargs, feed_format, expected, id=f"{name}-{feed_format}-{kwargs}")
        for name, kwargs, formats, expected in feeds
        for feed_format in formats
    ]


def feed_addresses(feeds):
    """(URL name, kwargs) of every format of ``feeds``."""
    return [
        (name if feed_format == "rss" else f"{name}-{feed_format}", kwargs)
        for name, kwargs, formats, _expected in feeds
        for feed_format in formats
    ]


ALL_FEED_ADDRESSES = (
    feed_addresses(ARTICLE_FEEDS) + feed_addresses(INSTITUTION_FEEDS) + AGREEMENT_FEED_ADDRESSES
)


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


def assert_feed_lists(response, feed_format, articles):
    """The feed is valid and lists exactly ``articles``, in order, as a reader sees them."""
    assert response.status_code == 200
    check_structure(response, feed_format)
    items = parsed_items(response, feed_format)
    assert [item.title for item in items] == [article.headline for article in articles]
    assert [item.link for item in items] == [BASE + a.get_absolute_url() for a in articles]
    assert [item.id for item in items] == [f"urn:uuid:{a.guid}" for a in articles]
    for item, article in zip(items, articles, strict=True):
        assert item.summary == article.standfirst
        assert article.section.name in item.tags


def assert_no_hidden_story(response, newsroom):
    """Nothing of the newsroom's hidden stories (headline, guid, slug) is in the feed."""
    assert response.status_code == 200
    body = response.content.decode()
    for article in newsroom.hidden.values():
        assert article.headline not in body
        assert str(article.guid) not in body
        assert article.slug not in body


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
