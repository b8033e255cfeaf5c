"""The site's sitemaps and robots.txt: absolute addresses on SITE_URL, valid XML, safe methods."""

import pytest
from django.urls import reverse
from lxml import etree

from tests.support.sitemaps import (
    NS,
    SITEMAP_NS,
    XSD,
    every_sitemap,
    needs_xsd,
    sitemap_entities,
    sitemap_stories,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    """Something for every sitemap of /sitemap.xml, on the newsroom's public address."""
    settings.SITE_URL = "https://news.example.ac.kr"
    return {**sitemap_stories(), **sitemap_entities()}


def test_sitemap_is_structurally_sound(client, site):
    tree = every_sitemap(client)

    assert tree.tag == f"{{{SITEMAP_NS}}}urlset"
    urls = tree.findall("s:url", NS)
    assert urls
    for url in urls:
        assert url.findtext("s:loc", namespaces=NS).startswith("https://news.example.ac.kr/")
        children = {etree.QName(child).localname for child in url}
        assert children <= {"loc", "lastmod", "changefreq", "priority"}


@needs_xsd
def test_sitemap_validates_against_the_sitemaps_org_schema(client, site):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    tree = every_sitemap(client)

    assert schema.validate(tree), schema.error_log


def test_sitemaps_answer_head_and_refuse_post(client, site):
    for url in ["/sitemap.xml", reverse("news-sitemap"), "/robots.txt"]:
        head = client.head(url)
        assert head.status_code == 200, url
        assert head.content == b""
    assert client.post(reverse("news-sitemap")).status_code == 405
    assert client.post("/robots.txt").status_code == 405


def test_robots_txt_points_at_both_sitemaps(client, settings):
    settings.SITE_URL = "https://news.example.ac.kr"

    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: https://news.example.ac.kr/sitemap.xml" in body
    assert "Sitemap: https://news.example.ac.kr/news-sitemap.xml" in body
    assert "Disallow: /admin/" in body
