"""What readers and editors get while a backing service is down.

The database: with PostgreSQL stopped for 15 s, 772 requests answered 500 and
an editor's typed article was lost with the error page. Now a lost or refused
connection (``OperationalError``, ``InterfaceError``) is answered 503 with
``Retry-After``, from a standalone page that queries nothing; and a POST that
failed that way gets its input back: the page holds every submitted field in
a hidden form (the CSRF token too, still valid against the unchanged cookie)
that posts it again to the same address. Cache hits keep being served from
Redis meanwhile; the page cache sits inside this middleware.

The cache: ``newsroom.cache`` answers misses while Redis is unreachable, so
everything works, only slower; the admin says so on every page.
"""

import logging
import sys
import threading
import time

from django.core.cache import DEFAULT_CACHE_ALIAS
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from newsroom.cache import cache_is_down

logger = logging.getLogger(__name__)

# A PostgreSQL restart or failover takes seconds; browsers and crawlers that
# honour the header come back once, not in a tight loop.
RETRY_AFTER_SECONDS = 15
# One line per outage, not one per request: 64 connections answered 503 for
# 15 s would otherwise write thousands.
LOG_INTERVAL_SECONDS = 10
CONNECTION_ERRORS = (OperationalError, InterfaceError)
# Not written back into a page, even the editor's own: the browser keeps the
# page source in its history.
WITHHELD_FIELD_WORDS = ("password",)
DATABASE_FAILED_ATTRIBUTE = "_newsroom_database_failed"


class ThrottledWarning:
    """Log a warning at most once per interval, counting the ones left out."""

    def __init__(self, message, *, interval):
        self.message = message
        self.interval = interval
        self._lock = threading.Lock()
        self._last = None
        self._left_out = 0

    def __call__(self, *args):
        with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last < self.interval:
                self._left_out += 1
                return
            left_out, self._last, self._left_out = self._left_out, now, 0
        logger.warning(self.message + " (%d more since the last line)", *args, left_out)


database_outage_warning = ThrottledWarning(
    "Database unreachable, answered 503: %s %s (%s)", interval=LOG_INTERVAL_SECONDS
)


def connection_failed(exception):
    return isinstance(exception, CONNECTION_ERRORS)


def withheld(name):
    return any(word in name.lower() for word in WITHHELD_FIELD_WORDS)


def resubmission(request):
    """The submitted fields to post again, and what could not be kept."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if not withheld(name)
        for value in values
    ]
    return {
        "action": request.get_full_path(),
        "fields": fields,
        "withheld": sorted({name for name in request.POST if withheld(name)}),
        "files": [upload.name for _name, uploads in request.FILES.lists() for upload in uploads],
    }


def database_outage_response(request, exception):
    """The 503 page: rendered without the request, so no context processor queries."""
    database_outage_warning(request.method, request.path, exception)
    context = {"retry_after": RETRY_AFTER_SECONDS}
    if request.method == "POST":
        context["resubmit"] = resubmission(request)
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never kept by the page cache, a proxy or the browser: it may hold the
    # editor's unsaved text and it is wrong as soon as the database is back.
    response["Cache-Control"] = "no-store"
    # Django would log each 503 as an error; the throttled line above says it once.
    response._has_been_logged = True
    return response


def database_failure_note(sender, request=None, **kwargs):
    """``got_request_exception`` receiver: remember a connection error on the request.

    Django turns an exception raised inside a middleware into a 500 before
    the middleware around it sees anything; only this signal, sent while the
    exception is being handled, tells which one it was.
    """
    exception = sys.exc_info()[1]
    if request is not None and connection_failed(exception):
        setattr(request, DATABASE_FAILED_ATTRIBUTE, exception)


got_request_exception.connect(database_failure_note, dispatch_uid="newsroom-database-failure")


class DatabaseOutageMiddleware:
    """503, never 500, for a lost database connection; a POST keeps its input.

    ``process_exception`` answers for the views (the usual case: the first
    query of a request fails). A connection error raised in a middleware
    further in (the page cache reading the publication schedule, the session
    being saved) has already become a 500 when it arrives here; the signal
    receiver above marks it, and it is replaced.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        failure = getattr(request, DATABASE_FAILED_ATTRIBUTE, None)
        if failure is not None and response.status_code == 500:
            return database_outage_response(request, failure)
        return response

    def process_exception(self, request, exception):
        if connection_failed(exception):
            return database_outage_response(request, exception)
        return None


class CacheOutageNoticeMiddleware:
    """Tell editors on every admin page that the cache is down (pages are slower)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            # Read by templates/admin/base_site.html.
            response.context_data = {
                **(response.context_data or {}),
                "newsroom_cache_down": cache_is_down(DEFAULT_CACHE_ALIAS),
            }
        return response
