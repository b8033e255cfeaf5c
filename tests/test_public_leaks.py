"""No unpublished story may show up anywhere a reader or a crawler can go."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.support.gate import SEARCH_WORD, gated_newsroom

# Stories published hours ago, reached by their dated addresses and archive months.
pytestmark = [pytest.mark.django_db, pytest.mark.clock_sensitive]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


@pytest.fixture
def newsroom():
    return gated_newsroom()


def _assert_clean(response, hidden, where):
    body = response.content.decode()
    for article in hidden:
        assert article.headline not in body, f"{article.headline!r} leaked on {where}"
        assert article.slug not in body, f"{article.slug!r} leaked on {where}"
        assert f"Quote in {article.headline}" not in body, f"quote leaked on {where}"


def _known_urls(data):
    story = data["public"][0]
    local = timezone.localtime(story.published_at)
    urls = [
        "/",
        reverse("articles:index"),
        data["section"].get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "genomics"}),
        reverse("articles:tag", kwargs={"slug": "zebrafish"}),
        reverse("articles:archive-year", kwargs={"year": local.year}),
        reverse("articles:archive-month", kwargs={"year": local.year, "month": local.month}),
        reverse("articles:search") + f"?q={SEARCH_WORD}",
        reverse("articles:search") + "?q=Secret",
        reverse("articles:search") + "?q=KAIST",
        reverse("institutions:index"),
        reverse("institutions:person-list"),
        reverse("institutions:agreement-list"),
        data["person"].get_absolute_url(),
        data["agreement"].get_absolute_url(),
        "/sitemap.xml",
        reverse("news-sitemap"),
        "/robots.txt",
    ]
    urls += [institution.get_absolute_url() for institution in data["institutions"]]
    urls += [article.get_absolute_url() for article in data["public"]]
    # Feeds belong to another part of the site, but they are public too.
    urls += [reverse(name) for name in ["feeds:latest", "feeds:latest-atom", "feeds:index"]]
    urls += [
        reverse("feeds:section", kwargs={"slug": "research"}),
        reverse("feeds:tag", kwargs={"slug": "zebrafish"}),
        reverse("feeds:institution", kwargs={"slug": "kaist"}),
        reverse("feeds:person", kwargs={"slug": "choi-speaker"}),
    ]
    return urls


def test_no_public_url_shows_a_hidden_story(client, newsroom):
    for url in _known_urls(newsroom):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response, newsroom["hidden"], url)


def test_hidden_stories_give_404_at_their_own_address(client, newsroom):
    for article in newsroom["hidden"]:
        assert client.get(article.get_absolute_url()).status_code == 404


def test_crawling_every_link_from_the_front_page_finds_no_hidden_story(client, newsroom):
    seen, queue = set(), ["/"]
    while queue and len(seen) < 200:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response, newsroom["hidden"], url)
        if "html" not in response["Content-Type"]:
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = urlsplit(urljoin(url, href))
            if target.netloc and target.netloc not in {"testserver", "127.0.0.1:8000"}:
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path.startswith(("/admin/", "/static/", "/media/")) or path in seen:
                continue
            queue.append(path)
    # The crawl really went through the site: every page type was reached.
    expected = {article.get_absolute_url() for article in newsroom["public"]}
    expected |= {institution.get_absolute_url() for institution in newsroom["institutions"]}
    expected |= {
        newsroom["section"].get_absolute_url(),
        newsroom["person"].get_absolute_url(),
        newsroom["agreement"].get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "zebrafish"}),
        reverse("articles:index"),
    }
    assert expected <= seen, expected - seen
    assert any(path.startswith("/news/20") and path.count("/") == 4 for path in seen)
