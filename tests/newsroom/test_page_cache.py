"""The anonymous page cache never serves a stale or non-public page.

Runs against whatever cache the settings give: local memory on a plain run,
Redis in CI's PostgreSQL run (REDIS_URL is set there).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus
from tests.support.factories import make_article, make_institution, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    # Longer than any clock move below, so expiry cannot hide a stale page.
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 7 * 24 * 3600


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_second_anonymous_request_is_served_from_cache_without_queries(
    client, django_assert_num_queries
):
    make_article(headline="Cached story")
    assert fetch(client, "/")["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = fetch(client, "/")
    assert response["X-Page-Cache"] == "hit"
    assert b"Cached story" in response.content


def test_cached_page_gets_a_fresh_csp_nonce(client):
    article = make_article()
    first = fetch(client, article.get_absolute_url())
    second = fetch(client, article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    old = first["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    new = second["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert old != new
    assert f'nonce="{new}"'.encode() in second.content
    assert f'nonce="{old}"'.encode() not in second.content


def test_publishing_shows_at_once(client):
    draft = make_article(headline="Fresh news", status=ArticleStatus.DRAFT)
    assert b"Fresh news" not in fetch(client, "/").content
    draft.status = ArticleStatus.PUBLISHED
    draft.save()
    response = fetch(client, "/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Fresh news" in response.content


def test_unpublishing_removes_the_page_and_its_listing_at_once(client):
    article = make_article(headline="Withdrawn story")
    url = article.get_absolute_url()
    fetch(client, url)
    assert b"Withdrawn story" in fetch(client, "/").content
    article.status = ArticleStatus.DRAFT
    article.save()
    assert client.get(url).status_code == 404
    assert b"Withdrawn story" not in fetch(client, "/").content


def test_edit_shows_at_once(client):
    article = make_article(headline="First headline")
    fetch(client, article.get_absolute_url())
    article.headline = "Corrected headline"
    article.save()
    assert b"Corrected headline" in fetch(client, article.get_absolute_url()).content


def test_tag_change_shows_at_once(client):
    article = make_article(tags=["genomics"])
    fetch(client, article.get_absolute_url())
    article.tags.add("immunology")
    assert b"immunology" in fetch(client, article.get_absolute_url()).content


def test_linked_record_change_shows_at_once(client):
    school = make_institution(name="Old School Name")
    article = make_article()
    article.institutions.add(school)
    assert b"Old School Name" in fetch(client, article.get_absolute_url()).content
    school.name = "New School Name"
    school.save()
    assert b"New School Name" in fetch(client, article.get_absolute_url()).content


def test_scheduled_article_appears_at_its_time_with_the_cache_on(client, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    section = make_section()
    make_article(headline="Already out", section=section)
    make_article(
        headline="Goes live later",
        section=section,
        published_at=start + datetime.timedelta(minutes=30),
    )
    url = reverse("articles:section", kwargs={"slug": section.slug})
    assert b"Goes live later" not in fetch(client, url).content
    assert fetch(client, url)["X-Page-Cache"] == "hit"
    time_machine.move_to(start + datetime.timedelta(minutes=31), tick=False)
    response = fetch(client, url)
    assert response["X-Page-Cache"] == "miss"
    assert b"Goes live later" in response.content


def test_embargo_lifting_shows_the_story_with_the_cache_on(client, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    article = make_article(
        headline="Embargoed result", embargo_until=start + datetime.timedelta(hours=1)
    )
    assert b"Embargoed result" not in fetch(client, "/").content
    assert client.get(article.get_absolute_url()).status_code == 404
    time_machine.move_to(start + datetime.timedelta(hours=1, seconds=1), tick=False)
    assert b"Embargoed result" in fetch(client, "/").content
    assert fetch(client, article.get_absolute_url()).status_code == 200


def test_signed_in_editor_bypasses_the_cache_and_sees_drafts(editor_client):
    reader = Client()
    draft = make_article(status=ArticleStatus.DRAFT, headline="Editor only")
    make_article()
    fetch(reader, "/")
    assert b"Editor only" not in fetch(reader, "/").content
    response = editor_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert reader.get(draft.get_absolute_url()).status_code == 404
    # The editor's preview was not stored for readers.
    assert reader.get(draft.get_absolute_url()).status_code == 404


def test_conditional_feed_request_is_answered_304_from_the_cache_without_queries(
    client, django_assert_num_queries
):
    make_article()
    url = reverse("feeds:latest")
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        response = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 304
    assert response["X-Page-Cache"] == "hit"
    assert response["ETag"] == first["ETag"]
    assert response.content == b""
    with django_assert_num_queries(0):
        by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304


def test_conditional_feed_request_after_publishing_gets_the_new_feed(client):
    make_article(headline="Older story")
    url = reverse("feeds:latest")
    first = client.get(url)
    make_article(headline="Newer story")
    response = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert b"Newer story" in response.content


def test_stale_validator_on_a_cached_feed_gets_the_full_feed(client):
    make_article(headline="Only story")
    url = reverse("feeds:latest")
    client.get(url)
    response = client.get(url, headers={"If-None-Match": '"not-this-one"'})
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    assert b"Only story" in response.content


def test_cached_page_keeps_the_security_headers(client):
    article = make_article()
    first = fetch(client, article.get_absolute_url())
    second = fetch(client, article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Content-Type"):
        assert second[header] == first[header]


def test_disabled_cache_adds_nothing(client, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    make_article()
    assert "X-Page-Cache" not in fetch(client, "/")


def test_month_archive_sidebar_follows_new_stories(client, settings):
    settings.NEWSROOM_PAGE_CACHE = False  # the sidebar's own cache alone
    recent = make_article()
    url = reverse("articles:section", kwargs={"slug": recent.section.slug})
    assert b"March 2019" not in fetch(client, url).content
    make_article(published_at=datetime.datetime(2019, 3, 10, 9, tzinfo=datetime.UTC))
    assert b"March 2019" in fetch(client, url).content


class CountingCache:
    """Wraps the real cache, counting reads and what each one asked for."""

    def __init__(self, real):
        self.real = real
        self.reads = []

    def get(self, key, *args, **kwargs):
        self.reads.append([key])
        return self.real.get(key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        self.reads.append(list(keys))
        return self.real.get_many(keys, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_hit_and_a_304_each_cost_one_cache_read(client, monkeypatch):
    import newsroom.pagecache

    make_article()
    url = reverse("feeds:latest")
    first = fetch(client, url)
    counting = CountingCache(newsroom.pagecache.cache)
    monkeypatch.setattr(newsroom.pagecache, "cache", counting)

    assert fetch(client, url)["X-Page-Cache"] == "hit"
    assert len(counting.reads) == 1
    counting.reads.clear()
    not_modified = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert not_modified.status_code == 304
    # One read, and not of the feed's body.
    assert len(counting.reads) == 1
    assert not any(key.endswith(":body") for key in counting.reads[0])


def test_redis_backend_reuses_one_client_per_server(settings):
    from newsroom.cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/9", {})
    client = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=False) is client
    assert backend._cache.get_client("any-key", write=True) is client


def test_304_from_the_cache_does_not_depend_on_how_the_view_spelled_etag(client, rf):
    from django.http import HttpResponse

    from newsroom.pagecache import AnonymousPageCacheMiddleware

    def view(request):
        response = HttpResponse("feed body")
        response["etag"] = '"v1"'
        return response

    middleware = AnonymousPageCacheMiddleware(view)
    assert middleware(rf.get("/feeds/odd/"))["X-Page-Cache"] == "miss"
    answer = middleware(rf.get("/feeds/odd/", headers={"If-None-Match": '"v1"'}))
    assert answer.status_code == 304
    assert answer["ETag"] == '"v1"'
