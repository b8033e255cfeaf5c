"""Large lead images get their renditions from the task worker, not the request.

With the dummy backend the task waits as it would for ``db_worker``: the
page shows no lead image (never the original) until the task has run, then
the ``<picture>`` with its ``srcset``.
"""

import pytest
from django.tasks import TaskResultStatus, default_task_backend
from django.urls import reverse

from articles.models import Article, article_renditions_task
from tests.support.factories import make_article
from tests.support.images import jpeg_with_gps

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def queued(settings):
    """Tasks are only queued; the threshold is low enough for small test images."""
    settings.TASKS = DUMMY
    settings.NEWSROOM_RENDITIONS_INLINE_PIXELS = 1_000_000
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def large_story():
    # 1,500 × 1,000 = 1.5 MP: above the 1 MP threshold of these tests.
    return make_article(lead_image=jpeg_with_gps(size=(1500, 1000)), lead_image_alt="A crowd")


def test_a_large_image_is_queued_and_the_page_shows_no_image_meanwhile(client, queued):
    article = large_story()

    (result,) = queued.results
    assert result.task.func is article_renditions_task.func
    assert result.kwargs == {"article_id": article.pk, "source_name": article.lead_image.name}
    assert result.status == TaskResultStatus.READY
    article.refresh_from_db()
    assert article.lead_image_renditions == []
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<picture>" not in page
    assert "og:image" not in page
    assert "A crowd" not in page  # no <img alt>, no empty figure
    assert "originals/" not in page
    feed = client.get(reverse("feeds:latest")).content.decode()
    assert "<enclosure" not in feed
    assert "originals/" not in feed


def test_after_the_task_runs_the_page_shows_the_srcset(client, queued):
    article = large_story()
    (result,) = queued.results

    result.task.call(*result.args, **result.kwargs)

    article.refresh_from_db()
    assert {item["width"] for item in article.lead_image_renditions} == {480, 800, 1200, 1500}
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<picture><source type="image/webp" srcset="/media/renditions/' in page
    assert "/w1500.jpg 1500w" in page
    assert 'alt="A crowd"' in page
    assert "og:image" in page


def test_an_image_at_or_below_the_threshold_is_rendered_in_the_request(queued, settings):
    settings.NEWSROOM_RENDITIONS_INLINE_PIXELS = 1500 * 1000

    article = large_story()

    assert queued.results == []
    article.refresh_from_db()
    assert len(article.lead_image_renditions) == 8


def test_saves_while_the_task_waits_do_not_show_the_previous_image(queued):
    article = make_article(lead_image=jpeg_with_gps(size=(600, 400)), lead_image_alt="Small")
    assert article.lead_image_renditions

    article.lead_image = jpeg_with_gps(size=(1500, 1000), name="large.jpg")
    article.save()
    article.headline = "Edited while the worker is busy"
    article.save()

    article.refresh_from_db()
    assert article.lead_image_renditions == []
    # Each such save queues the task again; the first run does the work.
    first, second = queued.results
    first.task.call(**first.kwargs)
    article.refresh_from_db()
    made = article.lead_image_renditions
    assert made
    second.task.call(**second.kwargs)
    article.refresh_from_db()
    assert article.lead_image_renditions == made


def test_a_task_for_an_image_since_replaced_does_nothing(queued):
    article = large_story()
    (stale,) = queued.results
    Article.objects.filter(pk=article.pk).update(lead_image="")

    stale.task.call(**stale.kwargs)

    article.refresh_from_db()
    assert article.lead_image_renditions == []


def test_with_the_immediate_backend_large_images_are_ready_after_the_save(settings):
    settings.TASKS = IMMEDIATE
    settings.NEWSROOM_RENDITIONS_INLINE_PIXELS = 1_000_000

    article = large_story()

    article.refresh_from_db()
    assert len(article.lead_image_renditions) == 8
