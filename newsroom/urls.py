import os
import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_page
from django.views.static import serve

from articles.sitemaps import ArticleSitemap, SectionSitemap
from institutions.sitemaps import AgreementSitemap, InstitutionSitemap, PersonSitemap

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Communications office"

sitemaps = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "institutions": InstitutionSitemap,
    "people": PersonSitemap,
    "agreements": AgreementSitemap,
}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/", include("articles.feed_urls")),
    path(
        "sitemap.xml",
        cache_page(60 * 15)(sitemap),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("", include("articles.urls")),
    path("", include("institutions.urls")),
]

# Uploads are served by the app only where nothing else serves them: in
# development, and in loopback runs with DEBUG off that ask for it
# (NEWSROOM_SERVE_MEDIA=1 for the browser checks and benchmark). Production
# puts a web server or object storage in front of MEDIA_URL.
if settings.DEBUG or os.environ.get("NEWSROOM_SERVE_MEDIA") == "1":
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
