from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


def sign_in_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: what happened and for how long."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {**admin.site.each_context(request), "minutes": minutes}
    return render(request, "admin/locked_out.html", context, status=429)


def permission_denied(request, exception=None):
    """A refusal that says what the role may do (templates/403.html), in the admin's frame.

    Django's own handler renders without the admin site's context, so the
    page was headed "Django administration" and had no user links.
    """
    context = {**admin.site.each_context(request), "exception": str(exception or "")}
    return render(request, "403.html", context, status=403)
