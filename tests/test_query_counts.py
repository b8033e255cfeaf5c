"""Each page type runs a fixed number of SQL queries, however big the newsroom.

The data set is several times the sample newsroom: 60 public stories, each
with two bylines, two quotes, three tags, two institutions (one a child of
another), a person and an agreement, plus curated related links. The counts
are pinned exactly, so a template that starts querying per item fails here.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Byline, RelatedArticle
from institutions.models import AgreementArea, AgreementParty
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
    make_section,
)

pytestmark = pytest.mark.django_db

STORIES = 60


@pytest.fixture
def big_newsroom():
    now = timezone.now()
    sections = [make_section(order=i) for i in range(4)]
    universities = [make_institution(short_name=f"U{i}") for i in range(4)]
    schools = [make_institution(short_name=f"S{i}", parent=universities[i]) for i in range(4)]
    people = [make_person() for _ in range(10)]
    for i, person in enumerate(people):
        make_position(person=person, institution=schools[i % 4], title="Professor")
        make_position(
            person=person,
            institution=universities[i % 4],
            title="Lecturer",
            started_on=datetime.date(2010, 1, 1),
            ended_on=datetime.date(2015, 1, 1),
        )
    agreements = []
    for i in range(6):
        agreement = make_agreement(parties=[universities[i % 4], schools[(i + 1) % 4]])
        AgreementParty.objects.filter(agreement=agreement).update(signatory=people[i])
        AgreementArea.objects.create(agreement=agreement, description="Exchange")
        AgreementArea.objects.create(agreement=agreement, description="Joint research")
        agreements.append(agreement)
    articles = []
    for i in range(STORIES):
        article = make_article(
            section=sections[i % 4],
            published_at=now - datetime.timedelta(hours=i + 1),
            tags=[f"tag-{i % 7}", f"tag-{i % 5}", "medicine"],
        )
        article.institutions.add(schools[i % 4], universities[(i + 1) % 4])
        article.people.add(people[i % 10])
        article.agreements.add(agreements[i % 6])
        Byline.objects.create(article=article, person=people[(i + 1) % 10])
        Byline.objects.create(article=article, person=people[(i + 2) % 10], order=1)
        make_quote(article=article, person=people[(i + 3) % 10])
        make_quote(article=article, person=people[(i + 4) % 10], order=1)
        articles.append(article)
    for article in articles[:10]:
        RelatedArticle.objects.create(article=article, related=articles[-1])
        RelatedArticle.objects.create(article=article, related=articles[-2], order=1)
    return {
        "articles": articles,
        "sections": sections,
        "universities": universities,
        "people": people,
        "agreements": agreements,
    }


def _pages(data):
    article = data["articles"][0]
    local = timezone.localtime(article.published_at)
    return {
        "home": "/",
        "index": reverse("articles:index"),
        "index-page-2": reverse("articles:index") + "?page=2",
        "article": article.get_absolute_url(),
        "section": data["sections"][0].get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "medicine"}),
        "archive-year": reverse("articles:archive-year", kwargs={"year": local.year}),
        "archive-month": reverse(
            "articles:archive-month", kwargs={"year": local.year, "month": local.month}
        ),
        "search": reverse("articles:search") + "?q=story",
        "institution-list": reverse("institutions:index"),
        "institution": data["universities"][0].get_absolute_url(),
        "person-list": reverse("institutions:person-list"),
        "person": data["people"][0].get_absolute_url(),
        "agreement-list": reverse("institutions:agreement-list"),
        "agreement": data["agreements"][0].get_absolute_url(),
    }


# Measured on SQLite and PostgreSQL alike, in the steady state a live site is
# in: the section navigation comes from the cache after the first request.
# Story lists page without counting (one query for the rows, one row more
# than shown to know whether there is an older page); pages with the article
# sidebar spend one more (latest stories; the month archive is cached until
# the next change). Search and the people, institution and agreement indexes
# still count (a bounded number of rows). The article page reads the story (1),
# bylines, quotes, people, agreements and tags (5), the speakers' positions
# (1: titles are derived from them on the story's date), its
# institutions with their family (1) and the related stories (1: the cached
# choice re-read through ``published()``, or the scoring on a first view).
# The institution page finds its whole family tree inside the stories query,
# and lists its people's newest quotes (1); the agreement page reads its
# renewals (1).
EXPECTED = {
    "home": 4,
    "index": 2,
    "index-page-2": 2,
    "article": 9,
    "section": 3,
    "tag": 3,
    "archive-year": 3,
    "archive-month": 3,
    "search": 4,
    "institution-list": 2,
    "institution": 6,
    "person-list": 3,
    "person": 5,
    "agreement-list": 4,
    "agreement": 6,
}
# The first view scores the related stories in the query that would
# otherwise re-read them, editors' picks included: no extra cost.
# Tags are one prefetch, the same idiom the feeds use (they rode in the
# article's row as a packed text column before: one query fewer, and a
# second way of reading tags).
ARTICLE_COLD = 9
# With no cache at all (``BENCH_CACHE=off``, or a cache server that is down):
# the navigation, the month archive and the page-cache bookkeeping are
# queries on every request. At most ten (the article page).
EXPECTED_UNCACHED = {
    "home": 6,
    "index": 4,
    "index-page-2": 4,
    "article": 10,
    "section": 5,
    "tag": 5,
    "archive-year": 5,
    "archive-month": 5,
    "search": 5,
    "institution-list": 3,
    "institution": 7,
    "person-list": 4,
    "person": 6,
    "agreement-list": 5,
    "agreement": 7,
}


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def test_each_page_type_runs_a_pinned_number_of_queries(client, big_newsroom):
    pages = _pages(big_newsroom)
    client.get("/")  # caches the section navigation
    cold_article = _count(client, pages["article"])
    measured = {page: _count(client, url) for page, url in pages.items()}

    assert cold_article == ARTICLE_COLD
    assert measured == EXPECTED
    assert max(measured.values()) <= 9


def test_pages_stay_within_ten_queries_with_no_cache_at_all(client, big_newsroom, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    pages = _pages(big_newsroom)
    measured = {page: _count(client, url) for page, url in pages.items()}

    assert measured == EXPECTED_UNCACHED
    assert max(measured.values()) <= 10


def test_query_counts_do_not_grow_with_more_data(client, big_newsroom):
    pages = _pages(big_newsroom)

    def measure():
        for url in pages.values():
            client.get(url)  # warm the caches, as on a live site
        return {page: _count(client, url) for page, url in pages.items()}

    before = measure()
    # Double the stories linked to every page's subject and measure again.
    data = big_newsroom
    for i in range(STORIES):
        extra = make_article(section=data["sections"][0], tags=["medicine", f"more-{i}"])
        extra.institutions.add(data["universities"][0])
        extra.people.add(data["people"][0])
        extra.agreements.add(data["agreements"][0])
        make_quote(article=extra, person=data["people"][0])
        Byline.objects.create(article=extra, person=data["people"][1])

    assert measure() == before
