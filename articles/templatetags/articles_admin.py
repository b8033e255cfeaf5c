"""What the admin index shows the communications office beyond the model list."""

import datetime

from django import template
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.timesince import timesince

from articles import workflow
from articles.models import Article, ArticleStatus
from newsroom.display import newsroom_time_display, newsroom_zone_label

register = template.Library()

REVIEW_QUEUE_SHOWN = 20


@register.inclusion_tag("admin/articles/review_queue.html", takes_context=True)
def review_queue(context):
    """The editors' review queue, longest-waiting first; nothing for writers."""
    user = context["request"].user
    if not workflow.user_can_publish(user):
        return {"shown": False}
    queue = workflow.review_queue()
    return {"shown": True, "queue": queue[:REVIEW_QUEUE_SHOWN], "count": queue.count()}


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
