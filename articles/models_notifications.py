"""Notices to staff about a story's workflow, shown in the admin and sent by email.

Written by ``articles/notifications.py`` from the status-change record;
``articles/models.py`` imports the model so that Django finds it in the app.
Nothing here imports ``articles.models``: that module imports this one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsroom.display import newsroom_time_display


class NotificationKind(models.TextChoices):
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    # A story published for a later time (scheduled or under embargo)
    # reaches readers without any status change; its writer hears of it then.
    LIVE = "live", _("Now live")


def user_display(user):
    """How a notice names a colleague: the full name, else the user name."""
    if user is None:
        return gettext("Someone")
    return user.get_full_name() or user.get_username()


class Notification(models.Model):
    """One notice for one person about one story."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The dashboard: one person's notices, newest first, and the
            # count of those still unread.
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.message()

    def message(self):
        """One sentence saying who did what; reads ``actor`` and ``article``."""
        who = user_display(self.actor)
        headline = self.article.headline
        if self.kind == NotificationKind.REVIEW_REQUESTED:
            text = gettext("%(who)s sent “%(headline)s” for review.")
        elif self.kind == NotificationKind.CHANGES_REQUESTED:
            text = gettext("%(who)s sent “%(headline)s” back to draft: changes requested.")
        elif self.kind == NotificationKind.PUBLISHED:
            goes_live = article_goes_live(self.article)
            if goes_live is not None and goes_live > self.created_at:
                return gettext("%(who)s scheduled “%(headline)s” to go live at %(when)s.") % {
                    "who": who,
                    "headline": headline,
                    "when": newsroom_time_display(goes_live),
                }
            text = gettext("%(who)s published “%(headline)s”.")
        else:
            text = gettext("“%(headline)s”, published by %(who)s, is now live.")
        return text % {"who": who, "headline": headline}


def article_goes_live(article):
    """When a published story reaches readers: its publication time or its
    embargo's end, whichever is later (None without a publication time)."""
    if article.published_at is None:
        return None
    if article.embargo_until is None:
        return article.published_at
    return max(article.published_at, article.embargo_until)
