from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap


class NewsroomSitemap(Sitemap):
    """Absolute URLs on the site's public address, as canonical links use.

    Django would otherwise take the host from the request, which behind a
    proxy or on a staging name is not the address search engines should keep.
    """

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc
