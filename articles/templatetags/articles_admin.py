"""What the admin index shows the communications office beyond the model list."""

from django import template

from articles import workflow

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
