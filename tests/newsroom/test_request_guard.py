"""Hostile addresses get a plain 400; every answer carries the policy headers."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from newsroom.pagecache import GENERATION_KEY
from newsroom.requestguard import permissions_policy_header
from newsroom.static_headers import STATIC_CSP
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

HOSTILE = [
    "/news/tag/%00/",
    "/feeds/tag/%00/rss/",
    "/search/?q=%00",
    "/news/?page=%00",
    "/news/%00/",
    "/news/tag/a%1Fb/",
    "/search/?q=line%0Abreak",
    "/search/?q=%09",
    "/news/?page=1&x=%0D",
    "/news/?%00=1",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_control_characters_in_the_address_get_a_plain_400_without_queries(
    client, url, django_assert_num_queries
):
    make_article(tags=["research"])

    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"<" not in response.content


def test_hostile_address_never_reaches_the_page_cache(client, settings):
    settings.NEWSROOM_PAGE_CACHE = True

    assert client.get("/news/tag/%00/").status_code == 400
    # The page cache reads (and so creates) the generation on every request it sees.
    assert cache.get(GENERATION_KEY) is None
    assert client.get("/news/").status_code == 200
    assert cache.get(GENERATION_KEY) is not None


@pytest.mark.parametrize(
    ("url", "status"),
    [
        # Django keeps malformed escapes as text and replaces broken UTF-8.
        ("/search/?q=%zz", 200),
        ("/search/?q=%FF%FE", 200),
        ("/search/?q=%", 200),
        ("/news/tag/%FF/", 404),
        ("/news/tag/%2500/", 404),  # a literal "%00", not a NUL
        ("/search/?q=%E2%80%8B%F0%9F%98%80", 200),
    ],
)
def test_odd_but_harmless_addresses_pass_through(client, url, status):
    make_article()

    assert client.get(url).status_code == status


def test_permissions_policy_header_format():
    assert (
        permissions_policy_header({"camera": [], "fullscreen": ["self"]})
        == "camera=(), fullscreen=(self)"
    )


@pytest.mark.parametrize(
    "url",
    ["/", "/news/", "/no-such-page/", "/feeds/rss/", "/robots.txt", "/news/tag/%00/"],
)
def test_every_answer_carries_permissions_and_resource_policy(client, url):
    make_article()

    response = client.get(url)

    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
        assert f"{feature}=()" in policy
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_cached_pages_carry_the_policy_headers(client, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    make_article()

    client.get(reverse("articles:index"))
    hit = client.get(reverse("articles:index"))

    assert hit["X-Page-Cache"] == "hit"
    assert "camera=()" in hit["Permissions-Policy"]
    assert hit["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.fixture
def static_client(client, settings):
    """WhiteNoise serving straight from static/, as in development."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return client


@pytest.mark.parametrize("name", ["favicon.svg", "css/site.css", "feeds/feeds.css"])
def test_static_files_carry_a_strict_policy(static_client, name):
    response = static_client.get(f"/static/{name}")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STATIC_CSP
    assert "default-src 'none'" in STATIC_CSP
    assert "script-src" not in STATIC_CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
