"""Django's Redis cache backend, reusing one client per server, behind a circuit breaker.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for
every cache operation. Its constructor fills a table of about 170 response
callbacks, which on this project's hardware took 0.4 ms: longer than the
network round trip it wraps, and half of what serving a page from the cache
cost. The connection pool was always shared; now the client around it is
too (``redis.Redis`` is safe to share, and Django keeps one cache object per
thread in any case).

The cache is an accelerator, never a dependency. With Redis stopped for 20 s
every public page answered 500 (6,616 of 6,616 requests) and editors could
neither open nor save an article, because every cache call raised. Now a
connection or timeout error answers as a miss (``get`` returns the default,
``get_many`` nothing, writes do nothing, ``incr`` raises ``ValueError`` as for
a missing key) and opens a breaker: for ``BREAKER_OPEN_SECONDS`` every
operation answers a miss at once, without touching the socket, so no request
waits on a dead server. Then one caller probes with a PING; success closes
the breaker and runs the reconnect hooks (the page cache bumps its generation
there, since invalidations during the outage were lost), failure keeps it
open for another window. Each opening and closing is logged once per process.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Long enough that a dead server costs each worker one failed attempt per
# window, short enough that the pages are fast again soon after Redis is back.
BREAKER_OPEN_SECONDS = 5.0
# BusyLoadingError (a restarted Redis reading its dump) is a ConnectionError too.
UNREACHABLE_ERRORS = (RedisConnectionError, RedisTimeoutError)
# Loopback and same-rack round trips take well under a millisecond; the
# largest value we store (a 180 KB feed) reads in about 2 ms. A server that
# has not answered by these is treated as down rather than waited for.
# settings.py spells them out; these hold for any other configuration.
SOCKET_TIMEOUTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
_breakers = {}
_breakers_lock = threading.Lock()
_reconnect_hooks = []


def reconnect_hook_register(hook):
    """Call ``hook()`` each time a breaker closes after an outage.

    The page cache registers its invalidation here, so this module names no
    other part of the site.
    """
    if hook not in _reconnect_hooks:
        _reconnect_hooks.append(hook)


def cache_is_down(alias="default"):
    """Whether the cache ``alias`` is unreachable right now (no network I/O)."""
    breaker = getattr(caches[alias], "breaker", None)
    return breaker is not None and breaker.is_open


class CircuitBreaker:
    """Open on the first connection failure; allow one probe per open window."""

    def __init__(self, name, *, open_seconds=BREAKER_OPEN_SECONDS, clock=time.monotonic):
        self.name = name
        self.open_seconds = open_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self.opened_at = None
        self.retry_at = 0.0

    @property
    def is_open(self):
        return self.opened_at is not None

    def probe_due(self):
        """True for exactly one caller once the open window has passed."""
        with self._lock:
            now = self.clock()
            if now < self.retry_at:
                return False
            # Claimed: the other callers keep answering misses meanwhile.
            self.retry_at = now + self.open_seconds
            return True

    def record_failure(self, error):
        with self._lock:
            now = self.clock()
            self.retry_at = now + self.open_seconds
            newly_open = self.opened_at is None
            if newly_open:
                self.opened_at = now
        if newly_open:
            logger.warning(
                "Cache %s unreachable (%s); answering misses, next try in %.0f s.",
                self.name,
                error,
                self.open_seconds,
            )

    def record_recovery(self):
        with self._lock:
            if self.opened_at is None:
                return
            down_for = self.clock() - self.opened_at
            self.opened_at = None
        logger.warning("Cache %s reachable again after %.1f s.", self.name, down_for)
        for hook in _reconnect_hooks:
            hook()


def breaker_for(servers, *, open_seconds):
    """One breaker per server list, shared by every thread's backend object."""
    name = ",".join(servers)
    with _breakers_lock:
        if name not in _breakers:
            _breakers[name] = CircuitBreaker(name, open_seconds=open_seconds)
        return _breakers[name]


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# Stands for "no answer" where None is a real one (get's default may be None).
_UNANSWERED = object()


class GuardedRedisCacheClient(ReusedRedisCacheClient):
    """Each operation answers as a miss while the server is unreachable."""

    def __init__(self, *args, breaker, **kwargs):
        super().__init__(*args, **kwargs)
        self.breaker = breaker

    def guarded(self, operation, *args, miss):
        if self.breaker.is_open and not self.reconnected():
            return miss
        try:
            return operation(*args)
        except UNREACHABLE_ERRORS as error:
            self.breaker.record_failure(error)
            return miss

    def reconnected(self):
        """Probe once per open window; on success, close the breaker first."""
        if not self.breaker.probe_due():
            return False
        try:
            self.get_client(write=True).ping()
        except UNREACHABLE_ERRORS as error:
            self.breaker.record_failure(error)
            return False
        # Before the caller's operation runs, so a page cache read that
        # follows already sees the generation the hooks bumped.
        self.breaker.record_recovery()
        return True

    def add(self, key, value, timeout):
        return self.guarded(super().add, key, value, timeout, miss=False)

    def get(self, key, default):
        return self.guarded(super().get, key, default, miss=default)

    def set(self, key, value, timeout):
        self.guarded(super().set, key, value, timeout, miss=None)

    def touch(self, key, timeout):
        return self.guarded(super().touch, key, timeout, miss=False)

    def delete(self, key):
        return self.guarded(super().delete, key, miss=False)

    def get_many(self, keys):
        return self.guarded(super().get_many, keys, miss={})

    def has_key(self, key):
        return self.guarded(super().has_key, key, miss=False)

    def incr(self, key, delta):
        value = self.guarded(super().incr, key, delta, miss=_UNANSWERED)
        if value is _UNANSWERED:
            # As for a missing key (Django's contract): callers such as
            # page_cache_invalidate then set a fresh value, a no-op here.
            raise ValueError(f"Key {key!r} not found: the cache is unreachable.")
        return value

    def set_many(self, data, timeout):
        self.guarded(super().set_many, data, timeout, miss=None)

    def delete_many(self, keys):
        self.guarded(super().delete_many, keys, miss=None)

    def clear(self):
        return self.guarded(super().clear, miss=False)


class RedisCache(DjangoRedisCache):
    """``OPTIONS`` may set ``breaker_open_seconds`` and override the socket timeouts."""

    def __init__(self, server, params):
        # The breaker is the retry policy: no retries inside one operation.
        options = {**SOCKET_TIMEOUTS, "retry": Retry(NoBackoff(), 0), **params.get("OPTIONS", {})}
        open_seconds = options.pop("breaker_open_seconds", BREAKER_OPEN_SECONDS)
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = breaker_for(self._servers, open_seconds=open_seconds)

    @cached_property
    def _cache(self):
        return GuardedRedisCacheClient(self._servers, breaker=self.breaker, **self._options)
