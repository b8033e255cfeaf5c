"""A form refused by the CSRF check gets the site's own page: what happened, what to do."""

import pytest
from django.test import Client
from pytest_django.asserts import assertTemplateUsed

from tests.support.admin import change_url
from tests.support.factories import make_article, make_staff

pytestmark = pytest.mark.django_db

DJANGOS_PAGE = ["CSRF verification failed", "Forbidden (403)", "CSRF_FAILURE_VIEW", "Help"]


@pytest.fixture
def guarded_editor():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("Editor"))
    return client


@pytest.mark.parametrize("debug", [False, True])
def test_an_admin_form_without_its_token_says_to_reload_and_that_typing_is_kept(
    guarded_editor, settings, debug
):
    settings.DEBUG = debug
    article = make_article(status="draft", headline="Kept headline")

    response = guarded_editor.post(change_url(article), {"headline": "Typed"})

    assert response.status_code == 403
    assertTemplateUsed(response, "403_csrf.html")
    assertTemplateUsed(response, "admin/base_site.html")
    content = response.content.decode()
    assert "The form could not be sent" in content
    assert "Reload the page" in content
    assert "Restore what you typed" in content
    assert "Back to the admin" in content
    for words in DJANGOS_PAGE:
        assert words not in content
    assert "no-store" in response["Cache-Control"]
    article.refresh_from_db()
    assert article.headline == "Kept headline"


def test_a_sign_in_without_the_cookie_says_to_allow_cookies(db):
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "someone", "password": "pw"}
    )

    assert response.status_code == 403
    content = response.content.decode()
    assert "Allow cookies for this site" in content
    assert "Sign in" in content
    for words in DJANGOS_PAGE:
        assert words not in content


def test_a_public_address_gets_the_sites_own_frame(db):
    response = Client(enforce_csrf_checks=True).post("/", {"q": "x"})

    assert response.status_code == 403
    assertTemplateUsed(response, "base.html")
    assert "Back to the front page" in response.content.decode()
