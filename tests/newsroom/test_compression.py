"""Pages, feeds, sitemaps and JSON leave the app server gzip-compressed for
readers who ask, from the page cache too, which keeps one uncompressed copy."""

import datetime
import gzip

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def story():
    # An hour old, so the news sitemap lists it too.
    return make_article(
        headline="Compressed story",
        tags=["genomics"],
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )


def nonce(response):
    return response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]


def test_gzip_sits_outside_the_page_cache():
    """The page cache stores the body it can read (and swap the nonce in)."""
    middleware = django_settings.MIDDLEWARE
    assert middleware.index("django.middleware.gzip.GZipMiddleware") < middleware.index(
        "newsroom.pagecache.AnonymousPageCacheMiddleware"
    )


@pytest.mark.parametrize(
    ("name", "kwargs", "media_type"),
    [
        ("articles:home", {}, "text/html"),
        ("articles:index", {}, "text/html"),
        ("feeds:latest", {}, "application/rss+xml"),
        ("feeds:latest-atom", {}, "application/atom+xml"),
        ("feeds:latest-json", {}, "application/feed+json"),
        ("sitemap", {}, "application/xml"),
        ("news-sitemap", {}, "application/xml"),
    ],
)
def test_responses_are_compressed_for_readers_who_ask(client, story, name, kwargs, media_type):
    url = reverse(name, kwargs=kwargs)

    plain = client.get(url)
    packed = client.get(url, **GZIP)

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    for response in (plain, packed):
        assert response["Content-Type"].startswith(media_type)
        assert "Accept-Encoding" in response["Vary"]
    body = gzip.decompress(packed.content)
    assert int(packed["Content-Length"]) == len(packed.content) < len(body)
    assert (b"Compressed story" in body) == (b"Compressed story" in plain.content)


@pytest.mark.parametrize("first", ["gzip", "identity"])
def test_a_cache_hit_serves_gzip_and_identity_readers_alike(client, settings, story, first):
    settings.NEWSROOM_PAGE_CACHE = True
    url = story.get_absolute_url()
    order = [GZIP, {}] if first == "gzip" else [{}, GZIP]

    miss = client.get(url, **order[0])
    hits = [client.get(url, **headers) for headers in order[1:] + order]

    assert miss["X-Page-Cache"] == "miss"
    for response, headers in zip(hits, order[1:] + order, strict=True):
        assert response["X-Page-Cache"] == "hit"
        assert "Accept-Encoding" in response["Vary"]
        if headers:
            assert response["Content-Encoding"] == "gzip"
            body = gzip.decompress(response.content)
        else:
            assert "Content-Encoding" not in response
            body = response.content
        assert b"Compressed story" in body
        # The fresh nonce of each hit is in the page it sends, compressed or not.
        assert f'nonce="{nonce(response)}"'.encode() in body


@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "cached"])
def test_a_compressed_feed_still_answers_304_to_its_weak_etag(client, settings, story, page_cache):
    settings.NEWSROOM_PAGE_CACHE = page_cache
    url = reverse("feeds:latest")
    client.get(url)  # fills the page cache when it is on

    first = client.get(url, **GZIP)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag, **GZIP)

    assert etag.startswith('W/"')
    assert again.status_code == 304
    assert again.content == b""
