"""Every feed of the newsroom, under /feeds/ with the namespace "feeds"."""

from django.urls import path

from articles import feeds
from institutions import feeds as institution_feeds

app_name = "feeds"


def _formats(prefix, name, feed_class, *, formats=("rss", "atom")):
    """RSS at ``<prefix>rss/`` named ``name``; other formats add ``-<format>``."""
    return [
        path(
            f"{prefix}{feed_format}/",
            feed_class(feed_format=feed_format),
            name=name if feed_format == "rss" else f"{name}-{feed_format}",
        )
        for feed_format in formats
    ]


urlpatterns = [
    path("", feeds.feeds_index, name="index"),
    path("feed.xsl", feeds.feed_stylesheet, name="stylesheet"),
    *_formats("", "latest", feeds.ArticleFeed, formats=("rss", "atom", "json")),
    *_formats(
        "section/<slug:slug>/", "section", feeds.SectionFeed, formats=("rss", "atom", "json")
    ),
    # Tag slugs may keep non-ASCII letters, which the slug converter refuses.
    *_formats("tag/<str:slug>/", "tag", feeds.TagFeed),
    *_formats("institution/<slug:slug>/", "institution", institution_feeds.InstitutionFeed),
    *_formats("person/<slug:slug>/", "person", institution_feeds.PersonFeed),
    *_formats("agreements/", "agreements", institution_feeds.AgreementFeed),
]
