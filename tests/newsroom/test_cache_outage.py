"""The cache is an accelerator, never a dependency: a real Redis, killed mid-test.

Each test starts its own ``redis-server`` on a free loopback port (never the
shared one on 6379) and stops it while the site is in use.
"""

import logging
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
import redis.connection
from django.core.cache import cache
from django.test import Client

import newsroom.cache
from newsroom.cache import cache_is_down
from newsroom.pagecache import GENERATION_KEY
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

# Short, so a test waits for the window to pass instead of five seconds.
OPEN_SECONDS = 0.5


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A throwaway redis-server that a test may stop, freeze and start again."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)


def use_cache(settings, location, *, socket_timeout=0.2):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {
                "breaker_open_seconds": OPEN_SECONDS,
                "socket_connect_timeout": socket_timeout,
                "socket_timeout": socket_timeout,
            },
        }
    }


@pytest.fixture
def private_redis(tmp_path, settings, monkeypatch):
    # Breakers are per process and per address; each test starts with none.
    monkeypatch.setattr(newsroom.cache, "_breakers", {})
    server = PrivateRedis(tmp_path)
    server.start()
    use_cache(settings, server.url)
    settings.NEWSROOM_PAGE_CACHE = True
    yield server
    server.thaw()
    server.stop()


def wait_out_the_open_window():
    time.sleep(OPEN_SECONDS + 0.1)


def test_public_pages_come_from_the_database_while_redis_is_down(private_redis, client):
    article = make_article(headline="Served without Redis")
    for url in ("/", article.get_absolute_url()):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    private_redis.stop()
    for url in ("/", article.get_absolute_url(), article.section.get_absolute_url()):
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == 200
        assert b"Served without Redis" in response.content
        assert "X-Page-Cache" not in response
        assert time.monotonic() - started < 1
    assert cache_is_down()


def test_editor_opens_and_saves_an_article_while_redis_is_down(private_redis, editor_client):
    article = make_article(headline="Before the outage")
    editor_client.get(change_url(article))  # notes the editor in the "also open" list
    private_redis.stop()
    page = editor_client.get(change_url(article))
    assert page.status_code == 200
    assert b"The cache (Redis) is unreachable" in page.content
    response = editor_client.post(
        change_url(article),
        admin_form_data(
            page, headline="Saved during the outage", _publish_changes="Publish changes"
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Saved during the outage"


def test_admin_shows_no_cache_warning_while_redis_is_up(private_redis, editor_client):
    page = editor_client.get(change_url(make_article()))
    assert page.status_code == 200
    assert b"The cache (Redis) is unreachable" not in page.content


def test_generation_is_bumped_when_redis_returns(private_redis):
    cache.set(GENERATION_KEY, 7, None)
    private_redis.stop()
    assert cache.get(GENERATION_KEY) is None
    private_redis.start()
    wait_out_the_open_window()
    # Any operation probes; the reconnect hook runs before it.
    cache.get("unrelated")
    assert cache.get(GENERATION_KEY) is not None
    assert not cache_is_down()


def test_a_save_during_a_partition_does_not_leave_a_stale_page(private_redis, client):
    """Redis frozen, not restarted: its entries survive, so the lost invalidation matters."""
    article = make_article(headline="Old headline")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    private_redis.freeze()
    article.headline = "New headline"
    article.save()  # its invalidation times out and is lost
    assert cache_is_down()
    private_redis.thaw()
    wait_out_the_open_window()
    response = client.get(url)
    assert b"New headline" in response.content
    assert response["X-Page-Cache"] == "miss"


def test_breaker_makes_no_connection_attempt_within_its_open_window(private_redis, monkeypatch):
    attempts = []
    real_connect = redis.connection.AbstractConnection.connect

    def counted_connect(self, *args, **kwargs):
        attempts.append(time.monotonic())
        return real_connect(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "connect", counted_connect)
    private_redis.stop()
    for _ in range(200):
        assert cache.get("anything", "fallback") == "fallback"
        assert cache.get_many(["a", "b"]) == {}
        cache.set("anything", 1)
    assert len(attempts) == 1
    wait_out_the_open_window()
    cache.get("anything")
    assert len(attempts) == 2  # one probe per window, still refused


class SilentServer:
    """Accepts connections and never answers: a hung Redis. Counts the accepts."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        for connection in self.accepted:
            connection.close()
        self.socket.close()


def test_a_hung_redis_costs_one_timeout_per_window(settings, monkeypatch):
    monkeypatch.setattr(newsroom.cache, "_breakers", {})
    server = SilentServer()
    try:
        use_cache(settings, f"redis://127.0.0.1:{server.port}/0", socket_timeout=0.2)
        started = time.monotonic()
        assert cache.get("key") is None
        assert 0.2 <= time.monotonic() - started < 1
        started = time.monotonic()
        for _ in range(500):
            cache.get("key")
        assert time.monotonic() - started < 0.2
        assert len(server.accepted) == 1
    finally:
        server.close()


def test_incr_keeps_django_contract(private_redis):
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set("counter", 1)
    assert cache.incr("counter") == 2
    private_redis.stop()
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_each_opening_and_closing_is_logged_once(private_redis, caplog):
    caplog.set_level(logging.WARNING, logger="newsroom.cache")
    private_redis.stop()
    for _ in range(50):
        cache.get("key")
    wait_out_the_open_window()
    cache.get("key")  # a failed probe is not a new outage
    private_redis.start()
    wait_out_the_open_window()
    for _ in range(50):
        cache.get("key")
    messages = [record.getMessage() for record in caplog.records]
    assert sum("unreachable" in message for message in messages) == 1
    assert sum("reachable again" in message for message in messages) == 1


def test_anonymous_reader_gets_pages_while_redis_comes_and_goes(private_redis):
    reader = Client()
    article = make_article(headline="Steady story")
    url = article.get_absolute_url()
    statuses = [reader.get(url).status_code]
    private_redis.stop()
    statuses += [reader.get(url).status_code for _ in range(3)]
    private_redis.start()
    wait_out_the_open_window()
    statuses += [reader.get(url).status_code for _ in range(3)]
    assert statuses == [200] * 7
    assert reader.get(url)["X-Page-Cache"] == "hit"
