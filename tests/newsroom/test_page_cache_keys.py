"""Page-cache keys grow with the pages, not with what readers append to the address.

2,000 requests with junk ``?utm_x=N`` once grew Redis from 120 keys / 2.7 MB
to 3,920 keys / 217 MB: every query string was its own entry.
"""

import pytest
from django.http import HttpResponse

import newsroom.pagecache
from newsroom.pagecache import AnonymousPageCacheMiddleware
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True


class KeyRecordingCache:
    """Wraps the real cache, recording every key the page cache writes."""

    def __init__(self, real):
        self.real = real
        self.written = set()

    def set(self, key, *args, **kwargs):
        self.written.add(key)
        return self.real.set(key, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        self.written.update(data)
        return self.real.set_many(data, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def recording(monkeypatch):
    recorder = KeyRecordingCache(newsroom.pagecache.cache)
    monkeypatch.setattr(newsroom.pagecache, "cache", recorder)
    return recorder


def page_entries(keys):
    return {key for key in keys if key.endswith((":head", ":body"))}


def test_2000_tracking_parameter_requests_add_one_page_entry(client, recording):
    make_article(headline="Campaign story")
    junk = ["utm_x", "utm_source", "fbclid", "gclid", "mc_cid", "mc_eid", "_ga", "ref"]
    responses = [client.get("/", {junk[n % len(junk)]: str(n)}) for n in range(2000)]
    assert {response.status_code for response in responses} == {200}
    assert sum(response["X-Page-Cache"] == "hit" for response in responses) == 1999
    # One page (head and body), plus the generation and the next scheduled change.
    assert len(page_entries(recording.written)) == 2
    assert len(recording.written) <= 4
    assert b"Campaign story" in responses[-1].content


def test_2000_unknown_parameter_requests_store_nothing(rf, recording):
    middleware = AnonymousPageCacheMiddleware(lambda request: HttpResponse("page"))
    for n in range(2000):
        response = middleware(rf.get("/news/", {f"x{n}": str(n)}))
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    assert recording.written == set()


def test_an_unknown_parameter_is_served_uncached_by_the_real_site(client, recording):
    make_article(headline="Fresh every time")
    for _ in range(2):
        response = client.get("/", {"session_hint": "abc"})
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert b"Fresh every time" in response.content
    assert page_entries(recording.written) == set()


def test_page_parameters_make_their_own_entries_in_any_order(rf, recording):
    middleware = AnonymousPageCacheMiddleware(lambda request: HttpResponse(request.GET.urlencode()))
    assert middleware(rf.get("/search/?q=genomics&page=2"))["X-Page-Cache"] == "miss"
    assert middleware(rf.get("/search/?page=2&q=genomics&utm_medium=mail"))["X-Page-Cache"] == "hit"
    assert middleware(rf.get("/search/?q=immunology&page=2"))["X-Page-Cache"] == "miss"
    assert middleware(rf.get("/sitemap.xml?p=2"))["X-Page-Cache"] == "miss"
    assert len(page_entries(recording.written)) == 6


def test_the_last_of_repeated_values_counts_as_the_view_reads_it(rf):
    middleware = AnonymousPageCacheMiddleware(lambda request: HttpResponse(request.GET["q"]))
    assert middleware(rf.get("/search/?q=a&q=b")).content == b"b"
    assert middleware(rf.get("/search/?q=b&q=a")).content == b"a"


def test_ignored_parameters_still_reach_the_view(rf):
    middleware = AnonymousPageCacheMiddleware(lambda request: HttpResponse(request.GET.urlencode()))
    assert middleware(rf.get("/news/?utm_source=mail")).content == b"utm_source=mail"
