"""Who hears of a story's workflow, in the admin and by email.

Every workflow transition writes an ``ArticleStatusChange`` row
(``articles.workflow.status_change_record``); ``status_change_notify``
listens for new rows (connected in ``ArticlesConfig.ready``), so every path
that changes a status, the change form, the list actions and the workflow
functions alike, notifies the same people:

- a story sent for review: everyone who may publish (the editors);
- a story in review sent back to draft by someone else: its writer;
- a story published: its writer; if it goes live later (scheduled or under
  embargo), the writer hears again when it does, from the task worker.

Nobody is told of their own act. The notices are rows in the same
transaction as the change; the emails leave only after it commits, so a
rolled-back save sends nothing and a mail server's failure never undoes one.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import ArticleStatus, ArticleStatusChange
from articles.models_notifications import (
    Notification,
    NotificationKind,
    article_goes_live,
    user_display,
)
from newsroom.display import newsroom_time_display

logger = logging.getLogger(__name__)

PUBLISH_PERMISSION = "articles.publish_article"
# Our permissions live in the database; the first backend (django-axes) holds none.
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def editors():
    """Active staff who may publish: the people a review request goes to."""
    return (
        get_user_model()
        .objects.with_perm(PUBLISH_PERMISSION, backend=PERMISSION_BACKEND)
        .filter(is_staff=True)
        .order_by("pk")
    )


def _writer(article):
    if article.created_by_id is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(pk=article.created_by_id, is_active=True)


def status_change_kind(change):
    """The kind of notice a status change calls for, or None."""
    if change.to_status == ArticleStatus.REVIEW:
        return NotificationKind.REVIEW_REQUESTED
    if change.to_status == ArticleStatus.PUBLISHED:
        return NotificationKind.PUBLISHED
    if (
        change.from_status == ArticleStatus.REVIEW
        and change.to_status == ArticleStatus.DRAFT
        and change.changed_by_id != change.article.created_by_id
    ):
        return NotificationKind.CHANGES_REQUESTED
    return None


def notifications_create(*, article, kind, actor, recipients, when=None):
    """Notices of ``kind`` for ``recipients`` but ``actor``, and their emails after commit."""
    actor_id = actor.pk if actor is not None else None
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=recipient,
            article=article,
            kind=kind,
            actor=actor,
            created_at=when or timezone.now(),
        )
        for recipient in recipients
        if recipient.pk != actor_id
    )
    if settings.NEWSROOM_NOTIFY_EMAIL:
        emails_send_after_commit(
            [notification_email(n) for n in notifications if n.recipient.email]
        )
    return notifications


def status_change_notify(sender, instance, created, raw=False, **kwargs):
    """post_save of ``ArticleStatusChange``: notify for new rows only."""
    if raw or not created:
        return
    change = instance
    article = change.article
    kind = status_change_kind(change)
    if kind is None:
        return
    recipients = editors() if kind == NotificationKind.REVIEW_REQUESTED else _writer(article)
    notifications_create(
        article=article,
        kind=kind,
        actor=change.changed_by,
        recipients=list(recipients),
        when=change.changed_at,
    )
    if kind == NotificationKind.PUBLISHED:
        _live_notice_plan(article=article, change=change)


# Going live later ------------------------------------------------------------


def _live_notice_plan(*, article, change):
    goes_live = article_goes_live(article)
    if goes_live is None or goes_live <= change.changed_at:
        return
    if article.created_by_id is None or article.created_by_id == change.changed_by_id:
        return
    if not article_live_notify.get_backend().supports_defer:
        # An immediate backend (some test setups) cannot wait; the writer
        # has the "scheduled" notice, which names the time.
        return
    # Inside the save's transaction: the task is committed, or rolled back,
    # together with the status change (django-tasks-db).
    article_live_notify.using(run_after=goes_live).enqueue(status_change_id=change.pk)


@task
def article_live_notify(*, status_change_id):
    """When a scheduled or embargoed story reaches readers, tell its writer.

    Does nothing if the story has changed status since (a later change plans
    its own notice) or was already announced as live; a story whose time was
    moved later waits again, until the new time.
    """
    change = (
        ArticleStatusChange.objects.select_related("article", "changed_by")
        .filter(pk=status_change_id)
        .first()
    )
    if change is None:
        return
    article = change.article
    latest = article.status_changes.order_by("-changed_at", "-pk").values_list("pk", flat=True)
    if latest.first() != change.pk or article.status != ArticleStatus.PUBLISHED:
        return
    if not article.is_published():
        goes_live = article_goes_live(article)
        if goes_live is not None:
            article_live_notify.using(run_after=goes_live).enqueue(status_change_id=change.pk)
        return
    already = Notification.objects.filter(
        article=article, kind=NotificationKind.LIVE, created_at__gte=change.changed_at
    )
    if already.exists():
        return
    with transaction.atomic():
        notifications_create(
            article=article,
            kind=NotificationKind.LIVE,
            actor=change.changed_by,
            recipients=list(_writer(article)),
        )


# Email -------------------------------------------------------------------------


def admin_change_url(article):
    """The story's change page on the site's own address (settings.SITE_URL)."""
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


SUBJECTS = {
    NotificationKind.REVIEW_REQUESTED: gettext_lazy("Review requested: %(headline)s"),
    NotificationKind.CHANGES_REQUESTED: gettext_lazy("Changes requested: %(headline)s"),
    NotificationKind.PUBLISHED: gettext_lazy("Published: %(headline)s"),
    NotificationKind.LIVE: gettext_lazy("Now live: %(headline)s"),
}


def notification_email(notification):
    """The plain-text message for one notice (not sent here)."""
    article = notification.article
    lines = [notification.message(), ""]
    if notification.kind in (NotificationKind.PUBLISHED, NotificationKind.LIVE):
        goes_live = article_goes_live(article)
        if article.is_published():
            lines.append(_("Readers see it at %(url)s") % {"url": _public_url(article)})
        elif goes_live is not None:
            lines.append(
                _("It goes live at %(when)s.") % {"when": newsroom_time_display(goes_live)}
            )
    lines.append(_("Open it in the admin: %(url)s") % {"url": admin_change_url(article)})
    lines += [
        "",
        "-- ",
        _(
            "%(newsroom)s sends this to %(who)s because of their part in the story; "
            "the admin's home page lists every notice."
        )
        % {"newsroom": settings.NEWSROOM_NAME, "who": user_display(notification.recipient)},
    ]
    subject = str(SUBJECTS[notification.kind]) % {"headline": article.headline}
    return mail.EmailMessage(
        # A line break in a header is refused (BadHeaderError); imported
        # headlines may carry one.
        subject=" ".join(f"[{settings.NEWSROOM_NAME}] {subject}".split()),
        body="\n".join(lines) + "\n",
        to=[notification.recipient.email],
    )


def _public_url(article):
    return settings.SITE_URL + article.get_absolute_url()


def emails_send(messages):
    """Send ``messages`` over one connection; a mail server's failure is logged, not raised."""
    try:
        mail.mailers.default.send_messages(messages)
    except (smtplib.SMTPException, OSError, mail.InvalidMailer):
        # The story is saved; a mail server that is down or refuses, or a
        # mistyped DJANGO_EMAIL_BACKEND, must not turn that into an error
        # page. The notices stay in the admin.
        logger.exception("Could not send %d notification email(s)", len(messages))


class _Outbox(list):
    """The messages of one transaction, sent together once it commits."""

    sent = False

    def send(self):
        self.sent = True
        emails_send(list(self))


def emails_send_after_commit(messages):
    """Send ``messages`` once the current transaction commits (at once outside one).

    One outbox per transaction, so publishing twenty stories from the list
    opens one connection to the mail server, not twenty.
    """
    if not messages:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        emails_send(messages)
        return
    for _savepoints, hook, _robust in connection.run_on_commit:
        outbox = getattr(hook, "__self__", None)
        if isinstance(outbox, _Outbox) and not outbox.sent:
            outbox.extend(messages)
            return
    outbox = _Outbox(messages)
    transaction.on_commit(outbox.send)
