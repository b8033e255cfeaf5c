"""A lost database connection answers 503, never 500, and an editor keeps their input.

The outage is simulated by making every new cursor fail the way a stopped
PostgreSQL does (``OperationalError`` from ``ensure_connection``).
"""

import contextlib
import re
from unittest import mock

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, ProgrammingError, connections
from django.test import Client
from django.urls import reverse

from articles.models import Article
from newsroom.outage import RETRY_AFTER_SECONDS, connection_failed
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import make_article, make_staff

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_down():
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    with mock.patch.object(connections["default"], "ensure_connection", side_effect=refused):
        yield


def resubmit_form(response):
    """The action and fields of the 503 page's "Try saving again" form."""
    form = lxml.html.fromstring(response.content.decode()).forms[0]
    return form.action, form.form_values()


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"


def test_public_page_answers_503_with_retry_after(client):
    article = make_article()
    with database_down():
        response = client.get(article.get_absolute_url())
    assert_unavailable(response)
    assert b"Temporarily unavailable" in response.content
    assert b"<form" not in response.content


def test_feed_and_front_page_answer_503(client):
    make_article()
    with database_down():
        statuses = [client.get(url).status_code for url in ("/", reverse("feeds:latest"))]
    assert statuses == [503, 503]


def test_a_failure_inside_a_middleware_is_a_503_too(settings):
    """The page cache reads the publication schedule from the database on a cold cache."""
    settings.NEWSROOM_PAGE_CACHE = True
    make_article()
    reader = Client(raise_request_exception=False)
    with database_down():
        response = reader.get("/")
    assert_unavailable(response)


def test_admin_post_gives_the_typed_input_back_and_saves_on_retry():
    editor = Client(enforce_csrf_checks=True)
    editor.force_login(make_staff("Editor"))
    article = make_article(headline="Headline before")
    url = change_url(article)
    page = editor.get(url)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    typed = admin_form_data(
        page, headline="Typed while the database was down", _publish_changes="Publish changes"
    ) | {"csrfmiddlewaretoken": token.decode()}
    with database_down():
        failed = editor.post(url, typed)
    assert_unavailable(failed)
    assert b"Your changes have not been saved yet" in failed.content
    assert b"Try saving again" in failed.content
    action, fields = resubmit_form(failed)
    assert action == url
    assert ("headline", "Typed while the database was down") in fields
    assert ("csrfmiddlewaretoken", token.decode()) in fields
    assert ("_publish_changes", "Publish changes") in fields

    retried = editor.post(action, dict_of_lists(fields))
    assert retried.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Typed while the database was down"


def dict_of_lists(fields):
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_every_value_of_a_repeated_field_comes_back(editor_client):
    article = make_article()
    with database_down():
        failed = editor_client.post(change_url(article), {"people": ["3", "5"], "headline": "x"})
    _, fields = resubmit_form(failed)
    assert [value for name, value in fields if name == "people"] == ["3", "5"]


def test_uploaded_files_are_named_as_not_kept(editor_client):
    upload = SimpleUploadedFile("lead-photo.jpg", b"not really a jpeg", "image/jpeg")
    with database_down():
        failed = editor_client.post(
            reverse("admin:articles_article_add"),
            {"headline": "With a photo", "lead_image": upload},
        )
    assert_unavailable(failed)
    assert b"Uploaded files cannot be kept" in failed.content
    assert b"lead-photo.jpg" in failed.content


def test_passwords_are_not_written_into_the_page(client):
    with database_down():
        failed = client.post(
            reverse("admin:login"), {"username": "editor", "password": "s3cret-pass"}
        )
    assert_unavailable(failed)
    assert b"s3cret-pass" not in failed.content
    _, fields = resubmit_form(failed)
    assert ("username", "editor") in fields
    assert b"Passwords are not kept" in failed.content


def test_typed_markup_is_escaped_in_the_hidden_form(editor_client):
    article = make_article()
    with database_down():
        failed = editor_client.post(change_url(article), {"headline": '"><script>x</script>'})
    assert b"<script>x</script>" not in failed.content
    _, fields = resubmit_form(failed)
    assert ("headline", '"><script>x</script>') in fields


def test_site_works_again_once_the_database_is_back(client):
    article = make_article(headline="Back again")
    with database_down():
        assert client.get(article.get_absolute_url()).status_code == 503
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert b"Back again" in response.content
    assert Article.objects.filter(headline="Back again").exists()


def test_other_database_errors_are_not_disguised_as_outages():
    assert connection_failed(OperationalError("server closed the connection unexpectedly"))
    assert not connection_failed(ProgrammingError("relation does not exist"))
