from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_page

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
