"""The whole URL map: every public address, feed and sitemap at a glance."""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path, register_converter
from django.views.static import serve

from articles import feeds as article_feeds
from articles.sitemaps import ArticleSitemap, SectionSitemap, news_sitemap
from institutions import feeds as institution_feeds
from institutions.sitemaps import AgreementSitemap, InstitutionSitemap, PersonSitemap
from newsroom import converters, syndication, views

# Bounded date parts for the article addresses (see newsroom/converters.py).
register_converter(converters.YearConverter, "year")
register_converter(converters.MonthConverter, "month")
register_converter(converters.DayConverter, "day")

sitemaps = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "institutions": InstitutionSitemap,
    "people": PersonSitemap,
    "agreements": AgreementSitemap,
}


def feed_formats(prefix, name, feed_class, *, formats=("rss", "atom")):
    """RSS at ``<prefix>rss/`` named ``name``; other formats add ``-<format>``."""
    return [
        path(
            f"{prefix}{feed_format}/",
            feed_class(feed_format=feed_format),
            name=name if feed_format == "rss" else f"{name}-{feed_format}",
        )
        for feed_format in formats
    ]


every_format = ("rss", "atom", "json")
feed_patterns = [
    path("", article_feeds.feeds_index, name="index"),
    path("feed.xsl", syndication.feed_stylesheet, name="stylesheet"),
    *feed_formats("", "latest", article_feeds.ArticleFeed, formats=every_format),
    *feed_formats(
        "section/<slug:slug>/", "section", article_feeds.SectionFeed, formats=every_format
    ),
    # Tag slugs may keep non-ASCII letters, which the slug converter refuses.
    *feed_formats("tag/<str:slug>/", "tag", article_feeds.TagFeed),
    *feed_formats("institution/<slug:slug>/", "institution", institution_feeds.InstitutionFeed),
    *feed_formats("person/<slug:slug>/", "person", institution_feeds.PersonFeed),
    *feed_formats("agreements/", "agreements", institution_feeds.AgreementFeed),
]

urlpatterns = [
    path("admin/import/wordpress/", include("articles.admin_wordpress")),
    path("admin/import/press-release/", include(("articles.admin_press_release", "press-release"))),
    path("admin/", admin.site.urls),
    path("feeds/", include((feed_patterns, "feeds"))),
    # Not cached by time: the anonymous page cache serves it and forgets it
    # with every change, so a withdrawn story leaves the sitemap at once.
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("news-sitemap.xml", news_sitemap, name="news-sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    # Home, news, sections, tags, archives, articles, search, previews.
    path("", include("articles.urls")),
    # institutions/, people/, agreements/.
    path("", include("institutions.urls")),
]

# Media (docs/media.md). Originals and the renditions of stories that are
# not public are never at a public address: staff read any stored file at
# /admin/media/<name> (session and permission checked on every request), and
# a preview link's reader gets its story's renditions under the link itself.
# Imported here, with the routes they serve.
from articles import media as article_media  # noqa: E402
from newsroom import media  # noqa: E402

urlpatterns = [
    # Ahead of admin.site.urls, whose catch-all would answer first.
    path(
        "admin/media/<path:path>",
        media.staff_media,
        {"permission": "articles.view_article"},
        name=media.STAFF_MEDIA_URL_NAME,
    ),
    *urlpatterns,
    path(
        "preview/<str:token>/media/<path:path>",
        article_media.preview_media,
        name=article_media.PREVIEW_MEDIA_URL_NAME,
    ),
]

# MEDIA_URL is answered by the app only where nothing else serves it: in
# development, and in loopback runs with DEBUG off that ask for it
# (NEWSROOM_SERVE_MEDIA=1 for the browser checks and benchmark), and then with
# the renditions of public stories only. Production puts a web server or
# object storage in front of MEDIA_URL that exposes renditions/ and nothing else.
urlpatterns += [
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
        media.public_renditions_only(serve, is_public=article_media.rendition_folder_public),
    )
]
