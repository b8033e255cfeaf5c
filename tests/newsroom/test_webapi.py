"""The read API's machinery on its own: cursors, validators, the CORS setting."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article
from newsroom import webapi
from tests.support.factories import make_article

ROOT = Path(__file__).resolve().parents[2]
STORIES = webapi.Keyset("test-stories", ("-published_at", "-pk"))


def test_a_cursor_round_trips_typed_values():
    moment = timezone.now()

    cursor = STORIES.encode([moment, 42])

    assert STORIES.decode(Article.objects.all(), cursor) == [moment, 42]


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "junk",
        "a:b",
        "W10:xxxx",
        webapi.Keyset("other", ("-published_at", "-pk")).encode([1, 2]),
    ],
)
def test_a_cursor_we_did_not_sign_for_this_list_is_a_bad_parameter(cursor):
    with pytest.raises(webapi.BadParameter) as raised:
        STORIES.decode(Article.objects.all(), cursor)

    assert raised.value.parameter == "cursor"


def test_a_signed_cursor_of_the_wrong_shape_is_a_bad_parameter():
    signer = STORIES._signer
    for payload in ([1], ["not a time", 1], {"a": 1}, ["2026-01-01T00:00:00+00:00", "x"]):
        with pytest.raises(webapi.BadParameter):
            STORIES.decode(Article.objects.all(), signer.sign_object(payload))


def test_a_keyset_must_end_in_the_primary_key():
    with pytest.raises(ValueError):
        webapi.Keyset("bad", ("-published_at",))


@pytest.mark.django_db
def test_the_next_page_is_every_row_after_the_cursor_in_order():
    moment = timezone.now() - datetime.timedelta(hours=1)
    same = [make_article(published_at=moment) for _ in range(3)]
    older = make_article(published_at=moment - datetime.timedelta(minutes=1))
    newer = make_article(published_at=moment + datetime.timedelta(minutes=1))
    expected = [newer, *sorted(same, key=lambda a: a.pk, reverse=True), older]

    pages, cursor = [], None
    while True:
        window = STORIES.window(Article.objects.all(), cursor=cursor, limit=2)
        pages.append(window.pks)
        cursor = window.next_cursor
        if cursor is None:
            break

    assert [pk for page in pages for pk in page] == [a.pk for a in expected]
    assert [len(page) for page in pages] == [2, 2, 1]


@pytest.mark.django_db
def test_the_etag_covers_host_parameters_and_rows(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    factory = RequestFactory()
    rows = [(1, "2026-01-01")]
    base = webapi.etag_for(factory.get("/api/v1/articles/"), rows)

    assert webapi.etag_for(factory.get("/api/v1/articles/"), rows) == base
    assert webapi.etag_for(factory.get("/api/v1/articles/?limit=2"), rows) != base
    assert webapi.etag_for(factory.get("/api/v1/articles/", HTTP_HOST="localhost"), rows) != base
    assert webapi.etag_for(factory.get("/api/v1/articles/"), [(1, "2026-01-02")]) != base
    assert base.startswith('"') and base.endswith('"')


def load_origins(value):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["NEWSROOM_API_CORS_ORIGINS"] = value
    return subprocess.run(
        [sys.executable, "-c", "import newsroom.settings as s; print(s.NEWSROOM_API_CORS_ORIGINS)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cors_origins_come_from_the_environment_comma_separated():
    result = load_origins("https://portal.example.ac.kr, http://localhost:3000")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['https://portal.example.ac.kr', 'http://localhost:3000']"


@pytest.mark.parametrize(
    "value", ["portal.example.ac.kr", "https://portal.example.ac.kr/", "https://x.example/api"]
)
def test_a_cors_origin_that_no_browser_would_send_refuses_to_start(value):
    result = load_origins(value)

    assert result.returncode != 0
    assert "NEWSROOM_API_CORS_ORIGINS takes origins" in result.stderr


def test_a_local_day_runs_midnight_to_midnight_in_the_newsrooms_zone():
    start, end = webapi.local_day(datetime.date(2200, 12, 31), parameter="to")

    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    assert (local_start.date(), local_start.time()) == (
        datetime.date(2200, 12, 31),
        datetime.time(),
    )
    assert (local_end.date(), local_end.time()) == (datetime.date(2201, 1, 1), datetime.time())
    with pytest.raises(webapi.BadParameter):
        webapi.local_day(datetime.date(2201, 1, 1), parameter="to")
