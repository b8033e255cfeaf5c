"""Who else has a record open in the admin.

A cheap notice from the cache: each GET of a change page notes the user and
time under a key for that object, and the next person to open it is told.
"""

import datetime

from django.contrib import messages
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.display import newsroom_time_display

OPEN_NOTICE_MINUTES = 10


def open_notice(request, model, object_id):
    """Tell the editor who else opened this record in the last few minutes."""
    opts = model._meta
    key = f"newsroom:open:{opts.label_lower}:{object_id}"
    now = timezone.now()
    recent = now - datetime.timedelta(minutes=OPEN_NOTICE_MINUTES)
    readers = {
        user_id: (name, seen)
        for user_id, (name, seen) in (cache.get(key) or {}).items()
        if seen >= recent
    }
    others = [
        (name, seen) for user_id, (name, seen) in readers.items() if user_id != request.user.pk
    ]
    for name, seen in others:
        messages.warning(
            request,
            _(
                "%(name)s opened this record at %(when)s and may be editing it. "
                "If they save first, your save will be refused, not lost."
            )
            % {"name": name, "when": newsroom_time_display(seen)},
        )
    readers[request.user.pk] = (
        request.user.get_full_name() or request.user.get_username(),
        now,
    )
    cache.set(key, readers, OPEN_NOTICE_MINUTES * 60)
