"""Sign-in throttling: five wrong passwords pause that account from that address."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def _sign_in(client, password, *, address="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": "editor", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def editor_account(settings):
    settings.AXES_ENABLED = True
    return get_user_model().objects.create_user(
        "editor", password="right-horse-battery", is_staff=True
    )


def test_the_right_password_after_many_wrong_ones_is_refused(client, editor_account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "wrong").status_code == 200  # the form again, with an error
    assert _sign_in(client, "wrong").status_code == 429

    locked = _sign_in(client, "right-horse-battery")

    assert locked.status_code == 429
    assert "Sign-in paused for this account" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_colleague_elsewhere_is_not_locked_out(client, editor_account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong")

    elsewhere = _sign_in(client, "right-horse-battery", address="198.51.100.20")

    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(editor_account.pk)


def test_a_right_password_before_the_limit_resets_the_count(client, editor_account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "wrong")
    assert _sign_in(client, "right-horse-battery").status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "wrong")

    assert _sign_in(client, "right-horse-battery").status_code == 302
