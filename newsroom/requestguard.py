"""Refuse hostile addresses early, and send the policy headers Django lacks.

A NUL in a path or query (``/news/tag/%00/``, ``/search/?q=%00``) reached
PostgreSQL, which refuses NUL in text and raised a 500; other C0 control
characters never belong in an address either. Such a request is answered
400 here, in plain text, before sessions, the page cache or any query.

Malformed percent-encoding and invalid UTF-8 need nothing here: Django keeps
``%zz`` as it is and decodes broken UTF-8 to U+FFFD (path: re-percent-encoded),
so neither reaches a view as anything but harmless text.

Django 6.1 has no setting for ``Permissions-Policy`` or
``Cross-Origin-Resource-Policy``, so the same middleware adds both to every
response, from ``NEWSROOM_PERMISSIONS_POLICY`` and
``NEWSROOM_CROSS_ORIGIN_RESOURCE_POLICY``.
"""

import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponseBadRequest

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f]")
CONTROL_BYTES = re.compile(rb"[\x00-\x1f]")


def address_is_hostile(request):
    """Whether the decoded path or query string holds a C0 control character."""
    if CONTROL_CHARACTERS.search(request.path_info):
        return True
    query = request.META.get("QUERY_STRING", "")
    return bool(query) and bool(CONTROL_BYTES.search(unquote_to_bytes(query)))


def permissions_policy_header(policy):
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class RequestGuardMiddleware:
    """400 for control characters in the address; policy headers on every answer.

    Sits right after SecurityMiddleware, so every response from further in
    (pages, page-cache hits, WhiteNoise's static files, this 400) gets the
    headers on its way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.NEWSROOM_PERMISSIONS_POLICY)
        self.resource_policy = settings.NEWSROOM_CROSS_ORIGIN_RESOURCE_POLICY

    def __call__(self, request):
        if address_is_hostile(request):
            response = HttpResponseBadRequest(
                "Bad request: the address contains control characters.\n",
                content_type="text/plain; charset=utf-8",
            )
        else:
            response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if self.resource_policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.resource_policy)
        return response
