import datetime
import threading

import pytest
import time_machine
from django.test import Client

from tests.support.factories import make_staff


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="HH:MM",
        help=(
            "run every test with the clock set to today at HH:MM UTC (and ticking), "
            "e.g. 23:30, when the UTC date and the newsroom's (Asia/Seoul) date differ"
        ),
    )


def _clock_start(value):
    try:
        clock = datetime.time.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"--clock wants HH:MM (UTC), not {value!r}") from None
    today = datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime.combine(today, clock, tzinfo=datetime.UTC)


def pytest_configure(config):
    value = config.getoption("--clock")
    config.clock_start = _clock_start(value) if value else None


def pytest_report_header(config):
    if config.clock_start is not None:
        return f"clock: every test starts at {config.clock_start:%Y-%m-%d %H:%M} UTC"
    return None


@pytest.fixture(autouse=True)
def _clock(request):
    """With --clock, each test (and its fixtures) runs at that time of day, UTC.

    Autouse, so it starts before the fixtures that build records from
    ``timezone.now()``; a test's own time_machine travel nests inside it.
    """
    start = request.config.clock_start
    if start is None:
        yield
        return
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, a private cache and media folder for each test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Pages are rendered for every test; tests/newsroom/test_page_cache.py turns the cache on.
    settings.NEWSROOM_PAGE_CACHE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _signed_in(user):
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def superuser_client(db, django_user_model):
    """A signed-in superuser: every permission, whatever the roles say."""
    return _signed_in(
        django_user_model.objects.create_superuser("superuser-test", "su@example.com", "pw")
    )


@pytest.fixture
def editor_client(db):
    """A signed-in member of the Editor group, with exactly that role's permissions."""
    return _signed_in(make_staff("Editor"))


@pytest.fixture
def two_editors(db):
    """Two signed-in editors on their own clients: Min-ji Kim, then second-editor."""
    first, second = Client(), Client()
    first.force_login(make_staff("Editor", first_name="Min-ji", last_name="Kim"))
    second.force_login(make_staff("Editor", username="second-editor"))
    return first, second


@pytest.fixture
def writer_client(db):
    """A signed-in member of the Writer group, with exactly that role's permissions."""
    return _signed_in(make_staff("Writer"))


def pytest_collection_modifyitems(config, items):
    """Every transactional test restores the migrated data (roles, content types) it found.

    A transactional test without ``serialized_rollback`` ends with a flush that
    re-creates content types under new ids (and no roles); a later test with
    it then fails to load its snapshot (a unique-constraint error). So all of
    them take the flag.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test needs serialized_rollback=True"
            )


# The live server answers one request at a time.
# On SQLite the test database lives in memory, and pytest-django hands the
# live server's threads the test's own connection. Two requests at once (a
# save and a colleague's presence beacon, in the two-editors test) then ran
# on one sqlite3 connection together, and one failed with "cannot open
# savepoint - SQL statements in progress" (seen once in CI). A browser
# holds several connections open, so the server stays threaded; each request's
# trip through Django is what takes the lock.


_ONE_REQUEST = threading.Lock()


@pytest.fixture(scope="session", autouse=True)
def _live_server_answers_one_request_at_a_time():
    from django.test.testcases import LiveServerThread

    original = LiveServerThread._create_server

    def create_server(self, *args, **kwargs):
        server = original(self, *args, **kwargs)
        set_app = server.set_app

        def set_app_one_at_a_time(application):
            def one_at_a_time(environ, start_response):
                with _ONE_REQUEST:
                    return application(environ, start_response)

            set_app(one_at_a_time)

        # The thread sets the Django handler once the server exists.
        server.set_app = set_app_one_at_a_time
        return server

    LiveServerThread._create_server = create_server
    yield
    LiveServerThread._create_server = original
