from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Communications office"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/", include("articles.feed_urls")),
    path("", include("articles.urls")),
    path("", include("institutions.urls")),
]
