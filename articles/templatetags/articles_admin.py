"""What the admin index shows the communications office beyond the model list."""

import datetime

from django import template
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.timesince import timesince

from articles import workflow
from articles.models import Article, ArticleStatus, ArticleStatusChange
from articles.models_notifications import Notification
from newsroom.display import newsroom_time_display, newsroom_zone_label

register = template.Library()

REVIEW_QUEUE_SHOWN = 20
DESK_SHOWN = 5
NOTIFICATIONS_SHOWN = 10
RECENT_WINDOW = datetime.timedelta(days=7)
VIEW_PERMISSION = "articles.view_article"


def _sent_back_condition(user):
    """A writer's drafts that an editor sent back from review (changes requested):
    the story's latest status change is review -> draft, by someone else."""
    latest = ArticleStatusChange.objects.filter(article=OuterRef("pk")).order_by(
        "-changed_at", "-pk"
    )
    return (
        Article.objects.annotate(
            last_from=Subquery(latest.values("from_status")[:1]),
            last_by=Subquery(latest.values("changed_by")[:1]),
        ),
        Q(created_by=user, status=ArticleStatus.DRAFT, last_from=ArticleStatus.REVIEW)
        & (Q(last_by__isnull=True) | ~Q(last_by=user.pk)),
    )


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def editor_desk(context):
    """The signed-in person's desk: their drafts and stories in review, the
    newsroom's latest live stories, what waits for them (the review queue for
    editors, stories sent back for writers) and their notifications.

    A fixed number of queries whatever the numbers of stories: one for the
    counts, one per list, two for the review queue (rows and count, as the
    queue defines itself in ``workflow.review_queue``) and two for the
    notifications (counts, rows). Pinned in tests/articles/test_dashboard.py.
    """
    request = context["request"]
    user = request.user
    if not (user.is_active and user.has_perm(VIEW_PERMISSION)):
        return {"shown": False}
    now = timezone.now()
    editor = workflow.user_can_publish(user)
    annotated, sent_back = _sent_back_condition(user)
    recent = Article.objects.published_condition(now=now) & Q(published_at__gte=now - RECENT_WINDOW)
    counts = annotated.filter(Q(created_by=user) | recent).aggregate(
        drafts=Count("pk", filter=Q(created_by=user, status=ArticleStatus.DRAFT)),
        in_review=Count("pk", filter=Q(created_by=user, status=ArticleStatus.REVIEW)),
        sent_back=Count("pk", filter=sent_back),
        recent=Count("pk", filter=recent),
    )
    mine = Article.objects.filter(created_by=user).select_related("section")
    desk = {
        "shown": True,
        "editor": editor,
        "drafts": list(
            mine.filter(status=ArticleStatus.DRAFT).order_by("-updated_at", "-pk")[:DESK_SHOWN]
        ),
        "drafts_count": counts["drafts"],
        "in_review": list(
            mine.filter(status=ArticleStatus.REVIEW).order_by("-updated_at", "-pk")[:DESK_SHOWN]
        ),
        "in_review_count": counts["in_review"],
        "recent": list(
            Article.objects.published(now=now)
            .select_related("section")
            .order_by("-published_at", "-pk")[:DESK_SHOWN]
        ),
        "recent_count": counts["recent"],
        "recent_days": RECENT_WINDOW.days,
    }
    if editor:
        queue = workflow.review_queue()
        desk["waiting"] = list(queue[:REVIEW_QUEUE_SHOWN])
        desk["waiting_count"] = queue.count()
    else:
        desk["waiting"] = list(
            annotated.filter(sent_back)
            .select_related("section", "updated_by")
            .order_by("-updated_at", "-pk")[:DESK_SHOWN]
        )
        desk["waiting_count"] = counts["sent_back"]
    desk.update(_notifications(user))
    return desk


def _notifications(user):
    mine = Notification.objects.filter(recipient=user)
    counts = mine.aggregate(total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
    rows = (
        mine.annotate(
            unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
        )
        .select_related("article", "actor")
        .order_by("-unread", "-created_at", "-pk")[:NOTIFICATIONS_SHOWN]
    )
    return {
        "notifications": [
            {"notification": n, "when": newsroom_time_display(n.created_at)} for n in rows
        ],
        "notifications_count": counts["total"],
        "unread_count": counts["unread"],
    }


SCHEDULE_WINDOW = datetime.timedelta(days=7)
SCHEDULE_SHOWN = 20


@register.inclusion_tag("admin/articles/publication_schedule.html", takes_context=True)
def publication_schedule(context):
    """For editors: what goes live or lifts its embargo in the next 7 days, and stories
    in review whose planned publication time has passed. Two queries.

    A published story goes live at the later of its publication time and its
    embargo end, which may fall after the week even when one of them is in it;
    the list shows all three times. One row more than shown is read to know
    whether there are more.
    """
    user = context["request"].user
    if not workflow.user_can_publish(user):
        return {"shown": False}
    now = timezone.now()
    end = now + SCHEDULE_WINDOW
    upcoming = list(
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .filter(
            Q(published_at__gt=now, published_at__lte=end)
            | Q(embargo_until__gt=now, embargo_until__lte=end)
        )
        .annotate(goes_live=Greatest("published_at", Coalesce("embargo_until", "published_at")))
        .select_related("section")
        .order_by("goes_live", "pk")[: SCHEDULE_SHOWN + 1]
    )
    overdue = list(
        Article.objects.filter(status=ArticleStatus.REVIEW, published_at__lte=now)
        .select_related("section", "created_by")
        .order_by("published_at", "pk")[: SCHEDULE_SHOWN + 1]
    )
    return {
        "shown": True,
        "zone": newsroom_zone_label(now),
        "upcoming": [
            {
                "article": article,
                "goes_live": newsroom_time_display(article.goes_live),
                "goes_live_this_week": article.goes_live <= end,
                "published_at": newsroom_time_display(article.published_at),
                "embargo_until": newsroom_time_display(article.embargo_until),
            }
            for article in upcoming[:SCHEDULE_SHOWN]
        ],
        "upcoming_more": len(upcoming) > SCHEDULE_SHOWN,
        "overdue": [
            {
                "article": article,
                "planned": newsroom_time_display(article.published_at),
                "late_by": timesince(article.published_at, now),
            }
            for article in overdue[:SCHEDULE_SHOWN]
        ],
        "overdue_more": len(overdue) > SCHEDULE_SHOWN,
    }
