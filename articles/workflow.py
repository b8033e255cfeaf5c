"""The editorial workflow: who may do what to a story, and the record of it.

Writers draft and submit; editors publish, schedule, embargo and unpublish.
The rules live here as plain functions so that the admin forms, the admin
actions and the tests all ask the same questions.
"""

import datetime

from django.db import transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, ArticleStatus, ArticleStatusChange, ArticleURL
from newsroom import revisions

PUBLISH_PERMISSION = "articles.publish_article"
CHANGE_PERMISSION = "articles.change_article"
WRITER_EDITABLE = (ArticleStatus.DRAFT, ArticleStatus.REVIEW)
# Fields only a user with the publish permission may set or change.
PUBLISHING_FIELDS = ("published_at", "embargo_until")
# What decides whether a story is public; a restore leaves them alone unless
# an editor asks for them back.
PUBLICATION_STATE = ("status", *PUBLISHING_FIELDS)
RESTORE_PUBLICATION_STATE = "restore_publication_state"


def user_can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def article_editable_by(article, user):
    """Editors edit anything; writers only their own unpublished stories."""
    if not user.is_active or not user.has_perm(CHANGE_PERMISSION):
        return False
    if user_can_publish(user):
        return True
    return article.created_by_id == user.pk and article.status in WRITER_EDITABLE


def article_draft_editable_by(article, user):
    """Who may prepare draft changes to a live story (articles.live_drafts).

    Editors, for any story; a writer, for a story they created. Bylines name
    people in the directory, not accounts, so they cannot say which writer
    wrote a story. Publishing the changes stays with the editors.
    """
    if not user.is_active or not user.has_perm(CHANGE_PERMISSION):
        return False
    return user_can_publish(user) or article.created_by_id == user.pk


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
    with transaction.atomic(), revisions.recorded(user=user, comment=comment):
        article.save()
        status_change_record(article=article, from_status=from_status, user=user)


def article_publish(*, article, user, now=None):
    """Publish now (or at the time already set); return the problems if refused."""
    if not user_can_publish(user):
        return {"status": _("You may not publish stories.")}
    problems = article.publish_problems()
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


def article_restore_keeps(*, article, user, restore_publication_state=False):
    """The fields a restore of ``article`` by ``user`` keeps as they are now.

    Restoring brings back words, quotes and tags; the status and the
    publication times stay, so an old revision can neither take a live story
    offline nor put a draft online. An editor may tick the option to bring
    those back too; a writer who asks is refused (None).
    """
    if not restore_publication_state:
        return PUBLICATION_STATE
    if not user_can_publish(user):
        return None
    return ()


# Where a story stands for readers: the admin list shows and filters by it.
PUBLIC_STATES = {
    "draft": gettext_lazy("Draft"),
    "review": gettext_lazy("In review"),
    "scheduled": gettext_lazy("Scheduled"),
    "embargoed": gettext_lazy("Embargoed"),
    "live": gettext_lazy("Live"),
}


def article_state(article, *, now=None):
    """One of PUBLIC_STATES for ``article``, from the same rule as ``published()``."""
    now = now or timezone.now()
    if article.status == ArticleStatus.DRAFT:
        return "draft"
    if article.status == ArticleStatus.REVIEW:
        return "review"
    if article.is_published(now=now):
        return "live"
    if article.embargo_until is not None and article.embargo_until > now:
        return "embargoed"
    return "scheduled"


def articles_in_state(queryset, state, *, now=None):
    """The stories of ``queryset`` in one of PUBLIC_STATES."""
    now = now or timezone.now()
    published = queryset.filter(status=ArticleStatus.PUBLISHED)
    if state == "live":
        return queryset.published(now=now)
    if state == "embargoed":
        return published.filter(embargo_until__gt=now)
    if state == "scheduled":
        return published.filter(published_at__gt=now).exclude(embargo_until__gt=now)
    return queryset.filter(status=state)


def review_queue():
    """Stories waiting for an editor, the longest-waiting first.

    Drafts in review, and live stories whose draft changes a writer has
    submitted (``changes_submitted``), waiting since the submission.
    """
    submitted = Q(live_draft__submitted_for_review=True)
    return (
        Article.objects.filter(Q(status=ArticleStatus.REVIEW) | submitted)
        .annotate(
            changes_submitted=ExpressionWrapper(submitted, output_field=BooleanField()),
            waiting_since=Case(
                When(status=ArticleStatus.REVIEW, then=F("updated_at")),
                default=F("live_draft__submitted_at"),
            ),
        )
        .select_related("section", "updated_by", "created_by")
        .order_by("waiting_since", "pk")
    )


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
    except (ValueError, OverflowError):
        return None
    old = ArticleURL.objects.filter(slug=slug).order_by("-retired_at", "-pk")
    exact = old.filter(date=date).values_list("article_id", flat=True).first()
    if exact is None:
        # Same slug, other date: the story was re-dated and kept its slug.
        exact = old.values_list("article_id", flat=True).first()
    if exact is None:
        return None
    return queryset.filter(pk=exact).first()
