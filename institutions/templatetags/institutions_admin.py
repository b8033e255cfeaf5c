"""What the admin index shows about agreements: what runs out soon, what lapsed lately."""

from django import template
from django.urls import reverse
from django.utils import timezone

from institutions.calendar import VIEW_PERMISSION, agreement_calendar_url, calendar_user_allowed
from institutions.expiry import (
    EXPIRING_SOON_DAYS,
    RECENTLY_LAPSED_DAYS,
    expiring_condition,
    lapsed_condition,
)
from institutions.models import Agreement

register = template.Library()

AGREEMENTS_SHOWN = 20


def _rows(agreements, *, today):
    return [
        {"agreement": agreement, "days": abs((agreement.expires_on - today).days)}
        for agreement in agreements
    ]


@register.inclusion_tag("admin/institutions/agreements_expiring.html", takes_context=True)
def agreements_expiring(context):
    """Agreements expiring within 90 days and lapsed in the last 180, for anyone who may
    view agreements, with their calendar subscription address. Two queries.

    One row more than shown is read to know whether the changelist has more.
    """
    user = context["request"].user
    if not (user.is_active and user.has_perm(VIEW_PERMISSION)):
        return {"shown": False}
    today = timezone.localdate()
    agreements = Agreement.objects.only("title", "expires_on")
    expiring = list(
        agreements.filter(expiring_condition(within=EXPIRING_SOON_DAYS, on=today)).order_by(
            "expires_on", "title", "pk"
        )[: AGREEMENTS_SHOWN + 1]
    )
    lapsed = list(
        agreements.filter(lapsed_condition(within=RECENTLY_LAPSED_DAYS, on=today)).order_by(
            "-expires_on", "title", "pk"
        )[: AGREEMENTS_SHOWN + 1]
    )
    changelist = reverse("admin:institutions_agreement_changelist")
    return {
        "shown": True,
        "soon_days": EXPIRING_SOON_DAYS,
        "lapsed_days": RECENTLY_LAPSED_DAYS,
        "expiring": _rows(expiring[:AGREEMENTS_SHOWN], today=today),
        "expiring_more": len(expiring) > AGREEMENTS_SHOWN,
        "expiring_url": f"{changelist}?expiry=90-days",
        "lapsed": _rows(lapsed[:AGREEMENTS_SHOWN], today=today),
        "lapsed_more": len(lapsed) > AGREEMENTS_SHOWN,
        "lapsed_url": f"{changelist}?expiry=expired",
        "calendar_url": agreement_calendar_url(user) if calendar_user_allowed(user) else "",
    }
