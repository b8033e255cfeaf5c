import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.models import ArticleStatus
from tests.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_section,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP_NS, "news": NEWS_NS}
XSD = Path(django_settings.BASE_DIR) / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://news.example.ac.kr"
    section = make_section(slug="research")
    quiet = make_section(slug="quiet")  # nothing public: no lastmod to give
    public = make_article(
        headline="Public story",
        slug="public-story",
        section=section,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    make_article(
        headline="Draft story", slug="draft-story", status=ArticleStatus.DRAFT, section=quiet
    )
    make_article(
        headline="Scheduled story",
        slug="scheduled-story",
        section=quiet,
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    old = make_article(
        headline="Old story",
        slug="old-story",
        published_at=timezone.now() - datetime.timedelta(days=5),
        section=section,
    )
    return {
        "public": public,
        "old": old,
        "section": section,
        "institution": make_institution(slug="kaist"),
        "person": make_person(slug="choi"),
        "agreement": make_agreement(slug="mou-2026"),
    }


def _parse(response):
    assert response.status_code == 200
    return etree.fromstring(response.content)


def _locs(tree):
    return [loc.text for loc in tree.iterfind("s:url/s:loc", NS)]


def test_sitemap_lists_public_articles_and_every_entity_with_lastmod(client, site):
    tree = _parse(client.get("/sitemap.xml"))
    locs = _locs(tree)
    base = "https://news.example.ac.kr"

    expected = [
        site["public"].get_absolute_url(),
        site["old"].get_absolute_url(),
        site["section"].get_absolute_url(),
        site["institution"].get_absolute_url(),
        site["person"].get_absolute_url(),
        site["agreement"].get_absolute_url(),
    ]
    for path in expected:
        assert base + path in locs
    assert not any("draft-story" in loc or "scheduled-story" in loc for loc in locs)
    for url in tree.iterfind("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        if "/news/section/quiet/" in loc:
            assert url.find("s:lastmod", NS) is None
        else:
            assert url.findtext("s:lastmod", namespaces=NS), loc


def test_section_lastmod_is_its_newest_public_story(client, site):
    tree = _parse(client.get("/sitemap.xml"))

    for url in tree.iterfind("s:url", NS):
        if url.findtext("s:loc", namespaces=NS).endswith("/news/section/research/"):
            lastmod = url.findtext("s:lastmod", namespaces=NS)
    expected = site["public"].published_at.astimezone(datetime.UTC).date().isoformat()
    assert lastmod.startswith(expected)


def test_sitemap_is_structurally_sound(client, site):
    tree = _parse(client.get("/sitemap.xml"))

    assert tree.tag == f"{{{SITEMAP_NS}}}urlset"
    urls = tree.findall("s:url", NS)
    assert urls
    for url in urls:
        assert url.findtext("s:loc", namespaces=NS).startswith("https://news.example.ac.kr/")
        children = {etree.QName(child).localname for child in url}
        assert children <= {"loc", "lastmod", "changefreq", "priority"}


@pytest.mark.skipif(not XSD.exists(), reason="npm package 'sitemap' (sitemap.xsd) not installed")
def test_sitemap_validates_against_the_sitemaps_org_schema(client, site):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    tree = _parse(client.get("/sitemap.xml"))

    assert schema.validate(tree), schema.error_log


def test_news_sitemap_has_only_the_last_two_days_of_public_stories(client, site):
    response = client.get(reverse("news-sitemap"))
    tree = _parse(response)

    assert response["Content-Type"].startswith("application/xml")
    locs = _locs(tree)
    assert locs == ["https://news.example.ac.kr" + site["public"].get_absolute_url()]
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


@pytest.mark.skipif(not XSD.exists(), reason="npm package 'sitemap' (sitemap.xsd) not installed")
def test_news_sitemap_without_news_tags_validates_against_the_schema(client, site):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    tree = _parse(client.get(reverse("news-sitemap")))
    for element in tree.findall(".//news:news", NS):
        element.getparent().remove(element)

    assert schema.validate(tree), schema.error_log


def test_news_sitemap_stops_at_a_thousand(client, settings, monkeypatch):
    monkeypatch.setattr("articles.sitemaps.NEWS_SITEMAP_MAX", 3)
    for _ in range(5):
        make_article(published_at=timezone.now() - datetime.timedelta(hours=1))

    tree = _parse(client.get(reverse("news-sitemap")))

    assert len(tree.findall("s:url", NS)) == 3


def test_news_sitemap_escapes_headlines(client):
    make_article(
        headline="Lab & clinic <together>",
        published_at=timezone.now() - datetime.timedelta(minutes=5),
    )

    tree = _parse(client.get(reverse("news-sitemap")))

    assert tree.findtext("s:url/news:news/news:title", namespaces=NS) == "Lab & clinic <together>"


def test_sitemaps_answer_head_and_refuse_post(client, site):
    for url in ["/sitemap.xml", reverse("news-sitemap"), "/robots.txt"]:
        head = client.head(url)
        assert head.status_code == 200, url
        assert head.content == b""
    assert client.post(reverse("news-sitemap")).status_code == 405
    assert client.post("/robots.txt").status_code == 405
