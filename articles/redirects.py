"""Old addresses of imported stories answer 301 to where the story lives now.

An imported site's addresses (WordPress's ``/2019/05/slug/``, ``/?p=123``)
are kept in ``ImportedAddress``. ``ImportedAddressRedirectMiddleware`` looks
one up in two cases only, so ordinary pages pay nothing: a response that is
about to be a 404, and a request carrying WordPress's numeric ``?p=``, whose
path (the old front page, ``/``) is a page of ours that would answer 200.

It belongs in ``MIDDLEWARE`` after ``DatabaseOutageMiddleware`` (a lost
database still answers 503) and before ``AnonymousPageCacheMiddleware``
(which would otherwise answer ``/?p=123`` with the cached front page).

Only a public story is redirected to: the address of a draft would give its
slug away, so its old addresses stay 404 until it is published.
"""

import unicodedata
from urllib.parse import unquote

from django.http import HttpResponsePermanentRedirect

from articles.models import ImportedAddress
from newsroom.requestguard import CONTROL_CHARACTERS

# The longest old address kept (the model's limit); anything longer is no key.
PATH_KEY_MAX_LENGTH = ImportedAddress._meta.get_field("path").max_length


def imported_path_key(path, *, post_id=None):
    """An old address as ``ImportedAddress.path`` keeps it.

    Percent-escapes decoded (WordPress writes ``%ed%95%9c``, browsers send
    ``%ED%95%9C``), Unicode in NFC, lower case, no trailing slash and no
    ``index.php``; of the query only WordPress's post id survives, as
    ``?p=<id>``. ``"/2019/05/Slug/"`` and ``"/2019/05/slug"`` are one key.
    """
    path = unicodedata.normalize("NFC", unquote(path or "/")).casefold()
    if path.endswith("/index.php"):
        path = path[: -len("index.php")]
    path = "/" + path.strip("/")
    if path != "/":
        path = path.rstrip("/")
    return f"{path}?p={post_id}" if post_id is not None else path


def _post_id(request):
    value = request.GET.get("p", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def imported_address_redirect(request, *, post_id=None):
    """A 301 to the public story that had this address on an imported site, or None."""
    if request.method not in ("GET", "HEAD"):
        return None
    key = imported_path_key(request.path, post_id=post_id)
    # Decoding the escapes once more can make a NUL of "%2500", which
    # PostgreSQL refuses in text (a 500); no kept address holds one.
    if len(key) > PATH_KEY_MAX_LENGTH or CONTROL_CHARACTERS.search(key):
        return None
    address = (
        ImportedAddress.objects.filter(path=key).select_related("article").order_by("pk").first()
    )
    if address is None or not address.article.is_published():
        return None
    return HttpResponsePermanentRedirect(address.article.get_absolute_url())


class ImportedAddressRedirectMiddleware:
    """Answers an imported site's old addresses with a 301 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        post_id = _post_id(request)
        if post_id is not None and (
            redirect := imported_address_redirect(request, post_id=post_id)
        ):
            return redirect
        response = self.get_response(request)
        if response.status_code == 404:
            return imported_address_redirect(request) or response
        return response
