"""The editorial workflow: who may do what to a story, and the record of it.

Writers draft and submit; editors publish, schedule, embargo and unpublish.
The rules live here as plain functions so that the admin forms, the admin
actions and the tests all ask the same questions.
"""

import datetime
import zoneinfo

import reversion
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from articles.models import Article, ArticleStatus, ArticleStatusChange, ArticleURL

PUBLISH_PERMISSION = "articles.publish_article"
CHANGE_PERMISSION = "articles.change_article"
WRITER_EDITABLE = (ArticleStatus.DRAFT, ArticleStatus.REVIEW)
# Fields only a user with the publish permission may set or change.
PUBLISHING_FIELDS = ("published_at", "embargo_until")


def user_can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def article_editable_by(article, user):
    """Editors edit anything; writers only their own unpublished stories."""
    if not user.is_active or not user.has_perm(CHANGE_PERMISSION):
        return False
    if user_can_publish(user):
        return True
    return article.created_by_id == user.pk and article.status in WRITER_EDITABLE


def article_publish_problems(article):
    """Field name -> message for everything that keeps ``article`` from going out."""
    problems = {}
    if not (article.headline or "").strip():
        problems["headline"] = _("A published story needs a headline.")
    if not strip_tags(article.body or "").strip():
        problems["body"] = _("A published story needs a body.")
    if not article.section_id:
        problems["section"] = _("Choose a section before publishing.")
    if article.lead_image and not (article.lead_image_alt or "").strip():
        problems["lead_image_alt"] = _("Describe the lead image for readers who cannot see it.")
    return problems


def status_change_record(*, article, from_status, user, when=None):
    """Note a status change; a save that keeps the status records nothing."""
    if from_status == article.status:
        return None
    return ArticleStatusChange.objects.create(
        article=article,
        from_status=from_status or "",
        to_status=article.status,
        changed_by=user if user and user.is_authenticated else None,
        changed_at=when or timezone.now(),
    )


def _article_save(article, *, user, comment, from_status):
    article.updated_by = user
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        article.save()
        status_change_record(article=article, from_status=from_status, user=user)


def article_publish(*, article, user, now=None):
    """Publish now (or at the time already set); return the problems if refused."""
    if not user_can_publish(user):
        return {"status": _("You may not publish stories.")}
    problems = article_publish_problems(article)
    if problems:
        return problems
    from_status = article.status
    article.status = ArticleStatus.PUBLISHED
    article.published_at = article.published_at or now or timezone.now()
    _article_save(article, user=user, comment=_("Published."), from_status=from_status)
    return {}


def article_unpublish(*, article, user):
    """Back to draft; the story leaves the public site at once."""
    if not user_can_publish(user):
        return False
    if article.status == ArticleStatus.DRAFT:
        return False
    from_status = article.status
    article.status = ArticleStatus.DRAFT
    _article_save(
        article, user=user, comment=_("Unpublished (back to draft)."), from_status=from_status
    )
    return True


def article_submit_for_review(*, article, user):
    """A draft goes to the editors' review queue."""
    if article.status != ArticleStatus.DRAFT or not article_editable_by(article, user):
        return False
    article.status = ArticleStatus.REVIEW
    _article_save(
        article, user=user, comment=_("Submitted for review."), from_status=ArticleStatus.DRAFT
    )
    return True


def review_queue():
    """Stories waiting for an editor, the longest-waiting first."""
    return (
        Article.objects.filter(status=ArticleStatus.REVIEW)
        .select_related("section", "updated_by", "created_by")
        .order_by("updated_at", "pk")
    )


def newsroom_zone_label(moment=None):
    """The newsroom's zone as editors should read it, e.g. "Asia/Seoul (KST)"."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    abbreviation = (moment or timezone.now()).astimezone(zone).tzname()
    return f"{settings.TIME_ZONE} ({abbreviation})"


def newsroom_time_display(moment):
    """A stored time in the newsroom's zone with the zone named, for editors."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} {newsroom_zone_label(moment)}"


class ArticleMoved(Exception):
    """Raised by a detail view that found the story under an older address."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


def article_for_old_url(queryset, *, year, month, day, slug, **kwargs):
    """The article from ``queryset`` that once lived at this date and slug.

    ``queryset`` is the caller's visibility rule (``published()`` for the
    public), so an old address never reveals a story the new one would not.
    """
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return None
    old = ArticleURL.objects.filter(slug=slug).order_by("-retired_at", "-pk")
    exact = old.filter(date=date).values_list("article_id", flat=True).first()
    if exact is None:
        # Same slug, other date: the story was re-dated and kept its slug.
        exact = old.values_list("article_id", flat=True).first()
    if exact is None:
        return None
    return queryset.filter(pk=exact).first()
