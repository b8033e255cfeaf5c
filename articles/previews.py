"""Signed, expiring, revocable preview links to stories that are not public.

The token is a PreviewLink id signed with the secret key and a salt of its
own (no timestamp: the row holds the expiry), so a token cannot be forged or reused for anything else; the row makes
the link revocable and gives it the expiry the editor chose.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import PreviewLink
from newsroom.display import newsroom_time_display

SALT = "articles.preview-link"
DEFAULT_LIFETIME = datetime.timedelta(days=7)


class PreviewLinkUnavailable(Exception):
    """A token that leads nowhere; ``status`` is 404 (unknown) or 410 (ended)."""

    def __init__(self, message, *, status=404):
        super().__init__(message)
        self.message = message
        self.status = status


def preview_link_default_expiry(*, now=None):
    expiry = (now or timezone.now()) + DEFAULT_LIFETIME
    return expiry.replace(second=0, microsecond=0)


def preview_link_create(*, article, user, recipient, expires_at=None):
    return PreviewLink.objects.create(
        article=article,
        recipient=recipient,
        expires_at=expires_at or preview_link_default_expiry(),
        created_by=user,
    )


def _signer():
    # No timestamp in the token: the row holds the expiry, and the same link
    # should always print the same address.
    return signing.Signer(salt=SALT)


def preview_link_token(link):
    return _signer().sign_object(link.pk)


def preview_link_path(link):
    return reverse("articles:preview", kwargs={"token": preview_link_token(link)})


def preview_link_url(link):
    """The absolute address to send to the journalist or official."""
    return f"{settings.SITE_URL}{preview_link_path(link)}"


def preview_link_revoke(*, link, now=None):
    link.revoke(now=now)
    link.save(update_fields=["revoked_at"])
    return link


def preview_link_resolve(token, *, now=None):
    """The live PreviewLink for ``token``, or PreviewLinkUnavailable saying why."""
    try:
        pk = _signer().unsign_object(token)
    except signing.BadSignature:
        raise PreviewLinkUnavailable(
            _("This preview address is not valid. Check that it was copied in full.")
        ) from None
    link = (
        PreviewLink.objects.select_related("article").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if link is None:
        raise PreviewLinkUnavailable(_("This preview link no longer exists."), status=410)
    if link.revoked_at is not None:
        raise PreviewLinkUnavailable(
            _("This preview link has been withdrawn by the newsroom."), status=410
        )
    if link.expires_at <= (now or timezone.now()):
        raise PreviewLinkUnavailable(
            _("This preview link expired on %(when)s.")
            % {"when": newsroom_time_display(link.expires_at)},
            status=410,
        )
    return link
