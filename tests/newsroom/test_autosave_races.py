"""Autosaves that arrive late or malformed: refused with a JSON reason, never a stale draft."""

import json

import pytest
from django.urls import reverse

from articles.models import ArticleStatus
from newsroom.models import FormAutosave
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import make_article, make_section

pytestmark = pytest.mark.django_db

NEVER_SAVED = "but never saved"


def store_url(obj):
    return reverse("admin:newsroom-autosave-change", args=[obj._meta.label_lower, obj.pk])


def store(client, obj, fields, opened_version=""):
    return client.post(
        store_url(obj), {"fields": json.dumps(fields), "opened_version": opened_version}
    )


def test_fields_nested_thousands_deep_are_a_400_not_a_500(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)

    response = editor_client.post(store_url(article), {"fields": "[" * 5000 + "]" * 5000})

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]
    assert not FormAutosave.objects.exists()


def test_an_autosave_landing_after_save_and_continue_keeps_no_draft(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    url = change_url(article)
    page = editor_client.get(url)
    opened = page.context["adminform"].form["opened_version"].value()
    typed = [["headline", "Saved and continued"]]
    store(editor_client, article, typed, opened)

    # "Save and continue": the save drops the draft and raises the version...
    saved = editor_client.post(
        url, admin_form_data(page, headline="Saved and continued", _continue="1")
    )
    assert saved.status_code == 302
    assert not FormAutosave.objects.exists()
    # ...then the autosave sent on leaving the headline field arrives.
    late = store(editor_client, article, typed, opened)

    assert late.status_code == 409
    assert "saved after this form was opened" in late.json()["error"]
    assert not FormAutosave.objects.exists()
    next_page = editor_client.get(url)
    assert next_page.context["newsroom_autosave"]["draft"] is None
    assert NEVER_SAVED not in next_page.content.decode()


def test_typing_over_the_current_version_is_still_kept(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    opened = editor_client.get(change_url(article)).context["adminform"].form["opened_version"]

    response = store(editor_client, article, [["headline", "Typing"]], opened.value())

    assert response.status_code == 200
    assert FormAutosave.objects.get().fields == [["headline", "Typing"]]


def test_a_record_stamped_by_its_row_refuses_typing_over_an_older_row(editor_client):
    section = make_section(name="Research")
    opened = editor_client.get(change_url(section)).context["adminform"].form["opened_version"]
    assert store(editor_client, section, [["name", "Resear"]], opened.value()).status_code == 200
    section.name = "Research news"
    section.save()

    response = store(editor_client, section, [["name", "Research!"]], opened.value())

    assert response.status_code == 409
    assert FormAutosave.objects.get().fields == [["name", "Resear"]]  # the earlier typing stays


def test_a_live_storys_draft_stamp_at_the_current_version_is_kept(editor_client):
    live = make_article(headline="The clinic opens")
    opened = editor_client.get(change_url(live)).context["adminform"].form["opened_version"]
    assert "-" in opened.value()  # the version and its draft's

    response = store(editor_client, live, [["headline", "The clinic opens today"]], opened.value())

    assert response.status_code == 200
    live.save()  # someone saves the story itself
    later = store(editor_client, live, [["headline", "Later"]], opened.value())
    assert later.status_code == 409
