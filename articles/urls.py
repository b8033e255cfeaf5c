from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/", views.ArticleIndexView.as_view(), name="index"),
    path("news/section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("news/tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("news/<year:year>/", views.ArticleYearArchiveView.as_view(), name="archive-year"),
    path(
        "news/<year:year>/<month:month>/",
        views.ArticleMonthArchiveView.as_view(),
        name="archive-month",
    ),
    path(
        "news/<year:year>/<month:month>/<day:day>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<str:token>/", views.ArticlePreviewView.as_view(), name="preview"),
]
