"""Scheduling, embargoes, status records and the publish checks, with a moving clock."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleStatus
from tests.support.admin import admin_form_data
from tests.support.factories import image_upload, make_article, make_staff

START = datetime.datetime(2026, 11, 2, 0, 0, tzinfo=datetime.UTC)


def _public(client, article):
    return client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_scheduled_story_goes_live_when_the_clock_passes_its_time(client):
    with time_machine.travel(START, tick=False) as clock:
        article = make_article(published_at=START + datetime.timedelta(hours=2))
        assert not _public(client, article)
        assert not Article.objects.published().filter(pk=article.pk).exists()
        clock.move_to(START + datetime.timedelta(hours=1, minutes=59, seconds=59))
        assert not _public(client, article)
        clock.move_to(START + datetime.timedelta(hours=2))
        assert _public(client, article)
        assert article.is_published()


@pytest.mark.django_db
def test_embargo_holds_a_published_story_until_it_lifts(client):
    with time_machine.travel(START, tick=False) as clock:
        article = make_article(
            published_at=START - datetime.timedelta(days=1),
            embargo_until=START + datetime.timedelta(hours=6),
        )
        assert article.status == ArticleStatus.PUBLISHED
        assert not _public(client, article)
        clock.move_to(START + datetime.timedelta(hours=5, minutes=59))
        assert not _public(client, article)
        assert not article.is_published()
        clock.move_to(START + datetime.timedelta(hours=6))
        assert _public(client, article)


@pytest.mark.django_db
def test_editor_schedules_through_the_admin_and_the_story_appears_on_time(client, editor_client):
    with time_machine.travel(START, tick=False) as clock:
        article = make_article(status=ArticleStatus.REVIEW, published_at=None)
        url = reverse("admin:articles_article_change", args=[article.pk])
        go_live = timezone.localtime(START + datetime.timedelta(days=1))
        data = admin_form_data(
            editor_client.get(url),
            status="published",
            published_at_0=f"{go_live:%Y-%m-%d}",
            published_at_1=f"{go_live:%H:%M:%S}",
        )
        assert editor_client.post(url, data).status_code == 302
        article.refresh_from_db()
        assert article.is_scheduled
        assert not _public(client, article)
        clock.move_to(START + datetime.timedelta(days=1, seconds=1))
        assert _public(client, article)


@pytest.mark.django_db
def test_every_status_change_records_who_and_when():
    editor = make_staff("Editor")
    article = make_article(status=ArticleStatus.REVIEW, published_at=None)
    with time_machine.travel(START, tick=False):
        assert workflow.article_publish(article=article, user=editor) == {}
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        assert workflow.article_unpublish(article=article, user=editor)
    changes = list(article.status_changes.order_by("changed_at"))
    assert [(c.from_status, c.to_status, c.changed_by, c.changed_at) for c in changes] == [
        ("review", "published", editor, START),
        ("published", "draft", editor, START + datetime.timedelta(hours=1)),
    ]


@pytest.mark.django_db
def test_publish_action_refuses_incomplete_stories_and_names_them(editor_client):
    ready = make_article(status=ArticleStatus.REVIEW, published_at=None)
    no_body = make_article(headline="No body", body="<p> </p>", status=ArticleStatus.REVIEW)
    no_alt = make_article(
        headline="No alt", lead_image=image_upload(), lead_image_alt="", status=ArticleStatus.REVIEW
    )
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, no_body.pk, no_alt.pk]},
        follow=True,
    )
    notes = " ".join(str(m) for m in response.context["messages"])
    assert "Published 1 article." in notes
    assert "No body" in notes and "needs a body" in notes
    assert "No alt" in notes and "Describe the lead image" in notes
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses[ready.pk] == "published"
    assert statuses[no_body.pk] == statuses[no_alt.pk] == "review"


@pytest.mark.django_db
def test_publish_action_records_status_changes_and_a_revision(editor_client):
    from reversion.models import Version

    article = make_article(status=ArticleStatus.REVIEW, published_at=None)
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    assert article.status_changes.get().changed_by == editor_client.user
    assert Version.objects.get_for_object(article).count() == 1


@pytest.mark.django_db
def test_unpublish_action_takes_stories_down_at_once(client, editor_client):
    article = make_article()
    assert Article.objects.published().filter(pk=article.pk).exists()
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )
    assert not _public(client, article)
    assert article.status_changes.get().to_status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"body": "<p></p>"}, "body", "needs a body"),
        ({"headline": ""}, "headline", "required"),
        ({"section": ""}, "section", "required"),
    ],
)
def test_publishing_through_the_form_needs_headline_body_and_section(
    editor_client, changes, field, message
):
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)
    url = reverse("admin:articles_article_change", args=[article.pk])
    now = timezone.localtime()
    data = admin_form_data(
        editor_client.get(url),
        status="published",
        published_at_0=f"{now:%Y-%m-%d}",
        published_at_1=f"{now:%H:%M:%S}",
        **changes,
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


@pytest.mark.django_db
def test_publishing_a_lead_image_without_alt_text_is_refused(editor_client):
    article = make_article(
        status=ArticleStatus.DRAFT, published_at=None, lead_image=image_upload(), lead_image_alt="x"
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    now = timezone.localtime()
    data = admin_form_data(
        editor_client.get(url),
        status="published",
        lead_image_alt="",
        published_at_0=f"{now:%Y-%m-%d}",
        published_at_1=f"{now:%H:%M:%S}",
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "lead_image_alt" in response.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_publish_problems_without_a_database():
    empty = Article(headline=" ", body="<p> </p>", lead_image="x.jpg", lead_image_alt="")
    assert set(empty.publish_problems()) == {
        "headline",
        "body",
        "section",
        "lead_image_alt",
    }
    ready = Article(headline="Ready", body="<p>Text.</p>", section_id=1)
    assert ready.publish_problems() == {}


@pytest.mark.django_db
def test_review_queue_lists_waiting_stories_oldest_first():
    with time_machine.travel(START, tick=False) as clock:
        older = make_article(status=ArticleStatus.REVIEW, published_at=None)
        clock.shift(datetime.timedelta(hours=1))
        newer = make_article(status=ArticleStatus.REVIEW, published_at=None)
        make_article(status=ArticleStatus.DRAFT, published_at=None)
    assert list(workflow.review_queue()) == [older, newer]
