"""The benchmark's settings with every cache turned off (``BENCH_CACHE=off``).

The issue asks for uncached figures wherever caching helps a page reach its
goal; serving through this module gives them without touching the product's
own settings.
"""

from bench.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
