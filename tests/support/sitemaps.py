"""Reading sitemaps, and the records the sitemap tests list."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree

from articles.models import ArticleStatus
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_section,
)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP_NS, "news": NEWS_NS}
XSD = Path(settings.BASE_DIR) / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
needs_xsd = pytest.mark.skipif(
    not XSD.exists(), reason="npm package 'sitemap' (sitemap.xsd) not installed"
)


def parse(response):
    assert response.status_code == 200
    return etree.fromstring(response.content)


def every_sitemap(client):
    """Every URL the sitemap index leads to, gathered into one <urlset>.

    /sitemap.xml is an index of one sitemap per kind of page; a crawler reads
    them all, and so does this.
    """
    index = parse(client.get("/sitemap.xml"))
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    merged = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS})
    for loc in index.iterfind("s:sitemap/s:loc", NS):
        path = "/" + loc.text.split("://", 1)[1].split("/", 1)[1]
        if path.startswith("/news-sitemap"):
            continue
        merged.extend(parse(client.get(path)).findall("s:url", NS))
    return merged


def locs(tree):
    return [loc.text for loc in tree.iterfind("s:url/s:loc", NS)]


def lastmods(tree):
    """Each listed address with its lastmod text (None where there is none)."""
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in tree.iterfind("s:url", NS)
    }


def sitemap_stories():
    """Two public stories in one section; a draft and a scheduled one in a quiet section."""
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
    return {"public": public, "old": old, "section": section, "quiet": quiet}


def sitemap_entities():
    """One institution, one person and one agreement."""
    return {
        "institution": make_institution(slug="kaist"),
        "person": make_person(slug="choi"),
        "agreement": make_agreement(slug="mou-2026"),
    }
