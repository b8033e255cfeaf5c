"""Article feeds (latest, section, tag): what they list, and how they follow each change."""

import feedparser
import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.feeds import lead_image_html
from articles.models import Article, ArticleStatus
from tests.support.factories import image_upload, make_article
from tests.support.feeds import (
    ARTICLE_FEEDS,
    BASE,
    DAY,
    HOUR,
    add_busy_stories,
    assert_feed_lists,
    assert_no_hidden_story,
    feed_addresses,
    feed_cases,
    feed_newsroom,
    feed_url,
    parsed_items,
)


@pytest.fixture
def newsroom(db):
    return feed_newsroom()


@pytest.mark.parametrize(("name", "kwargs", "feed_format", "expected"), feed_cases(ARTICLE_FEEDS))
def test_feed_lists_exactly_the_published_stories_in_order(
    client, newsroom, name, kwargs, feed_format, expected
):
    response = client.get(feed_url(name, kwargs, feed_format))

    assert_feed_lists(response, feed_format, [getattr(newsroom, key) for key in expected])


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
    # The largest JPEG rendition, never the uploaded original.
    (jpeg,) = [r for r in newsroom.newer.lead_image_renditions if r["format"] == "jpg"]
    assert newer.enclosures == [(f"{BASE}/media/{jpeg['name']}", str(jpeg["bytes"]), "image/jpeg")]
    assert f'src="{BASE}/media/{jpeg["name"]}"' in newer.content
    assert older.enclosures == []


def test_enclosure_length_is_the_real_file_size_stored_on_save(newsroom):
    article = Article.objects.get(pk=newsroom.newer.pk)
    (jpeg,) = [r for r in article.lead_image_renditions if r["format"] == "jpg"]
    with default_storage.open(jpeg["name"], "rb") as stored:
        real_size = len(stored.read())

    assert jpeg["bytes"] == real_size > 0


@pytest.mark.parametrize(("name", "kwargs"), feed_addresses(ARTICLE_FEEDS))
def test_no_hidden_story_leaks_into_any_feed(client, newsroom, name, kwargs):
    assert_no_hidden_story(client.get(reverse(f"feeds:{name}", kwargs=kwargs)), newsroom)


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


# --- Validators follow the stories ----------------------------------------


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


# Queries per full response: the subject (if any), the validators, the items,
# and one each for their bylines, quotes, speakers' positions, institutions,
# people, agreements and tags.
QUERY_PINS = [
    ("latest", {}, 9),
    ("latest-json", {}, 9),
    ("section", {"slug": "science"}, 10),
    ("tag", {"slug": "genomics"}, 10),
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


def test_unicode_tag_has_a_feed(client, newsroom):
    tag = Tag.objects.create(name="의학", slug="의학")
    newsroom.older.tags.add(tag)

    response = client.get(reverse("feeds:tag", kwargs={"slug": "의학"}))

    assert response.status_code == 200
    assert [e.title for e in feedparser.parse(response.content).entries] == [
        newsroom.older.headline
    ]


# --- The feeds page and the lead image ------------------------------------


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
