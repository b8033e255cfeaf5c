import datetime

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles.models import Article, Section
from newsroom.sitemaps import NewsroomSitemap

# Google News reads at most this many URLs, from the last two days.
NEWS_SITEMAP_MAX = 1000
NEWS_SITEMAP_DAYS = 2


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


@require_safe
def news_sitemap(request):
    """Google News sitemap: published stories of the last two days, newest first."""
    since = timezone.now() - datetime.timedelta(days=NEWS_SITEMAP_DAYS)
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .newest_first()
        .only("headline", "slug", "published_at", "created_at")[:NEWS_SITEMAP_MAX]
    )
    return render(
        request,
        "sitemaps/news.xml",
        {
            "articles": articles,
            "publication_name": settings.NEWSROOM_NAME,
            "publication_language": settings.NEWSROOM_LANGUAGE,
        },
        content_type="application/xml; charset=utf-8",
    )
