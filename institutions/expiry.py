"""When agreements run out: the windows the admin's expiry filter and index share.

An agreement's ``expires_on`` is its last day in force, so one expiring today
is still "expiring", not "expired". Days are the newsroom's (``localdate``).
"""

import datetime

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXPIRING_SOON_DAYS = 90
EXPIRING_THIS_YEAR_DAYS = 365
RECENTLY_LAPSED_DAYS = 180


def expiring_condition(*, within, on=None):
    """In force on ``on`` (today) and expiring at most ``within`` days later."""
    on = on or timezone.localdate()
    return Q(expires_on__gte=on, expires_on__lte=on + datetime.timedelta(days=within))


def lapsed_condition(*, within=None, on=None):
    """Expired before ``on`` (today); with ``within``, at most that many days before."""
    on = on or timezone.localdate()
    condition = Q(expires_on__lt=on)
    if within is not None:
        condition &= Q(expires_on__gte=on - datetime.timedelta(days=within))
    return condition


class AgreementExpiryFilter(admin.SimpleListFilter):
    """The agreements changelist by how soon they run out."""

    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("expired", _("Expired")),
            ("90-days", _("Expires within 90 days")),
            ("year", _("Expires within a year")),
            ("open-ended", _("Open-ended")),
            ("in-force", _("In force")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "expired":
                return queryset.filter(lapsed_condition())
            case "90-days":
                return queryset.filter(expiring_condition(within=EXPIRING_SOON_DAYS))
            case "year":
                return queryset.filter(expiring_condition(within=EXPIRING_THIS_YEAR_DAYS))
            case "open-ended":
                return queryset.filter(expires_on__isnull=True)
            case "in-force":
                return queryset.in_force()
        return queryset
