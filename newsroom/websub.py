"""WebSub publishing: tell the hub which feeds a change altered, once it commits.

Every feed names the hub with rel="hub" (``NEWSROOM_WEBSUB_HUB``, written by
``newsroom.syndication``); subscribers register there, and the hub fetches a
feed and pushes it to them when we say it changed. Saying so is an HTTP POST
of ``hub.mode=publish&hub.url=<feed address>`` per feed: the WebSub
recommendation leaves the publisher's side to the hub
(https://www.w3.org/TR/websub/#publishing), and this is the form hubs read.

Receivers in the apps note what a save, delete or relinking touched
(``change_note(articles=[...], subjects=[...])``). Notes gather per transaction; once it commits, the
registered resolvers turn them into feeds (URL name and slug in the "feeds"
namespace) and one task, ``websub_ping``, sends the pings through
django.tasks (in production the database queue's worker, ``db_worker``).
A ping never fails a save: a hub that is down, slow (``PING_TIMEOUT``) or
refusing is logged, and readers still poll with their validators. Without a
hub nothing is noted, queried or sent.
"""

import logging
import urllib.error
import urllib.request
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)

# Seconds a hub may take to accept one ping. The first hub that does not
# answer ends the batch: a hung hub costs one timeout, not one per feed.
PING_TIMEOUT = 3
# The formats of a feed in the "feeds" namespace: RSS is the bare name.
FORMAT_SUFFIXES = ("", "-atom", "-json")
USER_AGENT = "Newsroom WebSub publisher"

_resolvers = []


def hub_url():
    return getattr(settings, "NEWSROOM_WEBSUB_HUB", "")


def resolver_register(resolver):
    """Add ``resolver(notes)``: the (URL name, slug) of every feed the noted changes alter.

    ``notes`` maps each kind given to ``change_note`` to the set of values
    noted in the transaction (an empty set for a kind never noted). Apps register theirs where they connect their
    receivers, so this module names no app.
    """
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def feed_urls(sources):
    """Absolute addresses of every format of each (URL name, slug), sorted."""
    urls = set()
    for name, slug in sources:
        kwargs = {"slug": slug} if slug else {}
        for suffix in FORMAT_SUFFIXES:
            try:
                urls.add(settings.SITE_URL + reverse(f"feeds:{name}{suffix}", kwargs=kwargs))
            except NoReverseMatch:
                continue
    return sorted(urls)


class _Batch:
    """The notes of one transaction, sent once it commits."""

    def __init__(self):
        self.notes = defaultdict(set)
        self.sent = False

    def send(self):
        self.sent = True
        hub = hub_url()
        if not hub:
            return
        sources = set(self.notes.pop("sources", ()))
        for resolver in _resolvers:
            sources.update(resolver(self.notes))
        urls = feed_urls(sources)
        if urls:
            websub_ping.enqueue(hub=hub, urls=urls)


def _waiting(connection, batch):
    # A rollback drops the transaction's commit hooks, and the batch with
    # them; a batch whose hook is gone must not collect the next one's notes.
    return any(hook == batch.send for _savepoints, hook, _robust in connection.run_on_commit)


def change_note(*, using=None, **notes):
    """Note what a change touched: each keyword a kind, its value an iterable of hashables.

    Inside a transaction the notes gather and are sent once it commits;
    outside one (autocommit) at once, so a receiver notes everything it
    knows in one call. Errors after the commit are logged, never raised
    into the code that saved (``robust``).
    """
    notes = {kind: set(values) for kind, values in notes.items() if values}
    if not hub_url() or not notes:
        return
    connection = transaction.get_connection(using)
    batch = getattr(connection, "websub_batch", None)
    if batch is None or batch.sent or not _waiting(connection, batch):
        batch = _Batch()
        connection.websub_batch = batch
        # Noted before the hook is added: outside a transaction it runs at once.
        _merge(batch, notes)
        transaction.on_commit(batch.send, using=using, robust=True)
        return
    _merge(batch, notes)


def _merge(batch, notes):
    for kind, values in notes.items():
        batch.notes[kind].update(values)


@task
def websub_ping(*, hub, urls):
    """Tell ``hub`` that each of ``urls`` changed; the number it accepted."""
    accepted = 0
    for number, url in enumerate(urls):
        request = urllib.request.Request(
            hub,
            data=urlencode({"hub.mode": "publish", "hub.url": url}).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": USER_AGENT,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=PING_TIMEOUT):
                accepted += 1
        except urllib.error.HTTPError as error:
            logger.warning("WebSub hub %s refused %s: HTTP %s", hub, url, error.code)
        except (OSError, ValueError) as error:
            logger.warning(
                "WebSub hub %s unreachable (%s): %d feed pings not sent",
                hub,
                error,
                len(urls) - number,
            )
            break
    return accepted
