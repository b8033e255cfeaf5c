"""The "also open" notice lasts while the other person's page is open, and no longer.

The clock is fixed with time_machine and moved by hand: no test sleeps.
"""

import datetime
import socket

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import newsroom.cache
from articles.models import Article, ArticleStatus
from newsroom import presence
from newsroom.display import newsroom_time_display
from tests.support.admin import change_url
from tests.support.factories import make_article, make_staff

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 12, 2, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def article():
    return make_article(status=ArticleStatus.DRAFT)


def heartbeat_url(obj):
    return reverse("admin:newsroom-presence", args=[obj._meta.label_lower, obj.pk])


def left_url(obj):
    return reverse("admin:newsroom-presence-left", args=[obj._meta.label_lower, obj.pk])


def presence_notices(response):
    return [
        str(message)
        for message in response.context["messages"]
        if presence.MESSAGE_TAG in message.tags
    ]


def test_heartbeats_keep_the_notice_while_the_other_page_stays_open(two_editors, article):
    first, second = two_editors
    with time_machine.travel(START, tick=False) as clock:
        first.get(change_url(article))
        for _beat in range(6):  # three minutes with the page open
            clock.shift(presence.HEARTBEAT_SECONDS)
            assert first.post(heartbeat_url(article)).status_code == 200

        notices = presence_notices(second.get(change_url(article)))

    # Still named with the time the page was opened, not the last heartbeat.
    assert notices == [
        f"Min-ji Kim opened this record at {newsroom_time_display(START)} and may be "
        "editing it. If they save first, your save will be refused, not lost."
    ]


def test_the_notice_ends_once_heartbeats_stop(two_editors, article):
    first, second = two_editors
    with time_machine.travel(START, tick=False) as clock:
        first.get(change_url(article))
        clock.shift(presence.PRESENCE_SECONDS - 1)
        assert len(presence_notices(second.get(change_url(article)))) == 1
        clock.shift(2)  # two heartbeats missed, and the slack used up
        assert presence_notices(second.get(change_url(article))) == []


def test_leaving_ends_the_notice_at_once(two_editors, article):
    first, second = two_editors
    first.get(change_url(article))

    assert first.post(left_url(article)).status_code == 200

    assert presence_notices(second.get(change_url(article))) == []


def test_the_heartbeat_answers_the_current_notices(two_editors, article):
    first, second = two_editors
    first.get(change_url(article))
    second.get(change_url(article))

    notices = second.post(heartbeat_url(article)).json()["notices"]
    assert len(notices) == 1 and notices[0].startswith("Min-ji Kim opened this record at")
    # Nobody but yourself: the first editor is told about the second.
    assert first.post(heartbeat_url(article)).json()["notices"][0].startswith("second-editor")

    first.post(left_url(article))
    assert second.post(heartbeat_url(article)).json()["notices"] == []


def test_leaving_one_record_keeps_the_others(two_editors, article):
    first, second = two_editors
    other = make_article(status=ArticleStatus.DRAFT)
    first.get(change_url(article))
    first.get(change_url(other))
    first.post(left_url(other))
    assert len(presence_notices(second.get(change_url(article)))) == 1
    assert presence_notices(second.get(change_url(other))) == []


def test_the_change_page_sends_heartbeats(editor_client, article):
    content = editor_client.get(change_url(article)).content.decode()
    assert "admin/newsroom/presence.js" in content
    assert f'data-heartbeat-url="{heartbeat_url(article)}"' in content
    assert f'data-left-url="{left_url(article)}"' in content
    assert f'data-interval-seconds="{presence.HEARTBEAT_SECONDS}"' in content


def test_the_add_page_sends_none(editor_client):
    content = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "presence.js" not in content


def test_a_reader_without_change_rights_is_present_too(writer_client, article):
    # Writers may read others' stories; they still have the page open.
    assert writer_client.post(heartbeat_url(article)).status_code == 200


def test_staff_without_any_right_on_the_kind_is_refused(client, django_user_model, article):
    client.force_login(django_user_model.objects.create_user("bare", is_staff=True))

    response = client.post(heartbeat_url(article))

    assert response.status_code == 403
    assert cache.get(f"newsroom:open:articles.article:{article.pk}") is None


def test_bad_requests_get_clear_answers(editor_client, client, article):
    assert editor_client.get(heartbeat_url(article)).status_code == 405
    assert editor_client.get(left_url(article)).status_code == 405
    for label in ("nosuch.model", "not-a-label"):
        url = reverse("admin:newsroom-presence", args=[label, article.pk])
        assert editor_client.post(url).status_code == 404
        url = reverse("admin:newsroom-presence-left", args=[label, article.pk])
        assert editor_client.post(url).status_code == 404
    assert client.post(heartbeat_url(article)).status_code == 302  # to the sign-in page
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(make_staff("Editor"))
    assert guarded.post(heartbeat_url(article)).status_code == 403


def test_an_entry_from_before_heartbeats_is_ignored(two_editors, article):
    _first, second = two_editors
    # What the ten-minute notice stored: {user id: (name, opened)}.
    cache.set(
        f"newsroom:open:articles.article:{article.pk}", {999: ("Old Entry", timezone.now())}, 600
    )
    assert presence_notices(second.get(change_url(article))) == []
    assert second.post(heartbeat_url(article)).json()["notices"] == []


def test_with_redis_down_presence_quietly_reports_nobody(
    two_editors, article, settings, monkeypatch
):
    monkeypatch.setattr(newsroom.cache, "_breakers", {})
    with socket.socket() as probe:  # a free port: nothing answers there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    first, second = two_editors
    assert first.get(change_url(article)).status_code == 200

    page = second.get(change_url(article))
    assert page.status_code == 200
    assert presence_notices(page) == []
    assert second.post(heartbeat_url(article)).json() == {"notices": []}
    assert first.post(left_url(article)).status_code == 200


@pytest.mark.parametrize(
    "object_id", ["x" * 3000, "1" * 20, "1.5", "abc", "-1", "١٢", "%20", "1%2C2"]
)
@pytest.mark.parametrize("name", ["admin:newsroom-presence", "admin:newsroom-presence-left"])
def test_an_id_that_is_no_decimal_key_is_a_400(editor_client, name, object_id):
    response = editor_client.post(reverse(name, args=["articles.article", object_id]))

    assert response.status_code == 400
    assert response.json()["error"] == "That is not a record's id."
    if len(object_id) < 200:  # a longer key is one no cache could hold anyway
        assert cache.get(presence._key(Article, object_id)) is None


@pytest.mark.parametrize("object_id", ["9" * 19, "add"])
def test_a_decimal_key_of_nineteen_digits_or_add_is_answered(editor_client, object_id):
    response = editor_client.post(
        reverse("admin:newsroom-presence", args=["articles.article", object_id])
    )
    assert response.status_code == 200
    assert response.json() == {"notices": []}
