"""Bounded date parts: impossible dates are 404s, addresses reverse as before."""

import datetime

import pytest
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone

from articles.models import Article
from articles.workflow import article_for_old_url
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


def test_reverse_writes_addresses_as_before():
    assert reverse("articles:archive-year", kwargs={"year": 2026}) == "/news/2026/"
    assert reverse("articles:archive-month", kwargs={"year": 2026, "month": 9}) == "/news/2026/9/"
    assert (
        reverse("articles:detail", kwargs={"year": 2026, "month": 1, "day": 5, "slug": "x"})
        == "/news/2026/1/5/x/"
    )


@pytest.mark.parametrize("path", ["/news/2026/9/", "/news/2026/09/"])
def test_month_with_or_without_leading_zero_resolves_alike(path):
    match = resolve(path)

    assert match.url_name == "archive-month"
    assert match.kwargs == {"year": 2026, "month": 9}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"year": 0, "month": 1},
        {"year": 10000, "month": 1},
        {"year": 2026, "month": 0},
        {"year": 2026, "month": 13},
    ],
)
def test_out_of_range_parts_do_not_reverse(kwargs):
    with pytest.raises(NoReverseMatch):
        reverse("articles:archive-month", kwargs=kwargs)


@pytest.mark.parametrize(
    "path",
    [
        "/news/99999999999999999999/1/1/x/",
        "/news/2026/99999999999999999999/1/x/",
        "/news/2026/1/99999999999999999999/x/",
        "/news/0/1/1/x/",
        "/news/2026/0/1/x/",
        "/news/2026/1/0/x/",
        "/news/2026/1/32/x/",
        "/news/2026/2/30/x/",
        "/news/2025/2/29/x/",
        "/news/99999999999999999999/",
        "/news/2026/99999999999999999999/",
        "/news/9999/",
        "/news/9999/12/",
        "/news/1/1/",
    ],
)
def test_impossible_dates_are_404(client, path):
    make_article(slug="x")

    assert client.get(path).status_code == 404


def test_impossible_date_is_404_even_when_the_slug_exists(client):
    article = make_article(slug="exists")

    assert client.get("/news/2026/2/31/exists/").status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 200


def test_zero_padded_date_still_leads_to_the_story(client):
    moment = timezone.make_aware(datetime.datetime(2026, 3, 4, 12, 0))
    article = make_article(slug="padded", published_at=moment)

    response = client.get("/news/2026/03/04/padded/")

    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())


def test_old_url_lookup_answers_none_for_impossible_dates():
    queryset = Article.objects.published()

    assert article_for_old_url(queryset, year=10**20, month=1, day=1, slug="x") is None
    assert article_for_old_url(queryset, year=2026, month=2, day=31, slug="x") is None
