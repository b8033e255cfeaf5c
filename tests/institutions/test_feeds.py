"""Institution, person and agreement feeds: what they list, and the agreements' coverage."""

import datetime

import feedparser
import pytest
import time_machine
from django.urls import reverse

from articles.models import Quote
from tests.support.factories import make_article
from tests.support.feeds import (
    AGREEMENT_FEED_ADDRESSES,
    BASE,
    INSTITUTION_FEEDS,
    add_busy_stories,
    assert_feed_lists,
    assert_no_hidden_story,
    check_structure,
    feed_addresses,
    feed_cases,
    feed_newsroom,
    feed_url,
)


@pytest.fixture
def newsroom(db):
    return feed_newsroom()


@pytest.mark.parametrize(
    ("name", "kwargs", "feed_format", "expected"), feed_cases(INSTITUTION_FEEDS)
)
def test_feed_lists_exactly_the_published_stories_in_order(
    client, newsroom, name, kwargs, feed_format, expected
):
    response = client.get(feed_url(name, kwargs, feed_format))

    assert_feed_lists(response, feed_format, [getattr(newsroom, key) for key in expected])


@pytest.mark.clock_sensitive
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


@pytest.mark.parametrize(
    ("name", "kwargs"), feed_addresses(INSTITUTION_FEEDS) + AGREEMENT_FEED_ADDRESSES
)
def test_no_hidden_story_leaks_into_any_feed(client, newsroom, name, kwargs):
    assert_no_hidden_story(client.get(reverse(f"feeds:{name}", kwargs=kwargs)), newsroom)


@pytest.mark.clock_sensitive
def test_agreement_feed_changes_when_its_coverage_is_published(client, newsroom):
    url = reverse("feeds:agreements")
    before = client.get(url)
    # The moment the scheduled coverage goes live, and not the two hours after
    # it: past the newsroom's midnight "Agreement still to be signed" is signed
    # too and heads the feed.
    live = newsroom.hidden["scheduled"].published_at

    with time_machine.travel(live, tick=False):
        after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    items = {entry.title: entry for entry in feedparser.parse(after.content).entries}
    coverage = items["Yonsei and KAIST research agreement"].content[0].value
    assert "Scheduled story" in coverage
    assert "Scheduled story" not in before.content.decode()


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


# Queries per full response: the subject (if any), the validators, the items,
# and one each for their bylines, quotes, speakers' positions, institutions,
# people, agreements and tags; an institution's family tree is found inside
# the items query. Agreements: parties, areas, coverage and renewals.
QUERY_PINS = [
    ("institution", {"slug": "yonsei"}, 10),
    ("person-atom", {"slug": "choi-jae-young"}, 10),
    ("agreements", {}, 6),
]


@pytest.mark.parametrize(("name", "kwargs", "queries"), QUERY_PINS)
def test_feed_query_count_does_not_grow_with_items_or_tags(
    client, newsroom, django_assert_num_queries, name, kwargs, queries
):
    # Every relation present from the start (a prefetch with nothing to
    # follow costs no query): the Yonsei feed's one story gets a quote.
    Quote.objects.create(article=newsroom.newer, person=newsroom.dean, text="Good news.")
    url = reverse(f"feeds:{name}", kwargs=kwargs)
    with django_assert_num_queries(queries):
        small = client.get(url)
    add_busy_stories(newsroom, 12)
    with django_assert_num_queries(queries):
        big = client.get(url)

    assert big.content != small.content
