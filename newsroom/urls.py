"""The whole URL map: every public address, feed and sitemap at a glance."""

import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path, register_converter
from django.views.static import serve

from articles import api as article_api
from articles import feeds as article_feeds
from articles.sitemaps import (
    ArchiveSitemap,
    ArticleSitemap,
    FrontPagesSitemap,
    SectionSitemap,
    TagSitemap,
    news_sitemap,
    news_sitemap_entry,
)
from institutions import api as institution_api
from institutions import calendar as institution_calendar
from institutions import feeds as institution_feeds
from institutions.sitemaps import (
    AgreementSitemap,
    DirectorySitemap,
    InstitutionSitemap,
    PersonSitemap,
)
from newsroom import converters, views, webapi
from newsroom.sitemaps import section_sitemap, sitemap_index

# Bounded date parts for the article addresses (see newsroom/converters.py).
register_converter(converters.YearConverter, "year")
register_converter(converters.MonthConverter, "month")
register_converter(converters.DayConverter, "day")

# The sections of the sitemap index, each at /sitemap-<section>.xml.
sitemaps = {
    "pages": FrontPagesSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "archives": ArchiveSitemap,
    "articles": ArticleSitemap,
    "directories": DirectorySitemap,
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
    *feed_formats("", "latest", article_feeds.ArticleFeed, formats=every_format),
    *feed_formats(
        "section/<slug:slug>/", "section", article_feeds.SectionFeed, formats=every_format
    ),
    # Tag slugs may keep non-ASCII letters, which the slug converter refuses.
    *feed_formats("tag/<str:slug>/", "tag", article_feeds.TagFeed, formats=every_format),
    *feed_formats(
        "institution/<slug:slug>/",
        "institution",
        institution_feeds.InstitutionFeed,
        formats=every_format,
    ),
    *feed_formats(
        "person/<slug:slug>/", "person", institution_feeds.PersonFeed, formats=every_format
    ),
    *feed_formats(
        "agreements/", "agreements", institution_feeds.AgreementFeed, formats=every_format
    ),
]

urlpatterns = [
    path("admin/import/wordpress/", include("articles.admin_wordpress")),
    path("admin/import/press-release/", include(("articles.admin_press_release", "press-release"))),
    path("admin/", admin.site.urls),
    path("feeds/", include((feed_patterns, "feeds"))),
    # The read API (docs/api.md): each app's router, one API object, its schema and docs.
    path("api/v1/", webapi.read_api(article_api.router, institution_api.router).urls),
    # Staff's signed subscription address for agreement expiries (institutions/calendar.py).
    path(
        "calendar/agreements/<str:token>.ics",
        institution_calendar.agreement_calendar,
        name="agreement-calendar",
    ),
    # Not cached by time: the anonymous page cache serves them and forgets
    # them with every change, so a withdrawn story leaves the sitemaps at once.
    # The index names the news sitemap only while it has recent stories.
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": sitemaps, "section_url_name": "sitemap-section", "more": [news_sitemap_entry]},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        section_sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
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
from newsroom import library, media  # noqa: E402

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
        media.public_renditions_only(
            serve,
            # A story's lead image, or a media library picture a public body shows.
            is_public=lambda token: (
                article_media.rendition_folder_public(token)
                or library.library_rendition_folder_public(token)
            ),
        ),
    )
]

# Refusals explain the role (templates/403.html) inside the admin's frame.
handler403 = "newsroom.views.permission_denied"
