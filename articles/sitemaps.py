import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles.models import Article, Section, TaggedArticle
from newsroom.sitemaps import NamedPagesSitemap, NewsroomSitemap

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


def latest_public_change():
    """When the public set of stories last changed: an edit or a publication."""
    latest = Article.objects.published().aggregate(
        edited=Max("updated_at"), published=Max("published_at")
    )
    return max(filter(None, latest.values()), default=None)


class FrontPagesSitemap(NamedPagesSitemap):
    """The front page and the latest-news list, which change with every story."""

    changefreq = "hourly"
    url_names = ("articles:home", "articles:index")

    def lastmod(self, name):
        return self.get_latest_lastmod()

    def get_latest_lastmod(self):
        if not hasattr(self, "_latest"):
            self._latest = latest_public_change()
        return self._latest


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

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(NewsroomSitemap):
    changefreq = "daily"

    def items(self):
        return Section.objects.annotate(
            last_published=latest_publication(section=OuterRef("pk"))
        ).order_by("order", "name")

    def lastmod(self, section):
        return section.last_published

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


class TagSitemap(NewsroomSitemap):
    """Tags that a public story carries, the rule of ``tag_in_public_use``:
    a tag used only on unpublished stories has no page to list."""

    changefreq = "daily"

    def items(self):
        public_links = TaggedArticle.objects.filter(content_object__in=Article.objects.published())
        return (
            Tag.objects.filter(Exists(public_links.filter(tag=OuterRef("pk"))))
            .annotate(last_published=latest_publication(tagged_items__tag=OuterRef("pk")))
            .order_by("name", "pk")
        )

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def lastmod(self, tag):
        return tag.last_published

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


class ArchiveSitemap(NewsroomSitemap):
    """Every year and month holding a public story, newest first.

    From ``months_newest_first``, which on PostgreSQL hops from month to
    month on the newest-first index (cost by months, not stories). The
    months come without a lastmod: finding each one's last change would be
    the scan over every public story that query avoids. The index's lastmod
    for the section is the newest publication, the only change that adds an
    address here.
    """

    changefreq = "weekly"

    def items(self):
        if not hasattr(self, "_items_cache"):
            months = Article.objects.published().months_newest_first(Sitemap.limit)
            years = sorted({month.year for month in months}, reverse=True)
            self._items_cache = [("year", year, None) for year in years] + [
                ("month", month.year, month.month) for month in months
            ]
        return self._items_cache

    def location(self, item):
        kind, year, month = item
        if kind == "year":
            return reverse("articles:archive-year", kwargs={"year": year})
        return reverse("articles:archive-month", kwargs={"year": year, "month": month})

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


def recent_public_stories():
    """Public stories of the last two days, newest first."""
    since = timezone.now() - datetime.timedelta(days=NEWS_SITEMAP_DAYS)
    return Article.objects.published().filter(published_at__gte=since).newest_first()


def news_sitemap_entry():
    """The news sitemap's place in the sitemap index: (path, newest publication),
    or None when no story is recent enough to be in it."""
    newest = recent_public_stories().values_list("published_at", flat=True).first()
    if newest is None:
        return None
    return reverse("news-sitemap"), newest


@require_safe
def news_sitemap(request):
    """Google News sitemap: published stories of the last two days, newest first.

    With none that recent, the answer is still a valid sitemap: the newest
    public story (or, before the first, the front page) without news
    metadata. The schema refuses an empty ``<urlset>``; a 404 or a redirect
    would be reported as a failed fetch by the crawlers given this address
    (robots.txt, Search Console); and Google's guidance for News sitemaps
    allows an older story to stay listed without its ``<news:news>``
    (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap).
    The sitemap index names this sitemap only while it has recent stories.
    """
    articles = list(
        recent_public_stories().only("headline", "slug", "published_at", "created_at")[
            :NEWS_SITEMAP_MAX
        ]
    )
    if not articles:
        newest = (
            Article.objects.published()
            .newest_first()
            .only("slug", "published_at", "created_at", "updated_at")
            .first()
        )
        location = newest.get_absolute_url() if newest else reverse("articles:home")
        urlset = [
            {"location": settings.SITE_URL + location, "lastmod": newest and newest.updated_at}
        ]
        return render(
            request,
            "sitemap.xml",
            {"urlset": urlset},
            content_type="application/xml; charset=utf-8",
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
