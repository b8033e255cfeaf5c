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
static files always bypass it.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.csp import generate_nonce
from django.utils.http import parse_http_date_safe

GENERATION_KEY = "pagecache:generation"
NEXT_CHANGE_KEY = "pagecache:next-change"
NO_SCHEDULED_CHANGE = 0
BYPASS_PREFIXES = ("/admin/", "/preview/", "/static/", "/media/")
CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
# What a 304 repeats from the full answer (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Expires", "Vary")
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
    from articles.models import Article, ArticleStatus, Section

    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    # Two newest-first lookups on their indexes, in one statement; MIN() with
    # a FILTER would read every published story (0.1 s at 100,000).
    next_publication = (
        published.filter(published_at__gt=now).order_by("published_at").values("published_at")[:1]
    )
    next_embargo_end = (
        published.filter(embargo_until__gt=now)
        .order_by("embargo_until")
        .values("embargo_until")[:1]
    )
    # Any one row can carry the two subqueries; every story has a section,
    # so with no sections there is nothing scheduled either.
    upcoming = Section.objects.annotate(
        publication=Subquery(next_publication), embargo=Subquery(next_embargo_end)
    ).values("publication", "embargo")[:1]
    moments = [moment for row in upcoming for moment in row.values() if moment is not None]
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

    Sits right after Django's SecurityMiddleware (so the HTTPS redirect and
    host check still come first) and before everything else: a hit skips
    sessions, CSRF, auth, messages and template rendering, and costs two
    cache reads. What is stored is the finished response, headers from the
    inner middleware included; the CSP nonce in the page and in its policy
    header is swapped for a fresh one on every hit, so no two readers get the
    same nonce. Conditional requests are answered 304 from the stored ETag
    and Last-Modified without touching the database.
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
        used_nonce = str(nonce) if nonce else ""
        return {
            "content": response.content,
            "status": response.status_code,
            "headers": list(response.headers.items()),
            "nonce": used_nonce,
        }

    @staticmethod
    def rebuild(cached, request):
        headers = dict(cached["headers"])
        # The stored validators answer a conditional request with no body to send.
        etag, last_modified = headers.get("ETag"), headers.get("Last-Modified")
        not_modified = (etag or last_modified) and get_conditional_response(
            request, etag=etag, last_modified=last_modified and parse_http_date_safe(last_modified)
        )
        if not_modified:
            for name in NOT_MODIFIED_HEADERS:
                if name in headers:
                    not_modified[name] = headers[name]
            not_modified["X-Page-Cache"] = "hit"
            return not_modified
        content = cached["content"]
        old_nonce = cached["nonce"]
        if old_nonce:
            fresh = generate_nonce()
            content = content.replace(old_nonce.encode(), fresh.encode())
            for name in CSP_HEADERS:
                if name in headers:
                    headers[name] = headers[name].replace(old_nonce, fresh)
        response = HttpResponse(content, status=cached["status"], headers=headers)
        response["X-Page-Cache"] = "hit"
        return response
