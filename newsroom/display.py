"""How the site shows times to people: always in the newsroom's zone, zone named."""

import zoneinfo

from django.conf import settings
from django.utils import timezone


def newsroom_zone_label(moment=None):
    """The newsroom's zone as editors should read it, e.g. "Asia/Seoul (KST)".

    The abbreviation is the one in force at ``moment`` (summer or winter
    time), or now.
    """
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    abbreviation = (moment or timezone.now()).astimezone(zone).tzname()
    return f"{settings.TIME_ZONE} ({abbreviation})"


def newsroom_time_display(moment, *, missing="—", short=False):
    """A stored time in the newsroom's zone with the zone named, e.g.
    "2026-11-30 09:30 Asia/Seoul (KST)"; ``missing`` when there is none.

    The one format for times shown to staff and preview readers: admin
    lists, conflict and restore messages, preview-link notices. ``short``
    names the zone by its abbreviation alone ("2026-11-30 09:30 KST"), for
    list columns where the full name on every row pushed the table wider
    than a 1366-pixel screen.
    """
    if moment is None:
        return missing
    local = timezone.localtime(moment)
    if short:
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    return f"{local:%Y-%m-%d %H:%M} {newsroom_zone_label(moment)}"
