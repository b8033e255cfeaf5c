"""WebSub publishing: tell the hub which feeds a change altered, once it commits.

Every feed names the hub with rel="hub" (``NEWSROOM_WEBSUB_HUB``, written by
``newsroom.syndication``); subscribers register there, and the hub fetches a
feed and pushes it to them when we say it changed. Saying so is an HTTP POST
of ``hub.mode=publish&hub.url=<feed address>`` per feed: the WebSub
recommendation leaves the publisher's side to the hub
(https://www.w3.org/TR/websub/#publishing), and this is the form hubs read.

Receivers in the apps note what a save, delete or relinking touched
(``change_note(articles=[...], subjects=[...])``). Notes gather per
transaction; once it commits, one task, ``websub_publish``, carries them to
django.tasks (in production the database queue's worker, ``db_worker``),
where the registered resolvers turn them into feeds (URL name and slug in
the "feeds" namespace) and the pings go out. The save pays only for what
must be read before it changes (a story's state, a deleted tag's stories),
never for resolving or HTTP: a rename that a thousand feeds show costs the
worker, not the editor.

The clock changes feeds too: a scheduled story goes live and an embargo
lifts with nothing saved at that moment. A receiver that sees such a moment
coming notes it with ``change_note_at(moment, ...)``; once the transaction
commits, ``websub_publish`` is queued to run at that moment (``run_after``)
and resolves those notes then, as the site stands. With a task backend
that cannot wait (the immediate one) a warning is logged instead, and no
ping goes out at that moment.

A ping never fails a save: a hub that is down, slow (``PING_TIMEOUT``) or
refusing is logged, and readers still poll with their validators. Without a
hub nothing is noted, queried, queued or sent, and a queued task that finds
the hub gone since sends nothing.
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
from django.utils import timezone

logger = logging.getLogger(__name__)

# Seconds a hub may take to accept one ping. The first hub that does not
# answer ends the batch: a hung hub costs one timeout, not one per feed.
PING_TIMEOUT = 3
# The formats of a feed in the "feeds" namespace: RSS is the bare name.
FORMAT_SUFFIXES = ("", "-atom", "-json")
USER_AGENT = "Newsroom WebSub publisher"

_resolvers = []
_schedules = []


def hub_url():
    return getattr(settings, "NEWSROOM_WEBSUB_HUB", "")


def resolver_register(resolver):
    """Add ``resolver(notes)``: the (URL name, slug) of every feed the noted changes alter.

    ``notes`` maps each kind given to ``change_note`` (or ``change_note_at``)
    to the set of values noted in the transaction, an empty set for a kind
    never noted. It is called in the worker, after the commit. Apps register
    theirs where they connect their receivers, so this module names no app.
    """
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def schedule_register(schedule):
    """Add ``schedule(now)``: (moment, notes) for each change the clock will make after ``now``.

    Read only by ``scheduled_queue``: the saves that set such moments note
    them themselves. Apps register theirs beside their resolver.
    """
    if schedule not in _schedules:
        _schedules.append(schedule)


class CannotWait(Exception):
    """The task backend cannot run a task later (``supports_defer``)."""


def scheduled_queue(*, now=None):
    """Queue a task at each moment the registered schedules know of; the number queued.

    For what no save noted: stories scheduled before a hub was configured,
    or before this code was deployed (``manage.py websub_queue_scheduled``).
    Nothing without a hub; ``CannotWait`` with a backend that cannot wait.
    """
    if not hub_url():
        return 0
    if not websub_publish.get_backend().supports_defer:
        raise CannotWait
    now = now or timezone.now()
    queued = 0
    for schedule in _schedules:
        for moment, notes in schedule(now):
            websub_publish.using(run_after=moment).enqueue(notes=_notes_dump(notes))
            queued += 1
    return queued


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
    """The notes of one transaction, queued once it commits."""

    def __init__(self):
        self.notes = defaultdict(set)
        # moment -> the notes to resolve then
        self.later = defaultdict(lambda: defaultdict(set))
        self.sent = False

    def send(self):
        self.sent = True
        if not hub_url():
            return
        if self.notes:
            websub_publish.enqueue(notes=_notes_dump(self.notes))
        if not self.later:
            return
        if not websub_publish.get_backend().supports_defer:
            logger.warning(
                "The task backend cannot run a task later: the feeds that change on "
                "their own at %s will not be pinged then",
                ", ".join(sorted(moment.isoformat() for moment in self.later)),
            )
            return
        for moment, notes in sorted(self.later.items()):
            websub_publish.using(run_after=moment).enqueue(notes=_notes_dump(notes))


def _waiting(connection, batch):
    # A rollback drops the transaction's commit hooks, and the batch with
    # them; a batch whose hook is gone must not collect the next one's notes.
    return any(hook == batch.send for _savepoints, hook, _robust in connection.run_on_commit)


def change_note(*, using=None, **notes):
    """Note what a change touched: each keyword a kind, its value an iterable of hashables.

    Inside a transaction the notes gather and are queued once it commits;
    outside one (autocommit) at once, so a receiver notes everything it
    knows in one call. Errors after the commit are logged, never raised
    into the code that saved (``robust``). Values travel to the task as
    JSON: numbers, strings, None, and tuples of those.
    """
    _note(using, notes)


def change_note_at(moment, *, using=None, **notes):
    """Note a change the clock makes at ``moment`` (an aware datetime), with nothing saved then.

    The notes are resolved when ``moment`` comes, by a task queued with
    ``run_after``. A resolver reads the site as it stands by then, so it
    checks that what was due is still due: the editor may have moved it.
    """
    _note(using, notes, moment=moment)


def _note(using, notes, *, moment=None):
    notes = {kind: set(values) for kind, values in notes.items() if values}
    if not hub_url() or not notes:
        return
    connection = transaction.get_connection(using)
    batch = getattr(connection, "websub_batch", None)
    fresh = batch is None or batch.sent or not _waiting(connection, batch)
    if fresh:
        batch = _Batch()
        connection.websub_batch = batch
    for kind, values in notes.items():
        (batch.notes if moment is None else batch.later[moment])[kind].update(values)
    if fresh:
        # Noted before the hook is added: outside a transaction it runs at once.
        transaction.on_commit(batch.send, using=using, robust=True)


def _notes_dump(notes):
    """The notes as the task's JSON arguments: lists, in a stable order."""
    return {
        kind: sorted((list(v) if isinstance(v, tuple) else v for v in values), key=repr)
        for kind, values in notes.items()
        if values
    }


def _notes_load(notes):
    loaded = defaultdict(set)
    for kind, values in notes.items():
        loaded[kind] = {tuple(v) if isinstance(v, list) else v for v in values}
    return loaded


@task
def websub_publish(*, notes):
    """Turn ``notes`` into the feeds they alter and tell the hub; the number of pings it accepted.

    Runs in the worker, once the change committed or, for a change the clock
    makes, once its moment came. A hub unset since the change was noted
    means nothing is sent.
    """
    hub = hub_url()
    if not hub:
        return 0
    notes = _notes_load(notes)
    sources = set(notes.pop("sources", ()))
    for resolver in _resolvers:
        sources.update(resolver(notes))
    urls = feed_urls(sources)
    return hub_ping(hub=hub, urls=urls) if urls else 0


def hub_ping(*, hub, urls):
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
