"""The publication gate at its boundaries: status x publication time x embargo."""

import datetime
import itertools

import pytest
from django.utils import timezone

from articles.models import Article, ArticleStatus
from tests.factories import make_article

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
