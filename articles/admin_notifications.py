"""The admin's list of notifications, and the address that marks them read.

Registered from ``ArticlesConfig.ready``. Notices are written by
``articles/notifications.py``, never by hand: the list is read-only.
Administrators (the ``view_notification`` permission) read everyone's, to
see who was told what; every other member of staff reads their own.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from articles.models_notifications import Notification
from newsroom.display import newsroom_time_display

VIEW_ALL_PERMISSION = "articles.view_notification"


class UnreadFilter(admin.SimpleListFilter):
    title = gettext_lazy("read")
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("1", gettext_lazy("Unread")), ("0", gettext_lazy("Read"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(read_at__isnull=self.value() == "1")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_local", "recipient", "kind", "story", "actor", "read_local"]
    list_display_links = None
    list_filter = ["kind", UnreadFilter]
    list_select_related = ["recipient", "article", "actor"]
    search_fields = ["article__headline", "recipient__username", "recipient__email"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm(VIEW_ALL_PERMISSION):
            return queryset
        return queryset.filter(recipient=request.user)

    def has_view_permission(self, request, obj=None):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.has_perm(VIEW_ALL_PERMISSION):
            return True
        return obj is None or obj.recipient_id == user.pk

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Never one by one: a story's notices go with the story (ArticleAdmin
        # get_deleted_objects lets them).
        return False

    @admin.display(description=gettext_lazy("created"), ordering="created_at")
    def created_local(self, notification):
        return newsroom_time_display(notification.created_at)

    @admin.display(description=gettext_lazy("read"), ordering="read_at")
    def read_local(self, notification):
        return newsroom_time_display(notification.read_at, missing=_("unread"))

    @admin.display(description=gettext_lazy("story"), ordering="article__headline")
    def story(self, notification):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[notification.article_id]),
            notification.article.headline,
        )

    def get_urls(self):
        mark_read = self.admin_site.admin_view(notifications_mark_read)
        return [
            path("mark-read/", mark_read, name="articles_notification_mark_read"),
            *super().get_urls(),
        ]


@require_POST
def notifications_mark_read(request):
    """Mark the signed-in person's unread notices read: all, or those posted as
    ``notification``. Anyone else's are never touched, whatever is posted."""
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    chosen = request.POST.getlist("notification")
    if chosen:
        if not all(_is_id(value) for value in chosen):
            messages.error(request, _("Those notifications could not be found; nothing changed."))
            return HttpResponseRedirect(reverse("admin:index"))
        unread = unread.filter(pk__in=[int(value) for value in chosen])
    marked = unread.update(read_at=timezone.now())
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", marked
        )
        % {"count": marked},
    )
    return HttpResponseRedirect(reverse("admin:index"))


def _is_id(value):
    # ASCII digits only ("²".isdigit() is true), and short enough for the
    # database's integer: a longer one would be an error there, not a miss.
    return value.isascii() and value.isdigit() and len(value) < 19
