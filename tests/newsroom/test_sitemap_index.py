"""/sitemap.xml is a sitemap index; every sitemap it names, and the news
sitemap, is valid against the sitemaps.org schema, with and without recent stories.

The schema requires at least one ``<url>`` in a ``<urlset>``: an empty
section is left out of the index and answers 404, and the news sitemap,
with no story of the last two days, lists the newest story without news
metadata rather than nothing.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles import sitemaps as article_sitemaps
from articles.models import ArticleStatus
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_section,
)
from tests.support.sitemaps import NS, SITEMAP_NS, XSD, lastmods, locs

pytestmark = pytest.mark.django_db

BASE = "https://news.example.ac.kr"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.SITE_URL = BASE


@pytest.fixture
def schema():
    if not XSD.exists():
        pytest.skip("npm package 'sitemap' (sitemap.xsd) not installed")
    return etree.XMLSchema(etree.parse(str(XSD)))


def _path(location):
    assert location.startswith(BASE + "/"), location
    return location.removeprefix(BASE)


def index_entries(client):
    """The index's (loc, lastmod) pairs, after checking it as the protocol says.

    npm's sitemap package ships no schema for the index, so its rules are
    checked here: the root, at least one ``<sitemap>``, each with an
    absolute ``<loc>`` and at most a W3C datetime ``<lastmod>``.
    """
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    tree = etree.fromstring(response.content)
    assert tree.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    entries = []
    for child in tree:
        assert etree.QName(child).localname == "sitemap"
        assert {etree.QName(part).localname for part in child} <= {"loc", "lastmod"}
        loc = child.findtext("s:loc", namespaces=NS)
        assert 12 <= len(loc) <= 2048
        lastmod = child.findtext("s:lastmod", namespaces=NS)
        if lastmod is not None:
            assert datetime.datetime.fromisoformat(lastmod).utcoffset() is not None
        entries.append((_path(loc), lastmod))
    assert 1 <= len(entries) <= 50_000
    return entries


def fetch_sitemap(client, path, schema):
    """A sitemap's tree, valid against the schema once news metadata is set aside."""
    response = client.get(path)
    assert response.status_code == 200, path
    tree = etree.fromstring(response.content)
    plain = etree.fromstring(response.content)
    for element in plain.findall(".//news:news", NS):
        element.getparent().remove(element)
    assert schema.validate(plain), (path, schema.error_log)
    return tree


def every_listed_address(client, schema):
    """Address -> lastmod over every sitemap the index names (the news
    sitemap, which gives no lastmod, repeats stories the articles' one dates)."""
    listed = {}
    for path, _ in index_entries(client):
        for loc, lastmod in lastmods(fetch_sitemap(client, path, schema)).items():
            listed[loc] = listed.get(loc) or lastmod
    return listed


def make_site(*, recent):
    """Something for every section; the newest story an hour or five days old."""
    now = timezone.now()
    section = make_section(slug="research")
    newest = make_article(
        headline="Newest story",
        slug="newest",
        section=section,
        published_at=now - (datetime.timedelta(hours=1) if recent else datetime.timedelta(days=5)),
        tags=["genomics"],
    )
    older = make_article(
        slug="older", section=section, published_at=now - datetime.timedelta(days=40)
    )
    make_article(
        slug="draft-story", status=ArticleStatus.DRAFT, section=section, tags=["secret-tag"]
    )
    make_article(slug="scheduled-story", section=section, published_at=now + datetime.timedelta(1))
    return {
        "section": section,
        "newest": newest,
        "older": older,
        "institution": make_institution(slug="kaist"),
        "person": make_person(slug="choi"),
        "agreement": make_agreement(slug="mou-2026"),
    }


def _archive_paths(article):
    local = timezone.localtime(article.published_at)
    return [
        reverse("articles:archive-year", kwargs={"year": local.year}),
        reverse("articles:archive-month", kwargs={"year": local.year, "month": local.month}),
    ]


@pytest.mark.parametrize("recent", [True, False], ids=["recent-stories", "none-recent"])
def test_every_listed_sitemap_is_valid_and_lists_every_kind_of_page(client, schema, recent):
    site = make_site(recent=recent)

    listed = every_listed_address(client, schema)

    expected = [
        reverse("articles:home"),
        reverse("articles:index"),
        site["section"].get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "genomics"}),
        *_archive_paths(site["newest"]),
        *_archive_paths(site["older"]),
        site["newest"].get_absolute_url(),
        site["older"].get_absolute_url(),
        reverse("institutions:index"),
        reverse("institutions:person-list"),
        reverse("institutions:agreement-list"),
        site["institution"].get_absolute_url(),
        site["person"].get_absolute_url(),
        site["agreement"].get_absolute_url(),
    ]
    for path in expected:
        assert BASE + path in listed, path
    # Nothing a reader cannot open: no draft, no scheduled story, no tag of a draft alone.
    assert not any(
        word in loc for loc in listed for word in ("draft-story", "scheduled-story", "secret-tag")
    )
    for loc in listed:
        assert client.get(_path(loc)).status_code == 200, loc
    # Records carry their last change; the front pages the newest story's.
    for record in ("newest", "older", "institution", "person", "agreement"):
        assert listed[BASE + site[record].get_absolute_url()], record
    today = timezone.localdate(site["newest"].updated_at).isoformat()
    assert listed[BASE + reverse("articles:home")] == today
    # A section's and a tag's: their newest public story, in the newsroom's zone.
    published = timezone.localdate(site["newest"].published_at).isoformat()
    assert listed[BASE + site["section"].get_absolute_url()] == published
    assert listed[BASE + reverse("articles:tag", kwargs={"slug": "genomics"})] == published


def test_the_index_names_the_news_sitemap_while_it_has_recent_stories(client, schema):
    site = make_site(recent=True)

    entries = dict(index_entries(client))

    news = reverse("news-sitemap")
    assert news in entries
    assert datetime.datetime.fromisoformat(entries[news]) == site["newest"].published_at.replace(
        microsecond=0
    )
    tree = fetch_sitemap(client, news, schema)
    assert locs(tree) == [BASE + site["newest"].get_absolute_url()]
    entry = tree.find("s:url/news:news", NS)
    assert entry.findtext("news:publication/news:name", namespaces=NS)
    assert entry.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert entry.findtext("news:title", namespaces=NS) == "Newest story"
    assert entry.findtext("news:publication_date", namespaces=NS)


def test_without_recent_stories_the_news_sitemap_is_still_valid_and_unlisted(client, schema):
    site = make_site(recent=False)

    entries = dict(index_entries(client))

    news = reverse("news-sitemap")
    assert news not in entries
    # Never an empty <urlset>: the newest story, without news metadata.
    tree = fetch_sitemap(client, news, schema)
    assert locs(tree) == [BASE + site["newest"].get_absolute_url()]
    assert tree.find(".//news:news", NS) is None


def test_a_newsroom_without_stories_still_has_valid_sitemaps(client, schema):
    entries = dict(index_entries(client))

    # Only the fixed pages have something to list; empty sections answer 404.
    assert reverse("sitemap-section", kwargs={"section": "pages"}) in entries
    assert reverse("news-sitemap") not in entries
    for section in ("articles", "tags", "archives", "sections", "people", "agreements"):
        path = reverse("sitemap-section", kwargs={"section": section})
        assert path not in entries
        assert client.get(path).status_code == 404, section
    assert locs(fetch_sitemap(client, reverse("news-sitemap"), schema)) == [BASE + "/"]


def test_large_sections_are_listed_page_by_page(client, schema, monkeypatch):
    monkeypatch.setattr(article_sitemaps.ArticleSitemap, "limit", 2)
    stories = [make_article() for _ in range(3)]

    paths = [path for path, _ in index_entries(client)]

    first = reverse("sitemap-section", kwargs={"section": "articles"})
    assert first in paths and f"{first}?p=2" in paths
    assert f"{first}?p=3" not in paths
    pages = [locs(fetch_sitemap(client, f"{first}?p={page}", schema)) for page in (1, 2)]
    assert sorted(pages[0] + pages[1]) == sorted(BASE + s.get_absolute_url() for s in stories)
    for page in ("3", "0", "x", "9" * 30):
        assert client.get(f"{first}?p={page}").status_code == 404, page


def test_robots_txt_names_only_sitemaps_that_answer(client, schema):
    make_site(recent=False)

    body = client.get("/robots.txt").content.decode()

    named = [line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("Sitemap:")]
    assert BASE + reverse("sitemap") in named
    for location in named:
        assert client.get(_path(location)).status_code == 200, location


def test_sitemaps_answer_head_and_refuse_post(client):
    make_site(recent=True)
    section = reverse("sitemap-section", kwargs={"section": "articles"})

    for path in (reverse("sitemap"), section):
        head = client.head(path)
        assert head.status_code == 200, path
        assert head.content == b""
        assert client.post(path).status_code == 405, path
    assert client.get(reverse("sitemap-section", kwargs={"section": "nothing"})).status_code == 404


def test_the_page_cache_forgets_the_index_when_a_story_is_published(client, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3600
    make_site(recent=False)
    assert reverse("news-sitemap") not in dict(index_entries(client))
    assert client.get(reverse("sitemap"))["X-Page-Cache"] == "hit"

    make_article(published_at=timezone.now() - datetime.timedelta(minutes=5))

    response = client.get(reverse("sitemap"))
    assert response["X-Page-Cache"] == "miss"
    assert reverse("news-sitemap").encode() in response.content


def test_sitemaps_never_show_a_hidden_story_or_tag(client):
    make_site(recent=True)

    for path, _ in index_entries(client):
        body = client.get(path).content.decode()
        for word in ("draft-story", "scheduled-story", "secret-tag"):
            assert word not in body, (path, word)
