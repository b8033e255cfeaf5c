"""Workflow notifications: who is told of a review request, a story sent back and a
publication, in the admin and by email, and what never breaks a save."""

import datetime
import json
import os
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import workflow
from articles.models import ArticleStatus
from articles.models_notifications import Notification, NotificationKind
from articles.notifications import article_live_notify
from tests.support.admin import save_change
from tests.support.factories import make_article, make_staff

pytestmark = pytest.mark.django_db

SITE = "https://news.example.ac.kr"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.NEWSROOM_NOTIFY_EMAIL = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the commit hooks of what it wraps, as a real
    commit would (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _rows(article):
    return sorted(
        (n.recipient.username, n.kind, n.actor.username if n.actor else None)
        for n in Notification.objects.filter(article=article).select_related("recipient", "actor")
    )


def _admin_address(article):
    return SITE + reverse("admin:articles_article_change", args=[article.pk])


def test_a_story_sent_for_review_notifies_every_active_editor_emailed_after_commit(
    django_capture_on_commit_callbacks,
):
    writer = make_staff("Writer")
    first, second = make_staff("Editor"), make_staff("Editor")
    make_staff("Editor", is_active=False)
    make_staff("Writer")
    article = make_article(status=ArticleStatus.DRAFT, created_by=writer)
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.article_submit_for_review(article=article, user=writer)
        # Nothing leaves before the commit: a rolled-back save sends nothing.
        assert mail.outbox == []
    assert _rows(article) == sorted(
        (editor.username, "review_requested", writer.username) for editor in (first, second)
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])


def test_review_request_emails_name_the_story_the_writer_and_the_admin_address(committed):
    writer = make_staff("Writer", first_name="Min-ji", last_name="Park")
    editor = make_staff("Editor")
    article = make_article(
        headline="Stroke unit opens", status=ArticleStatus.DRAFT, created_by=writer
    )
    with committed():
        workflow.article_submit_for_review(article=article, user=writer)
    [message] = mail.outbox
    assert message.to == [editor.email]
    assert message.subject == "[University Newsroom] Review requested: Stroke unit opens"
    assert "Min-ji Park sent “Stroke unit opens” for review." in message.body
    assert f"Open it in the admin: {_admin_address(article)}" in message.body
    assert message.content_subtype == "plain"


def test_an_editor_sending_a_story_back_to_draft_notifies_its_writer(editor_client, committed):
    writer = make_staff("Writer")
    article = make_article(
        headline="Dean named", status=ArticleStatus.REVIEW, created_by=writer, published_at=None
    )
    with committed():
        save_change(editor_client, article, status=ArticleStatus.DRAFT)
    assert _rows(article) == [(writer.username, "changes_requested", editor_client.user.username)]
    [message] = mail.outbox
    assert message.to == [writer.email]
    assert message.subject.endswith("Changes requested: Dean named")
    assert "sent “Dean named” back to draft: changes requested." in message.body
    assert _admin_address(article) in message.body


def test_a_writer_taking_their_own_story_back_from_review_notifies_nobody(writer_client, committed):
    article = make_article(
        status=ArticleStatus.REVIEW, created_by=writer_client.user, published_at=None
    )
    with committed():
        save_change(writer_client, article, status=ArticleStatus.DRAFT)
    assert article.status_changes.get().to_status == ArticleStatus.DRAFT
    assert _rows(article) == []
    assert mail.outbox == []


def test_publishing_notifies_the_writer_with_the_public_address(committed):
    writer, editor = make_staff("Writer"), make_staff("Editor")
    article = make_article(
        headline="MOU signed", status=ArticleStatus.REVIEW, created_by=writer, published_at=None
    )
    with committed():
        assert workflow.article_publish(article=article, user=editor) == {}
    assert _rows(article) == [(writer.username, "published", editor.username)]
    [message] = mail.outbox
    assert message.to == [writer.email]
    assert f"{editor.username} published “MOU signed”." in message.body
    assert f"Readers see it at {SITE}{article.get_absolute_url()}" in message.body
    assert _admin_address(article) in message.body


def test_nobody_is_told_of_their_own_act(committed):
    editor = make_staff("Editor")
    other_editor = make_staff("Editor")
    article = make_article(status=ArticleStatus.DRAFT, created_by=editor, published_at=None)
    with committed():
        workflow.article_submit_for_review(article=article, user=editor)
        workflow.article_publish(article=article, user=editor)
    # The other editor hears of the review request; the author, who published
    # it, hears of nothing.
    assert _rows(article) == [(other_editor.username, "review_requested", editor.username)]
    assert [m.to for m in mail.outbox] == [[other_editor.email]]


def test_no_email_when_the_setting_is_off_but_the_notice_stays(settings, committed):
    settings.NEWSROOM_NOTIFY_EMAIL = False
    writer, editor = make_staff("Writer"), make_staff("Editor")
    article = make_article(status=ArticleStatus.DRAFT, created_by=writer)
    with committed():
        workflow.article_submit_for_review(article=article, user=writer)
    assert _rows(article) == [(editor.username, "review_requested", writer.username)]
    assert mail.outbox == []


def test_no_email_for_someone_without_an_address(committed):
    writer = make_staff("Writer")
    silent, heard = make_staff("Editor", email=""), make_staff("Editor")
    article = make_article(status=ArticleStatus.DRAFT, created_by=writer)
    with committed():
        workflow.article_submit_for_review(article=article, user=writer)
    assert {n.recipient for n in Notification.objects.all()} == {silent, heard}
    assert [m.to for m in mail.outbox] == [[heard.email]]


def test_a_rolled_back_save_leaves_no_notice_and_sends_nothing(committed):
    writer = make_staff("Writer")
    make_staff("Editor")
    article = make_article(status=ArticleStatus.DRAFT, created_by=writer)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        workflow.article_submit_for_review(article=article, user=writer)
        raise RuntimeError("the save fails after the status change")
    assert not Notification.objects.exists()
    assert mail.outbox == []


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_mail_server_failure_is_logged_and_the_save_stands(
    settings, editor_client, caplog, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    writer = make_staff("Writer")
    article = make_article(status=ArticleStatus.REVIEW, created_by=writer, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = save_change(editor_client, article, status=ArticleStatus.DRAFT)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert Notification.objects.get().kind == NotificationKind.CHANGES_REQUESTED
    assert "Could not send 1 notification email(s)" in caplog.text


def test_publishing_several_stories_from_the_list_sends_one_email_each(editor_client, committed):
    writer = make_staff("Writer")
    stories = [
        make_article(status=ArticleStatus.REVIEW, created_by=writer, published_at=None)
        for _ in range(3)
    ]
    with committed():
        editor_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_selected", "_selected_action": [s.pk for s in stories]},
        )
    assert Notification.objects.filter(kind=NotificationKind.PUBLISHED).count() == 3
    assert sorted(m.subject for m in mail.outbox) == sorted(
        f"[University Newsroom] Published: {s.headline}" for s in stories
    )


def test_a_headline_with_a_line_break_still_makes_a_one_line_subject(committed):
    writer = make_staff("Writer")
    make_staff("Editor")
    article = make_article(headline="Two\nlines", status=ArticleStatus.DRAFT, created_by=writer)
    with committed():
        workflow.article_submit_for_review(article=article, user=writer)
    assert mail.outbox[0].subject == "[University Newsroom] Review requested: Two lines"


# A story that goes live later -----------------------------------------------------------


def _schedule(*, hours):
    writer, editor = make_staff("Writer"), make_staff("Editor")
    goes_live = timezone.now() + datetime.timedelta(hours=hours)
    article = make_article(
        headline="Embargoed study",
        status=ArticleStatus.REVIEW,
        created_by=writer,
        published_at=goes_live,
    )
    assert workflow.article_publish(article=article, user=editor) == {}
    return article, writer, editor, goes_live


def test_a_scheduled_story_tells_its_writer_when_it_goes_live(committed):
    with committed():
        article, writer, editor, goes_live = _schedule(hours=3)
    published = Notification.objects.get(kind=NotificationKind.PUBLISHED)
    assert published.recipient == writer
    assert "to go live at" in published.message()
    assert "It goes live at" in mail.outbox[0].body
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "articles.notifications.article_live_notify"
    assert queued.run_after == goes_live
    change = article.status_changes.get()

    article_live_notify.call(status_change_id=change.pk)
    assert not Notification.objects.filter(kind=NotificationKind.LIVE).exists()

    with committed(), time_machine.travel(goes_live + datetime.timedelta(minutes=1), tick=False):
        article_live_notify.call(status_change_id=change.pk)
        article_live_notify.call(status_change_id=change.pk)
    live = Notification.objects.get(kind=NotificationKind.LIVE)
    assert (live.recipient, live.actor) == (writer, editor)
    assert live.message() == f"“Embargoed study”, published by {editor.username}, is now live."
    assert [m.subject for m in mail.outbox][-1] == "[University Newsroom] Now live: Embargoed study"


def test_a_story_moved_later_waits_again_and_an_unpublished_one_is_never_announced():
    article, _writer, editor, goes_live = _schedule(hours=3)
    change = article.status_changes.get()
    article.published_at = goes_live + datetime.timedelta(days=1)
    article.save()
    with time_machine.travel(goes_live + datetime.timedelta(minutes=1), tick=False):
        article_live_notify.call(status_change_id=change.pk)
    assert not Notification.objects.filter(kind=NotificationKind.LIVE).exists()
    assert DBTaskResult.objects.filter(run_after=article.published_at).exists()

    assert workflow.article_unpublish(article=article, user=editor)
    with time_machine.travel(article.published_at + datetime.timedelta(minutes=1), tick=False):
        article_live_notify.call(status_change_id=change.pk)
    assert not Notification.objects.filter(kind=NotificationKind.LIVE).exists()


def test_scheduling_with_a_task_backend_that_cannot_wait_still_saves(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    article, writer, _editor, _goes_live = _schedule(hours=3)
    assert article.status == ArticleStatus.PUBLISHED
    assert Notification.objects.get().recipient == writer


# The admin list ---------------------------------------------------------------------


def test_administrators_read_every_notice_others_only_their_own(client):
    writer, editor = make_staff("Writer"), make_staff("Editor")
    article = make_article(headline="For the list")
    for recipient in (writer, editor):
        Notification.objects.create(
            recipient=recipient, article=article, kind=NotificationKind.PUBLISHED
        )
    changelist = reverse("admin:articles_notification_changelist")

    client.force_login(make_staff("Administrator"))
    page = client.get(changelist)
    assert page.status_code == 200
    assert {n.recipient for n in page.context["cl"].result_list} == {writer, editor}

    client.force_login(editor)
    page = client.get(changelist)
    assert [n.recipient for n in page.context["cl"].result_list] == [editor]
    assert b'value="delete_selected"' not in page.content
    assert client.get(reverse("admin:articles_notification_add")).status_code == 403
    theirs = Notification.objects.get(recipient=writer)
    response = client.get(reverse("admin:articles_notification_change", args=[theirs.pk]))
    assert response.status_code == 302  # "does not exist" for them, back to the index
    mine = Notification.objects.get(recipient=editor)
    response = client.post(
        reverse("admin:articles_notification_change", args=[mine.pk]), {"read_at": ""}
    )
    assert response.status_code == 403


def test_an_editor_deletes_a_story_that_has_notices(editor_client):
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)
    Notification.objects.create(
        recipient=make_staff("Writer"), article=article, kind=NotificationKind.REVIEW_REQUESTED
    )
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor_client.get(url).context["perms_lacking"] == set()
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not Notification.objects.exists()


# Settings --------------------------------------------------------------------------------


def _mail_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_"))}
    clean.update(env)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, newsroom.settings as s; "
            "print(json.dumps([s.MAILERS['default'], s.NEWSROOM_NOTIFY_EMAIL]))",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_development_prints_emails_and_production_sends_them_over_smtp():
    mailer, notify = _mail_settings()
    assert mailer == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    assert notify is True
    mailer, _notify = _mail_settings(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="news.example.ac.kr",
        DJANGO_EMAIL_HOST="smtp.example.ac.kr",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_USE_TLS="1",
    )
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] | {"password": ""} == {
        "host": "smtp.example.ac.kr",
        "port": 587,
        "username": "",
        "password": "",
        "use_tls": True,
        "timeout": 10,
    }


def test_the_backend_and_the_email_switch_come_from_the_environment():
    mailer, notify = _mail_settings(
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        NEWSROOM_NOTIFY_EMAIL="0",
    )
    assert mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert notify is False
