"""Who else has a record open in the admin, for as long as they keep it open.

A cheap notice from the cache. Each GET of a change page notes the user under
a key for that record, and the next person to open it is told. The open page
then sends a small heartbeat every ``HEARTBEAT_SECONDS``
(static/admin/newsroom/presence.js) and a "left" beacon when it is closed, so
the notice ends when the other person leaves rather than ten minutes after
they came: a page whose heartbeats have stopped for ``PRESENCE_SECONDS`` (two
missed beats and some slack for a slow network) no longer counts, and its
entry is dropped on the next read.

The entries for one record live in one cache value, read and written whole.
Two heartbeats landing at the same moment may lose one of the two updates;
the next beat, at most ``HEARTBEAT_SECONDS`` later, puts it back, which is
well inside ``PRESENCE_SECONDS``. With Redis down the cache answers misses and
ignores writes (newsroom/cache.py), so presence quietly reports nobody.
"""

import datetime

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from newsroom.display import newsroom_time_display

HEARTBEAT_SECONDS = 30
PRESENCE_SECONDS = 75
# Added to each notice, so the page's script can find and replace them.
MESSAGE_TAG = "newsroom-presence"
# The longest decimal primary key (a 64-bit id has at most 19 digits).
MAX_ID_DIGITS = 19


def plain_object_id(object_id):
    """Whether ``object_id`` is a record's decimal primary key, or "add" (a form for a new one).

    Anything else would only fill the cache with keys no page can have: an
    id of 3,000 characters was accepted before.
    """
    if object_id == "add":
        return True
    return object_id.isascii() and object_id.isdecimal() and len(object_id) <= MAX_ID_DIGITS


def _key(model, object_id):
    # ``object_id`` as the change page's address has it (admin-quoted), which
    # is what both change_view and the heartbeat's address carry.
    return f"newsroom:open:{model._meta.label_lower}:{object_id}"


def _fresh_entries(key, now):
    """The entries of pages still sending heartbeats; malformed ones are dropped."""
    stored = cache.get(key)
    if not isinstance(stored, dict):
        return {}
    cutoff = now - datetime.timedelta(seconds=PRESENCE_SECONDS)
    entries = {}
    for user_id, entry in stored.items():
        # An entry written before heartbeats (name, opened) has no "seen".
        if isinstance(entry, dict) and entry.get("seen") and entry["seen"] >= cutoff:
            entries[user_id] = entry
    return entries


def _user_name(user):
    return user.get_full_name() or user.get_username()


def presence_note(*, user, model, object_id, opened=False, now=None):
    """Record that ``user`` has the record open; return the others who have it open.

    ``opened`` marks a fresh page load, which restarts the "opened at" time;
    a heartbeat keeps it. Returns ``[(name, opened_at), ...]`` oldest first.
    """
    now = now or timezone.now()
    key = _key(model, object_id)
    entries = _fresh_entries(key, now)
    others = sorted(
        ((entry["name"], entry["opened"]) for uid, entry in entries.items() if uid != user.pk),
        key=lambda item: item[1],
    )
    mine = entries.get(user.pk)
    entries[user.pk] = {
        "name": _user_name(user),
        "opened": now if opened or mine is None else mine["opened"],
        "seen": now,
    }
    cache.set(key, entries, PRESENCE_SECONDS)
    return others


def presence_leave(*, user, model, object_id, now=None):
    """Forget ``user``'s open page on this record (their tab closed or moved on)."""
    now = now or timezone.now()
    key = _key(model, object_id)
    entries = _fresh_entries(key, now)
    if entries.pop(user.pk, None) is None:
        return
    if entries:
        cache.set(key, entries, PRESENCE_SECONDS)
    else:
        cache.delete(key)


def notice_text(name, opened):
    return _(
        "%(name)s opened this record at %(when)s and may be editing it. "
        "If they save first, your save will be refused, not lost."
    ) % {"name": name, "when": newsroom_time_display(opened)}


def open_notice(request, model, object_id):
    """Tell the editor who else has this record open now, and note them as having it open."""
    if not plain_object_id(str(object_id)):
        return
    others = presence_note(user=request.user, model=model, object_id=object_id, opened=True)
    for name, opened in others:
        messages.warning(request, notice_text(name, opened), extra_tags=MESSAGE_TAG)


def _registered_model(admin_site, model_label):
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return None
    return model if model in admin_site._registry else None


def _refused(message, status):
    return JsonResponse({"error": message}, status=status)


@require_POST
def heartbeat_view(request, *, admin_site, model_label, object_id):
    """The open change page is still open: keep its entry, and say who else is there.

    Answers ``{"notices": [...]}``, the current "also open" notices, which the
    page puts in place of the ones it was rendered with.
    """
    model = _registered_model(admin_site, model_label)
    if model is None:
        return _refused(_("No such kind of record."), 404)
    if not plain_object_id(object_id):
        return _refused(_("That is not a record's id."), 400)
    if not admin_site._registry[model].has_view_or_change_permission(request):
        return _refused(_("You may not open this kind of record."), 403)
    others = presence_note(user=request.user, model=model, object_id=object_id)
    return JsonResponse({"notices": [notice_text(name, opened) for name, opened in others]})


@require_POST
def left_view(request, *, admin_site, model_label, object_id):
    """The change page was closed or left (``navigator.sendBeacon`` on pagehide)."""
    model = _registered_model(admin_site, model_label)
    if model is None:
        return _refused(_("No such kind of record."), 404)
    if not plain_object_id(object_id):
        return _refused(_("That is not a record's id."), 400)
    presence_leave(user=request.user, model=model, object_id=object_id)
    return JsonResponse({"left": True})
