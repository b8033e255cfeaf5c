"""The framework's ceiling: a bare Django view that returns bytes from memory.

Served by its own gunicorn with the same worker settings as the product, it
shows what Django plus gunicorn can do on this machine with no database, no
template and no middleware; each page's requests per second is reported as
a fraction of this. It is a separate WSGI module with its own minimal
settings, so nothing of it is reachable in the product.

``BENCH_CEILING_BYTES`` sets the response size (the benchmark passes the
article page's size).
"""

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path


def ceiling_body(size):
    """``size`` bytes of plausible HTML, built once at start-up."""
    opening, closing = b"<!doctype html><html><body><p>", b"</p></body></html>"
    filler = max(0, size - len(opening) - len(closing))
    return (opening + b"x" * filler + closing)[:size] if size else b""


BODY = ceiling_body(int(os.environ.get("BENCH_CEILING_BYTES", "20000")))


def ceiling_view(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", ceiling_view)]

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-ceiling-serves-no-secrets",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
)
django.setup()
application = get_wsgi_application()
