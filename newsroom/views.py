from django.conf import settings
from django.contrib import admin
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
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


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check: what happened and what to do, never Django's details.

    Django's own page ("Forbidden (403) CSRF verification failed") named the
    check and, with DEBUG on, its internals; an editor whose page had been
    open since before they signed in again learned neither what to do nor
    that their typing was kept (newsroom/autosave.py).
    """
    in_admin = request.path.startswith(reverse("admin:index"))
    context = {
        "in_admin": in_admin,
        "cookies_missing": reason == REASON_NO_CSRF_COOKIE,
        "base_template": "admin/base_site.html" if in_admin else "base.html",
    }
    if in_admin:
        context.update(admin.site.each_context(request))
    response = render(request, "403_csrf.html", context, status=403)
    add_never_cache_headers(response)
    return response
