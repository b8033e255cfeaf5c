"""Whole-page cache for anonymous readers.

Every cached page is filed under a *generation* number. Any change to a
record that a public page can show bumps the generation, so the next request
renders afresh; old entries simply expire. Time also changes what is public
(a scheduled story goes live, an embargo lifts) without any save, so the
moment of the next such transition is kept beside the generation, and the
first request after it bumps the generation too. No cron job is involved.

The cache must be shared by every app server (Redis): with a per-process
cache one worker would keep serving a page another worker's save made stale.
That is why ``NEWSROOM_PAGE_CACHE`` defaults to on only when ``REDIS_URL`` is
set. Signed-in users (anyone with a session cookie), previews, the admin and
conditional feed requests always bypass it.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import empty

GENERATION_KEY = "pagecache:generation"
NEXT_CHANGE_KEY = "pagecache:next-change"
NO_SCHEDULED_CHANGE = 0
BYPASS_PREFIXES = ("/admin/", "/preview/")
SKIPPED_HEADERS = {"content-security-policy", "content-security-policy-report-only"}
WATCHED_APPS = {"articles", "institutions", "taggit"}


def page_cache_invalidate():
    """Make every cached page stale; cheap enough to call on any relevant save."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (evicted or never set): start from a fresh, never-used number.
        cache.set(GENERATION_KEY, time.time_ns(), None)
    cache.delete(NEXT_CHANGE_KEY)


def next_scheduled_change(now):
    """When the public set next changes on its own: a scheduled time or an embargo end."""
    from articles.models import Article, ArticleStatus

    upcoming = Article.objects.filter(status=ArticleStatus.PUBLISHED).aggregate(
        publication=Min("published_at", filter=Q(published_at__gt=now)),
        embargo=Min("embargo_until", filter=Q(embargo_until__gt=now)),
    )
    moments = [moment for moment in upcoming.values() if moment is not None]
    return min(moments).timestamp() if moments else NO_SCHEDULED_CHANGE


def current_generation(now=None):
    now = now or timezone.now()
    values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    generation = values.get(GENERATION_KEY)
    next_change = values.get(NEXT_CHANGE_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    if next_change not in (None, NO_SCHEDULED_CHANGE) and now.timestamp() >= next_change:
        page_cache_invalidate()
        generation = cache.get(GENERATION_KEY)
        next_change = None
    if next_change is None:
        cache.set(NEXT_CHANGE_KEY, next_scheduled_change(now), None)
    return generation


def invalidate_on_change(sender, **kwargs):
    """Signal receiver: any saved, deleted or relinked newsroom record stales the pages."""
    # For m2m_changed the sender is the through model, which lives in the same app.
    if sender._meta.app_label in WATCHED_APPS:
        page_cache_invalidate()


class AnonymousPageCacheMiddleware:
    """Serve anonymous GET requests from the shared cache.

    Sits after Django's CSP middleware, so the policy header is built for each
    response; a cached page's old nonce is swapped for this request's one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies_to(request):
            return self.get_response(request)
        key = self.cache_key(request)
        cached = cache.get(key)
        if cached is not None:
            return self.rebuild(cached, request)
        response = self.get_response(request)
        if request.method == "GET" and self.is_cacheable(response):
            cache.set(key, self.pack(response, request), settings.NEWSROOM_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def applies_to(request):
        return (
            settings.NEWSROOM_PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(BYPASS_PREFIXES)
            # Feeds answer these with a cheap 304 of their own.
            and "HTTP_IF_NONE_MATCH" not in request.META
            and "HTTP_IF_MODIFIED_SINCE" not in request.META
        )

    @staticmethod
    def cache_key(request):
        # Feeds vary on Accept (browsers get the styled XML), so it is part of the key.
        variant = f"{request.get_full_path()}\n{request.headers.get('Accept', '')}"
        digest = hashlib.sha256(variant.encode()).hexdigest()
        return f"pagecache:{current_generation()}:{request.get_host()}:{digest}"

    @staticmethod
    def is_cacheable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
        )

    @staticmethod
    def pack(response, request):
        nonce = getattr(request, "_csp_nonce", None)
        used_nonce = str(nonce) if nonce is not None and nonce._wrapped is not empty else ""
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in SKIPPED_HEADERS
        ]
        return {
            "content": response.content,
            "status": response.status_code,
            "headers": headers,
            "nonce": used_nonce,
        }

    @staticmethod
    def rebuild(cached, request):
        content = cached["content"]
        if cached["nonce"]:
            fresh = str(request._csp_nonce)
            content = content.replace(cached["nonce"].encode(), fresh.encode())
        response = HttpResponse(content, status=cached["status"])
        for name, value in cached["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response
