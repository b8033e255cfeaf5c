from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery

from articles.models import Article, Section


class NewsroomSitemap(Sitemap):
    """Absolute URLs on the site's public address, as canonical links use.

    Django would otherwise take the host from the request, which behind a
    proxy or on a staging name is not the address search engines should keep.
    """

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def latest_publication(**filters):
    """The newest public publication time among articles matching ``filters``."""
    return Subquery(
        Article.objects.published()
        .filter(**filters)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class ArticleSitemap(NewsroomSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Article.objects.published()
            .newest_first()
            .only("slug", "published_at", "created_at", "updated_at")
        )

    def lastmod(self, article):
        return article.updated_at


class SectionSitemap(NewsroomSitemap):
    changefreq = "daily"

    def items(self):
        return Section.objects.annotate(
            last_published=latest_publication(section=OuterRef("pk"))
        ).order_by("order", "name")

    def lastmod(self, section):
        return section.last_published
