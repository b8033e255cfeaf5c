import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, a private cache and media folder for each test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Pages are rendered for every test; tests/test_page_cache.py turns the cache on.
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


@pytest.fixture
def editor_client(client, django_user_model):
    """A logged-in staff member with every permission (the Editor role)."""
    user = django_user_model.objects.create_superuser("editor-test", "e@example.com", "pw")
    client.force_login(user)
    client.user = user
    return client
