"""Sitemaps on the site's public address: an index, and a sitemap per kind of page.

``/sitemap.xml`` is a sitemap index (https://www.sitemaps.org/protocol.html#index)
naming one sitemap per section of ``newsroom.urls.sitemaps`` (pages of 50,000
addresses each, ``?p=2`` onwards), plus sitemaps of other kinds, such as the
Google News one, only while they have something to list. The schema requires
at least one ``<url>`` in a ``<urlset>`` and one ``<sitemap>`` in an index, so
an empty section is left out of the index and its own address answers 404;
the index itself always names the section of fixed pages (the front page).

No sitemap is cached by time: the anonymous page cache serves them and
forgets them with every change, so a withdrawn story leaves at once.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe


class NewsroomSitemap(Sitemap):
    """Absolute URLs on the site's public address, as canonical links use.

    Django would otherwise take the host from the request, which behind a
    proxy or on a staging name is not the address search engines should keep.

    An empty sitemap has no page 1 (Django would serve an empty, invalid
    ``<urlset>``): its address answers 404 and the index leaves it out.
    Subclasses give ``get_latest_lastmod`` from one aggregate; Django's
    default calls ``lastmod()`` on every item (every story).
    """

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    @property
    def paginator(self):
        return Paginator(self._items(), self.limit, allow_empty_first_page=False)

    def get_latest_lastmod(self):
        return None


class NamedPagesSitemap(NewsroomSitemap):
    """Fixed pages, by URL name (``"articles:home"``): front pages and directories."""

    url_names = ()

    def items(self):
        return list(self.url_names)

    def location(self, name):
        return reverse(name)


def sitemap_url(path):
    """``path`` on the site's public address."""
    return settings.SITE_URL + path


def index_item(location, lastmod):
    """An index entry; its lastmod to the second, as the sitemaps' own dates read."""
    if isinstance(lastmod, datetime.datetime):
        lastmod = lastmod.replace(microsecond=0)
    return SitemapIndexItem(location, lastmod)


@require_safe
def section_sitemap(request, sitemaps, section):
    """One section of ``sitemaps``: Django's view, GET and HEAD only."""
    return django_sitemap(request, sitemaps, section=section)


@require_safe
def sitemap_index(request, sitemaps, *, section_url_name, more=()):
    """The sitemap index: every non-empty section of ``sitemaps``, page by page,
    then each of ``more`` that answers.

    ``more`` holds callables returning ``(path, lastmod)`` for a sitemap of
    another kind that has entries now, or None to be left out (the news
    sitemap of the last two days). Addresses are on SITE_URL, like the
    sitemaps' own. One count and one aggregate per section.
    """
    entries = []
    for section, sitemap in sitemaps.items():
        if callable(sitemap):
            sitemap = sitemap()
        pages = sitemap.paginator.num_pages
        if not pages:
            continue
        location = sitemap_url(reverse(section_url_name, kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(index_item(location, lastmod))
        entries += [index_item(f"{location}?p={page}", lastmod) for page in range(2, pages + 1)]
    for source in more:
        found = source()
        if found is not None:
            path, lastmod = found
            entries.append(index_item(sitemap_url(path), lastmod))
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    response["X-Robots-Tag"] = "noindex, noarchive"
    return response
