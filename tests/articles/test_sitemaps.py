"""Stories and sections in /sitemap.xml, and the Google News sitemap."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from tests.support.factories import make_article
from tests.support.sitemaps import (
    NS,
    XSD,
    every_sitemap,
    lastmods,
    locs,
    needs_xsd,
    parse,
    sitemap_stories,
)

pytestmark = pytest.mark.django_db

BASE = "https://news.example.ac.kr"


@pytest.fixture
def site(settings):
    settings.SITE_URL = BASE
    return sitemap_stories()


def test_sitemap_lists_public_stories_and_sections_with_lastmod(client, site):
    listed = lastmods(every_sitemap(client))

    for record in (site["public"], site["old"], site["section"]):
        assert listed[BASE + record.get_absolute_url()], record
    assert not any("draft-story" in loc or "scheduled-story" in loc for loc in listed)
    # A section with nothing public has no lastmod to give.
    assert listed[BASE + site["quiet"].get_absolute_url()] is None


@pytest.mark.clock_sensitive
def test_section_lastmod_is_its_newest_public_story(client, site):
    listed = lastmods(every_sitemap(client))

    # The sitemap writes dates in the newsroom's zone (Asia/Seoul), not UTC.
    expected = timezone.localdate(site["public"].published_at).isoformat()
    assert listed[BASE + site["section"].get_absolute_url()] == expected


@pytest.mark.clock_sensitive
def test_news_sitemap_has_only_the_last_two_days_of_public_stories(client, site):
    response = client.get(reverse("news-sitemap"))
    tree = parse(response)

    assert response["Content-Type"].startswith("application/xml")
    assert locs(tree) == [BASE + site["public"].get_absolute_url()]
    news = tree.find("s:url/news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == (
        django_settings.NEWSROOM_NAME
    )
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Public story"
    published = datetime.datetime.fromisoformat(
        news.findtext("news:publication_date", namespaces=NS)
    )
    assert published == site["public"].published_at.replace(microsecond=0)
    assert published.utcoffset() is not None


@needs_xsd
def test_news_sitemap_without_news_tags_validates_against_the_schema(client, site):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    tree = parse(client.get(reverse("news-sitemap")))
    for element in tree.findall(".//news:news", NS):
        element.getparent().remove(element)

    assert schema.validate(tree), schema.error_log


def test_news_sitemap_stops_at_a_thousand(client, settings, monkeypatch):
    monkeypatch.setattr("articles.sitemaps.NEWS_SITEMAP_MAX", 3)
    for _ in range(5):
        make_article(published_at=timezone.now() - datetime.timedelta(hours=1))

    tree = parse(client.get(reverse("news-sitemap")))

    assert len(tree.findall("s:url", NS)) == 3


def test_news_sitemap_escapes_headlines(client):
    make_article(
        headline="Lab & clinic <together>",
        published_at=timezone.now() - datetime.timedelta(minutes=5),
    )

    tree = parse(client.get(reverse("news-sitemap")))

    assert tree.findtext("s:url/news:news/news:title", namespaces=NS) == "Lab & clinic <together>"
