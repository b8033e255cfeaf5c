"""The publication gate at its boundaries: status x publication time x embargo."""

import datetime
import itertools

import pytest
from django.utils import timezone

from articles.models import Article, ArticleStatus
from tests.support.factories import make_article

PAST = datetime.timedelta(minutes=-5)
FUTURE = datetime.timedelta(minutes=5)

CASES = [
    (status, published, embargo)
    for status, published, embargo in itertools.product(
        list(ArticleStatus), [PAST, FUTURE, None], [None, PAST, FUTURE]
    )
    # The database refuses a published article without a time (tested in test_models).
    if not (status == ArticleStatus.PUBLISHED and published is None)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "published_offset", "embargo_offset"), CASES)
def test_published_queryset_and_instance_twin_agree(status, published_offset, embargo_offset):
    now = timezone.now()
    article = make_article(
        status=status,
        published_at=now + published_offset if published_offset is not None else None,
        embargo_until=now + embargo_offset if embargo_offset is not None else None,
    )
    expected = (
        status == ArticleStatus.PUBLISHED
        and published_offset == PAST
        and embargo_offset in (None, PAST)
    )
    assert Article.objects.published(now=now).filter(pk=article.pk).exists() is expected
    assert article.is_published(now=now) is expected


@pytest.mark.django_db
def test_scheduled_article_becomes_public_when_its_time_passes(time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    article = make_article(published_at=start + datetime.timedelta(hours=1))
    assert not Article.objects.published().filter(pk=article.pk).exists()
    time_machine.move_to(start + datetime.timedelta(hours=1, seconds=1), tick=False)
    assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_embargo_keeps_published_article_hidden_until_it_lifts(time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    article = make_article(
        published_at=start - datetime.timedelta(hours=1),
        embargo_until=start + datetime.timedelta(hours=2),
    )
    assert not article.is_published()
    time_machine.move_to(start + datetime.timedelta(hours=2, seconds=1), tick=False)
    assert article.is_published()
    assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_publication_time_exactly_now_is_public():
    now = timezone.now()
    article = make_article(published_at=now, embargo_until=now)
    assert Article.objects.published(now=now).filter(pk=article.pk).exists()
    assert article.is_published(now=now)


@pytest.mark.django_db
def test_month_list_counts_only_public_stories_in_the_newsroom_time_zone():
    dt, tz = datetime, timezone
    utc = dt.UTC
    # 31 January 16:30 UTC is already 1 February in Seoul.
    make_article(published_at=dt.datetime(2024, 1, 31, 16, 30, tzinfo=utc))
    make_article(published_at=dt.datetime(2023, 6, 10, 9, tzinfo=utc))
    make_article(published_at=dt.datetime(2023, 6, 20, 9, tzinfo=utc))
    make_article(published_at=dt.datetime(2022, 3, 1, 9, tzinfo=utc), status=ArticleStatus.DRAFT)
    make_article(
        published_at=dt.datetime(2021, 5, 1, 9, tzinfo=utc),
        embargo_until=tz.now() + dt.timedelta(days=1),
    )
    make_article(published_at=tz.now() + dt.timedelta(days=40))

    months = Article.objects.published().months_newest_first(10)

    seoul = tz.get_current_timezone()
    assert months == [
        dt.datetime(2024, 2, 1, tzinfo=seoul),
        dt.datetime(2023, 6, 1, tzinfo=seoul),
    ]
    assert months == list(
        Article.objects.published().datetimes("published_at", "month", order="DESC")[:10]
    )
    assert Article.objects.published().months_newest_first(1) == months[:1]
