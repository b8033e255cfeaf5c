"""If-Modified-Since from the future is ignored (RFC 9110, 13.1.3), on every feed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from tests.support.feeds import ALL_FEED_ADDRESSES, feed_newsroom

pytestmark = pytest.mark.django_db

END_OF_TIME = "Fri, 31 Dec 9999 23:59:59 GMT"


@pytest.fixture
def newsroom(db):
    return feed_newsroom()


def test_a_date_after_the_servers_clock_gets_the_whole_feed(client, newsroom):
    response = client.get("/feeds/rss/", HTTP_IF_MODIFIED_SINCE=END_OF_TIME)

    assert response.status_code == 200
    assert b"<item>" in response.content


@pytest.mark.parametrize(("name", "kwargs"), ALL_FEED_ADDRESSES)
def test_an_hour_ahead_is_ignored_on_every_feed(client, newsroom, name, kwargs):
    ahead = http_date((timezone.now() + datetime.timedelta(hours=1)).timestamp())

    response = client.get(reverse(f"feeds:{name}", kwargs=kwargs), HTTP_IF_MODIFIED_SINCE=ahead)

    assert response.status_code == 200
    assert response.content


def test_a_future_date_beside_a_matching_etag_still_gets_304(client, newsroom):
    first = client.get("/feeds/rss/")

    response = client.get(
        "/feeds/rss/", HTTP_IF_NONE_MATCH=first["ETag"], HTTP_IF_MODIFIED_SINCE=END_OF_TIME
    )

    assert response.status_code == 304


def test_the_page_cache_ignores_a_future_date_too(client, newsroom, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    first = client.get("/feeds/rss/")
    again = client.get("/feeds/rss/")
    assert first.status_code == again.status_code == 200

    response = client.get("/feeds/rss/", HTTP_IF_MODIFIED_SINCE=END_OF_TIME)

    assert response.status_code == 200
    assert b"<item>" in response.content
