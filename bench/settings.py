"""The product's settings plus the benchmark app (its seeding and page-discovery commands).

``make bench`` serves and seeds through this module, so the product's own
settings never name ``bench`` and the product never imports it.
"""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
