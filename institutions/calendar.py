"""A calendar of agreement expiries that staff subscribe to from their calendar app.

Calendar apps cannot sign in, so the address itself is the key: the user's
id signed with the secret key under a salt that includes the user's password
hash. Nothing is stored. The address stops working when the user

- changes their password (or an administrator sets a new one): the salt changes;
- is deactivated, loses staff status, or loses the permission to view agreements;
- or when ``SECRET_KEY`` is rotated out of ``SECRET_KEY_FALLBACKS`` (everyone's).

Django also rehashes a password on the next sign-in after an upgrade that
strengthens the hasher, which changes the hash and so the address: the admin
index always shows the current one.

Answers are ``Cache-Control: private``: the anonymous page cache never
stores them (``AnonymousPageCacheMiddleware.is_cacheable``), so a revoked
address stops working at once.
"""

import datetime
import re

import icalendar
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from institutions.models import Agreement, AgreementParty

SALT = "institutions.agreement-calendar"
# Readable in the token, so the user can be found before the signature is
# checked; at most 18 digits, so a hostile address never overflows the query.
USER_ID = re.compile(r"[1-9][0-9]{0,17}")
SEPARATOR = "."  # not in the URL-safe base64 of the signature; a colon is, for some clients
VIEW_PERMISSION = "institutions.view_agreement"
ALARM_BEFORE = datetime.timedelta(days=30)
# How often calendar apps that honour it should fetch the calendar again.
REFRESH_INTERVAL = datetime.timedelta(hours=6)


def _signer(user):
    return signing.Signer(salt=f"{SALT}:{user.password}", sep=SEPARATOR)


def calendar_user_allowed(user):
    return user.is_active and user.is_staff and user.has_perm(VIEW_PERMISSION)


def agreement_calendar_token(user):
    return _signer(user).sign(str(user.pk))


def agreement_calendar_url(user):
    """The absolute subscription address for ``user``; the same on every call."""
    path = reverse("agreement-calendar", kwargs={"token": agreement_calendar_token(user)})
    return f"{settings.SITE_URL}{path}"


def agreement_calendar_user(token):
    """The user the token was made for, if it still opens the calendar; else None."""
    user_id, _, _ = token.rpartition(SEPARATOR)
    if not USER_ID.fullmatch(user_id):
        return None
    user = get_user_model().objects.filter(pk=int(user_id)).first()
    if user is None:
        return None
    try:
        _signer(user).unsign(token)
    except signing.BadSignature:
        return None
    return user if calendar_user_allowed(user) else None


def _host():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def _expiry_event(agreement, *, host):
    admin_url = settings.SITE_URL + reverse(
        "admin:institutions_agreement_change", args=[agreement.pk]
    )
    public_url = settings.SITE_URL + agreement.get_absolute_url()
    parties = ", ".join(party.institution.name for party in agreement.party_rows.all())
    description = "\n".join(
        [
            f"Parties: {parties or 'none recorded'}",
            f"{agreement.get_kind_display()} signed on {agreement.signed_on.isoformat()}; "
            f"last day in force {agreement.expires_on.isoformat()}.",
            f"Admin: {admin_url}",
            f"Public page: {public_url}",
        ]
    )
    event = icalendar.Event()
    # The row id, not the slug or title: an edit moves the event, never duplicates it.
    event.add("uid", f"agreement-{agreement.pk}-expiry@{host}")
    event.add("dtstamp", agreement.updated_at)
    event.add("last-modified", agreement.updated_at)
    event.add("sequence", agreement.version)
    event.add("summary", f"Agreement expires: {agreement.title}")
    event.add("description", description)
    event.add("url", admin_url)
    # All day on the last day in force; DTEND is exclusive.
    event.add("dtstart", agreement.expires_on)
    event.add("dtend", agreement.expires_on + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Agreement expires in 30 days: {agreement.title}")
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def agreement_calendar_document():
    """Every agreement with an expiry date as one all-day event: two queries."""
    agreements = (
        Agreement.objects.filter(expires_on__isnull=False)
        .prefetch_related(
            Prefetch(
                "party_rows",
                queryset=AgreementParty.objects.select_related("institution"),
            )
        )
        .order_by("expires_on", "pk")
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.NEWSROOM_NAME}//Agreement expiries//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Agreement expiries · {settings.NEWSROOM_NAME}")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL))
    host = _host()
    for agreement in agreements:
        calendar.add_component(_expiry_event(agreement, host=host))
    return calendar.to_ical()


@require_safe
def agreement_calendar(request, token):
    """The calendar for a subscription address; 404 for any address that no longer opens it."""
    if agreement_calendar_user(token) is None:
        raise Http404("No calendar at this address.")
    response = HttpResponse(
        agreement_calendar_document(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="agreement-expiries.ics"'
    # A secret address: never indexed, never kept by a shared cache.
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True)
    return response
