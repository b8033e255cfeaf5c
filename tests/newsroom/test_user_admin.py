"""Superuser status is granted, and superuser accounts changed, only by superusers."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.support.factories import make_staff

pytestmark = pytest.mark.django_db


def _change_data(user, **changes):
    data = {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "groups": [group.pk for group in user.groups.all()],
    }
    data.update(changes)
    return data


def test_an_administrator_cannot_make_themselves_superuser(client):
    administrator = make_staff("Administrator")
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[administrator.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    client.post(url, _change_data(administrator, is_superuser="on"))

    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_an_administrator_cannot_change_a_superuser_or_their_password(client):
    client.force_login(make_staff("Administrator"))
    root = get_user_model().objects.create_superuser("root", password="long-secret-1")

    assert (
        client.post(
            reverse("admin:auth_user_password_change", args=[root.pk]),
            {"password1": "taken-over-9", "password2": "taken-over-9"},
        ).status_code
        == 403
    )
    client.post(
        reverse("admin:auth_user_change", args=[root.pk]), _change_data(root, email="x@y.z")
    )
    assert (
        client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"}).status_code
        == 403
    )

    root.refresh_from_db()
    assert root.check_password("long-secret-1")
    assert root.email == ""


def test_a_superuser_can_grant_superuser_status(client):
    root = get_user_model().objects.create_superuser("root", password="long-secret-1")
    colleague = make_staff("Administrator")
    client.force_login(root)

    response = client.post(
        reverse("admin:auth_user_change", args=[colleague.pk]),
        _change_data(colleague, is_superuser="on"),
    )

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_superuser
