"""Story lists page newest first without counting, and stay exact at the edges."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus
from tests.support.factories import make_article, make_section

pytestmark = pytest.mark.django_db


def _stories(section, count):
    now = timezone.now()
    return [
        make_article(
            section=section,
            headline=f"Story {n:02d}",
            published_at=now - datetime.timedelta(hours=n + 1),
        )
        for n in range(count)
    ]


def _headlines(response):
    return [article.headline for article in response.context["articles"]]


def test_pages_follow_each_other_newest_first_with_no_gaps_or_repeats(client):
    section = make_section()
    _stories(section, 45)
    url = section.get_absolute_url()

    pages = [client.get(url, {"page": n}) for n in (1, 2, 3)]

    assert [r.status_code for r in pages] == [200, 200, 200]
    seen = [headline for response in pages for headline in _headlines(response)]
    assert seen == [f"Story {n:02d}" for n in range(45)]
    assert [r.context["page_obj"].has_next() for r in pages] == [True, True, False]
    assert pages[2].context["page_obj"].start_index() == 41
    assert pages[2].context["page_obj"].end_index() == 45
    assert b'rel="next"' in pages[0].content
    assert b'rel="next"' not in pages[2].content
    assert b"Page 2</span>" in pages[1].content


def test_an_exactly_full_last_page_has_no_older_link(client):
    section = make_section()
    _stories(section, 40)
    response = client.get(section.get_absolute_url(), {"page": 2})

    assert len(_headlines(response)) == 20
    assert response.context["page_obj"].has_next() is False
    assert client.get(section.get_absolute_url(), {"page": 3}).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "999"])
def test_impossible_page_numbers_are_404_not_500(client, page):
    section = make_section()
    _stories(section, 3)
    assert client.get(section.get_absolute_url(), {"page": page}).status_code == 404


def test_page_last_still_means_the_last_page(client):
    section = make_section()
    _stories(section, 25)
    response = client.get(section.get_absolute_url(), {"page": "last"})
    assert response.status_code == 200
    assert _headlines(response) == [f"Story {n:02d}" for n in range(20, 25)]


def test_unpublished_stories_take_no_place_on_any_page(client):
    section = make_section()
    _stories(section, 21)
    make_article(section=section, headline="Draft", status=ArticleStatus.DRAFT)
    make_article(
        section=section,
        headline="Scheduled",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    first = client.get(section.get_absolute_url())
    second = client.get(section.get_absolute_url(), {"page": 2})

    assert _headlines(first)[0] == "Story 00"
    assert _headlines(second) == ["Story 20"]
    assert b"Draft" not in first.content + second.content
    assert b"Scheduled" not in first.content + second.content


def test_search_still_counts_its_matches(client):
    make_article(headline="Countable vaccine story")
    response = client.get(reverse("articles:search"), {"q": "vaccine"})
    assert response.context["paginator"].count == 1
    assert b"(1)" in response.content
