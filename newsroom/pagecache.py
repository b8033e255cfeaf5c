"""Whole-page cache for anonymous readers.

Every cached page is stamped with the *generation* number it was rendered
in. Any change to a record that a public page can show bumps the
generation, so an entry with an older stamp is a miss and the next request
renders afresh (and overwrites it); entries nobody asks for again expire. Time also changes what is public
(a scheduled story goes live, an embargo lifts) without any save, so the
moment of the next such transition is kept beside the generation, and the
first request after it bumps the generation too. No cron job is involved.

The cache must be shared by every app server (Redis): with a per-process
cache one worker would keep serving a page another worker's save made stale.
That is why ``NEWSROOM_PAGE_CACHE`` defaults to on only when ``REDIS_URL`` is
set. Signed-in users (anyone with a session cookie), previews, the admin and
static files always bypass it.

The cache is an accelerator: while Redis is unreachable, ``newsroom.cache``
answers every read as a miss, no generation can be kept, and pages are served
from the database, uncached. When it is reachable again the generation is
bumped, because the invalidations of saves made meanwhile were lost.

Only the query parameters a view reads make a page of their own
(``PAGE_PARAMETERS``); the tracking parameters that campaigns and ad clicks
append are left out of the key (``IGNORED_PARAMETERS``), so they share the
page's entry; a request with any other parameter is served uncached, because
every new value would otherwise be a new entry: 2,000 requests with junk
``?utm_x=N`` once grew Redis from 120 keys / 2.7 MB to 3,920 keys / 217 MB.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.csp import generate_nonce
from django.utils.http import parse_http_date_safe, urlencode

from newsroom.cache import reconnect_hook_register
from newsroom.syndication import conditional_response, feed_variant

GENERATION_KEY = "pagecache:generation"
NEXT_CHANGE_KEY = "pagecache:next-change"
NO_SCHEDULED_CHANGE = 0
BYPASS_PREFIXES = ("/admin/", "/preview/", "/static/", "/media/")
CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
# The query parameters views read: ?page= on every list (and the canonical
# link), ?p= on Django's sitemap index, ?q= on search. Grep the views for
# request.GET when adding one: an unlisted parameter makes the page uncached.
PAGE_PARAMETERS = frozenset({"page", "p", "q"})
# Appended by campaigns, ad clicks and newsletters and read by no view: the
# page is the same without them, so they are left out of the key. Google
# Analytics (utm_*, _ga, _gl, gclid, dclid), Meta (fbclid, igshid), Microsoft
# (msclkid), Yandex (yclid), Mailchimp (mc_cid, mc_eid), and referral links (ref).
IGNORED_PARAMETERS = frozenset(
    {"_ga", "_gl", "gclid", "dclid", "fbclid", "igshid", "msclkid", "yclid"}
    | {"mc_cid", "mc_eid", "ref"}
)
IGNORED_PARAMETER_PREFIXES = ("utm_",)
# What a 304 repeats from the full answer (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Expires", "Vary")
_watched_apps = set()
_schedule_sources = []


def page_cache_invalidate():
    """Make every cached page stale; cheap enough to call on any relevant save."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (evicted or never set): start from a fresh, never-used number.
        cache.set(GENERATION_KEY, time.time_ns(), None)
    cache.delete(NEXT_CHANGE_KEY)


# Saves made while Redis was unreachable could not bump the generation.
reconnect_hook_register(page_cache_invalidate)


def parameter_ignored(name):
    return name in IGNORED_PARAMETERS or name.startswith(IGNORED_PARAMETER_PREFIXES)


def parameters_known(request):
    """Whether every query parameter either makes a page or is ignored."""
    return all(name in PAGE_PARAMETERS or parameter_ignored(name) for name in request.GET)


def schedule_source_register(source):
    """Add ``source(now)``: the next moment the public set changes on its own.

    Apps register these in ``AppConfig.ready`` (articles: the next scheduled
    publication or embargo end), so this machinery names no app's models.
    A source returns an aware datetime, or None when nothing is due.
    """
    if source not in _schedule_sources:
        _schedule_sources.append(source)


def watched_apps_register(*app_labels):
    """Records of these apps show on public pages: any change stales the cache."""
    _watched_apps.update(app_labels)


def next_scheduled_change(now):
    """The earliest moment any registered source says the public set changes."""
    moments = [moment for source in _schedule_sources if (moment := source(now)) is not None]
    return min(moments).timestamp() if moments else NO_SCHEDULED_CHANGE


def current_generation(now=None):
    now = now or timezone.now()
    return generation_from(cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY]), now)


def generation_from(values, now):
    """The current generation, from the generation and next-change values read.

    Takes what a ``get_many`` already returned, so a caller can fetch its own
    keys in the same round trip. Bumps the generation when a scheduled story
    or embargo end has come due since the last look. None when the cache
    cannot keep one (it is unreachable): then nothing may be cached.
    """
    generation = values.get(GENERATION_KEY)
    next_change = values.get(NEXT_CHANGE_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            return None
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
    if sender._meta.app_label in _watched_apps:
        page_cache_invalidate()


class AnonymousPageCacheMiddleware:
    """Serve anonymous GET requests from the shared cache.

    Sits right after Django's SecurityMiddleware (so the HTTPS redirect and
    host check still come first) and before everything else: a hit skips
    sessions, CSRF, auth, messages and template rendering.

    Each page is two entries: its *head* (generation, status, headers,
    validators, nonce) and its *body*, each stamped with the generation it
    was rendered in. A hit reads the generation, the next scheduled change,
    the head and the body in one round trip; a conditional request reads the
    head alone and is answered 304 from its ETag and Last-Modified, without
    fetching a 180 KB feed it will not send. An entry from an older
    generation is a miss.

    What is stored is the finished response, headers from the inner
    middleware included; the CSP nonce in the page and in its policy header
    is swapped for a fresh one on every hit, so no two readers share one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies_to(request):
            return self.get_response(request)
        head_key, body_key = self.cache_keys(request)
        conditional = "HTTP_IF_NONE_MATCH" in request.META or (
            "HTTP_IF_MODIFIED_SINCE" in request.META
        )
        wanted = [GENERATION_KEY, NEXT_CHANGE_KEY, head_key]
        if not conditional:
            wanted.append(body_key)
        values = cache.get_many(wanted)
        generation = generation_from(values, timezone.now())
        if generation is None:
            return self.get_response(request)
        head = values.get(head_key)
        if head is not None and head["generation"] == generation:
            not_modified = self.not_modified(head, request)
            if not_modified:
                return not_modified
            body = values[body_key] if body_key in values else cache.get(body_key)
            if body is not None and body["generation"] == generation:
                return self.rebuild(head, body["content"])
        response = self.get_response(request)
        if request.method == "GET" and self.is_cacheable(response):
            # Filed under the generation read before rendering: a change made
            # meanwhile has bumped it, so this page is already a miss.
            head, body = self.pack(response, request, generation)
            cache.set_many({head_key: head, body_key: body}, settings.NEWSROOM_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def applies_to(request):
        return (
            settings.NEWSROOM_PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(BYPASS_PREFIXES)
            and parameters_known(request)
        )

    @staticmethod
    def cache_keys(request):
        # Sorted by name, each name's values in their order: the views read the last one.
        query = urlencode(
            sorted(
                (name, values) for name, values in request.GET.lists() if name in PAGE_PARAMETERS
            ),
            doseq=True,
        )
        # Feeds vary on Accept (browsers get a page), but only between the two
        # representations a feed chooses from: any other Accept value would
        # be a new entry for the same bytes.
        variant = f"{request.path}?{query}\n{feed_variant(request)}"
        digest = hashlib.sha256(variant.encode()).hexdigest()
        base = f"pagecache:{request.get_host()}:{digest}"
        return f"{base}:head", f"{base}:body"

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
    def pack(response, request, generation):
        nonce = getattr(request, "_csp_nonce", None)
        head = {
            "generation": generation,
            "status": response.status_code,
            "headers": dict(response.headers.items()),
            # Looked up here, where header names are case-insensitive, so a
            # view that spells "Etag" still gets its 304s from the cache.
            "repeated_in_304": {
                name: response[name] for name in NOT_MODIFIED_HEADERS if response.has_header(name)
            },
            "nonce": str(nonce) if nonce else "",
        }
        return head, {"generation": generation, "content": response.content}

    @staticmethod
    def not_modified(head, request):
        """A 304 (or 412) from the stored validators, or None to send the page."""
        headers = head["repeated_in_304"]
        etag, last_modified = headers.get("ETag"), headers.get("Last-Modified")
        if not (etag or last_modified):
            return None
        answer = conditional_response(
            request, etag=etag, last_modified=last_modified and parse_http_date_safe(last_modified)
        )
        if answer is None:
            return None
        for name, value in headers.items():
            answer[name] = value
        answer["X-Page-Cache"] = "hit"
        return answer

    @staticmethod
    def rebuild(head, content):
        headers = dict(head["headers"])
        old_nonce = head["nonce"]
        if old_nonce:
            fresh = generate_nonce()
            content = content.replace(old_nonce.encode(), fresh.encode())
            for name in CSP_HEADERS:
                if name in headers:
                    headers[name] = headers[name].replace(old_nonce, fresh)
        response = HttpResponse(content, status=head["status"], headers=headers)
        response["X-Page-Cache"] = "hit"
        return response
