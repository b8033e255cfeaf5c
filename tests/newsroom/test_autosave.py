"""Autosave of admin forms: kept while typing, offered back, dropped on save, refused when bad."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleStatus, Section
from newsroom.models import FormAutosave
from tests.support.admin import admin_form_data, change_url, save_change
from tests.support.factories import make_article, make_institution, make_person, make_staff

pytestmark = pytest.mark.django_db

TYPED = [
    ["headline", "What I typed before the train"],
    ["section", "1", "News"],
    ["body", "<p>Half a paragraph</p>"],
    ["quotes-0-text", "A quote in an inline row"],
    ["is_featured", True],
]


def store_url(obj):
    return reverse("admin:newsroom-autosave-change", args=[obj._meta.label_lower, obj.pk])


def discard_url(obj):
    return reverse("admin:newsroom-autosave-change-discard", args=[obj._meta.label_lower, obj.pk])


def store(client, obj, fields=TYPED, **extra):
    data = {"fields": fields if isinstance(fields, str) else json.dumps(fields), **extra}
    return client.post(store_url(obj), data)


def test_typed_fields_are_kept_for_that_editor_and_form(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)

    response = store(editor_client, article, opened_version=str(article.version))

    assert response.status_code == 200
    assert "it is not saved yet" in response.json()["message"]
    draft = FormAutosave.objects.get()
    assert (draft.user, draft.model_label, draft.object_id) == (
        editor_client.user,
        "articles.article",
        str(article.pk),
    )
    assert draft.fields == TYPED
    assert draft.opened_version == str(article.version)
    # The story itself is untouched.
    article.refresh_from_db()
    assert article.headline != "What I typed before the train"


def test_a_second_autosave_replaces_the_first(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    store(editor_client, article)
    store(editor_client, article, [["headline", "Later typing"]])
    assert FormAutosave.objects.get().fields == [["headline", "Later typing"]]


def test_coming_back_to_the_form_offers_the_kept_draft(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    store(editor_client, article, opened_version=str(article.version))

    response = editor_client.get(change_url(article))

    content = response.content.decode()
    assert 'id="newsroom-autosave-notice"' in content
    assert "Restore what you typed" in content
    assert "Discard" in content
    assert "The record has been saved since" not in content
    # The typed fields travel as JSON for the page's script to fill in.
    assert 'id="newsroom-autosave-draft"' in content
    offered = response.context["newsroom_autosave"]["draft"]
    assert offered["fields"] == TYPED
    assert "What I typed before the train" in content
    assert "admin/newsroom/autosave.js" in content
    assert f'data-store-url="{store_url(article)}"' in content


def test_the_offer_says_when_the_record_was_saved_since(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    store(editor_client, article, opened_version=str(article.version))
    article.save()  # someone else's save raises the version

    content = editor_client.get(change_url(article)).content.decode()

    assert "The record has been saved since" in content


def test_typing_over_a_live_story_is_not_called_saved_since_when_nobody_saved(editor_client):
    live = make_article(headline="The clinic opens")  # its form carries the draft's stamp
    opened = editor_client.get(change_url(live)).context["adminform"].form["opened_version"]
    store(editor_client, live, opened_version=opened.value())

    untouched = editor_client.get(change_url(live))
    Article.objects.get(pk=live.pk).save()  # now someone saves the story
    saved_since = editor_client.get(change_url(live))

    assert untouched.context["newsroom_autosave"]["draft"]["record_changed"] is False
    assert "The record has been saved since" not in untouched.content.decode()
    assert saved_since.context["newsroom_autosave"]["draft"]["record_changed"] is True


def test_nobody_else_sees_an_editors_draft(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    store(editor_client, article)
    colleague = Client()
    colleague.force_login(make_staff("Editor"))

    response = colleague.get(change_url(article))

    assert response.context["newsroom_autosave"]["draft"] is None
    assert "What I typed before the train" not in response.content.decode()


def test_discard_forgets_the_draft(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    store(editor_client, article)

    response = editor_client.post(discard_url(article))

    assert response.status_code == 200
    assert not FormAutosave.objects.exists()
    assert "newsroom-autosave-notice" not in editor_client.get(change_url(article)).content.decode()


def test_saving_the_form_drops_the_draft(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    store(editor_client, article)

    save_change(editor_client, article, headline="Saved at last")

    assert not FormAutosave.objects.exists()


def test_a_refused_save_keeps_the_draft_and_the_page_keeps_saving(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    store(editor_client, article)
    url = change_url(article)

    response = editor_client.post(url, admin_form_data(editor_client.get(url), headline=""))

    assert response.status_code == 200  # refused: the headline is required
    assert FormAutosave.objects.exists()
    # The re-rendered form holds unsaved typing: its script keeps it at once.
    assert response.context["newsroom_autosave"]["unsaved"] is True
    assert "data-unsaved" in response.content.decode()


def test_saving_an_add_form_drops_its_draft(editor_client):
    add = reverse("admin:newsroom-autosave-add", args=["articles.section"])
    response = editor_client.post(add, {"fields": json.dumps([["name", "Resea"]])})
    assert response.status_code == 200
    assert FormAutosave.objects.get().object_id == ""
    assert editor_client.get(reverse("admin:articles_section_add")).context["newsroom_autosave"][
        "draft"
    ]["fields"] == [["name", "Resea"]]

    response = editor_client.post(
        reverse("admin:articles_section_add"), {"name": "Research", "slug": "research", "order": 1}
    )

    assert response.status_code == 302
    assert Section.objects.filter(slug="research").exists()
    assert not FormAutosave.objects.exists()


@pytest.mark.parametrize("factory", [make_person, make_institution])
def test_every_record_form_autosaves(editor_client, factory):
    record = factory()
    assert store(editor_client, record, [["name", "Typed name"]]).status_code == 200
    response = editor_client.get(change_url(record))
    assert response.context["newsroom_autosave"]["draft"]["fields"] == [["name", "Typed name"]]


def test_a_writer_may_not_keep_a_draft_of_someone_elses_story(writer_client):
    article = make_article(status=ArticleStatus.DRAFT, created_by=make_staff("Writer"))

    response = store(writer_client, article)

    assert response.status_code == 403
    assert response.json()["error"] == "You may not change this record."
    assert not FormAutosave.objects.exists()
    assert writer_client.post(discard_url(article)).status_code == 403


def test_a_writer_keeps_drafts_of_their_own_story(writer_client):
    article = make_article(status=ArticleStatus.DRAFT, created_by=writer_client.user)
    assert store(writer_client, article).status_code == 200
    assert FormAutosave.objects.get().user == writer_client.user


def test_a_read_only_page_does_not_autosave(writer_client):
    article = make_article(status=ArticleStatus.PUBLISHED, created_by=make_staff("Writer"))

    response = writer_client.get(change_url(article))

    assert response.status_code == 200  # the writer may read it, not change it
    assert "newsroom_autosave" not in response.context
    assert "autosave.js" not in response.content.decode()


def test_someone_signed_out_or_not_staff_keeps_nothing(client, django_user_model):
    article = make_article(status=ArticleStatus.DRAFT)
    assert store(client, article).status_code == 302  # to the sign-in page
    reader = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(reader)
    assert store(client, article).status_code == 302
    assert not FormAutosave.objects.exists()


def test_autosave_needs_the_csrf_token(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(editor_client.user)
    assert store(guarded, article).status_code == 403
    assert not FormAutosave.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("{not json", "did not arrive as JSON"),
        ("", "No typed fields arrived"),
        ('{"headline": "x"}', "must be a list"),
        ('[["headline"]]', "[name, value] entry"),
        ('[[5, "x"]]', "without a usable name"),
        ('[["headline", {"nested": 1}]]', "cannot be kept"),
        ('[["headline", "nul \\u0000 here"]]', "cannot be kept"),
        ('[["headline", "lone \\ud800 surrogate"]]', "cannot be kept"),
        ('[["section", "1", true]]', "label that cannot be kept"),
    ],
)
def test_bad_input_is_a_clear_400(editor_client, fields, message):
    article = make_article(status=ArticleStatus.DRAFT)

    response = store(editor_client, article, fields)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not FormAutosave.objects.exists()


def test_an_oversized_draft_is_a_clear_400(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)

    response = store(editor_client, article, [["body", "x" * 1_000_001]])

    assert response.status_code == 400
    assert "too large to keep" in response.json()["error"]
    assert not FormAutosave.objects.exists()


def test_too_many_fields_or_a_long_version_is_a_400(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    assert store(editor_client, article, [["f", ""]] * 2_001).status_code == 400
    assert store(editor_client, article, opened_version="9" * 65).status_code == 400
    assert not FormAutosave.objects.exists()


def test_passwords_are_never_kept(superuser_client):
    add = reverse("admin:newsroom-autosave-add", args=["auth.user"])
    fields = [["username", "new-writer"], ["password1", "secret"], ["password2", "secret"]]
    assert superuser_client.post(add, {"fields": json.dumps(fields)}).status_code == 200
    assert FormAutosave.objects.get().fields == [["username", "new-writer"]]


def test_unknown_kinds_and_records_are_404(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    data = {"fields": json.dumps(TYPED)}
    for label in ("nosuch.model", "not-a-label", "newsroom.formautosave"):
        url = reverse("admin:newsroom-autosave-change", args=[label, article.pk])
        assert editor_client.post(url, data).status_code == 404
    gone = reverse("admin:newsroom-autosave-change", args=["articles.article", article.pk + 99])
    assert editor_client.post(gone, data).status_code == 404
    junk = reverse("admin:newsroom-autosave-change", args=["articles.article", "x" * 300])
    assert editor_client.post(junk, data).status_code == 404
    assert not FormAutosave.objects.exists()


def test_only_post_is_answered(editor_client):
    article = make_article(status=ArticleStatus.DRAFT)
    assert editor_client.get(store_url(article)).status_code == 405
    assert editor_client.get(discard_url(article)).status_code == 405


def test_a_form_without_a_version_is_never_called_changed_since(superuser_client):
    # The user admin carries no lock version: its draft keeps none.
    colleague = make_staff("Writer")
    url = reverse("admin:newsroom-autosave-change", args=["auth.user", colleague.pk])
    superuser_client.post(url, {"fields": json.dumps([["first_name", "Su-jin"]])})

    response = superuser_client.get(change_url(colleague))

    assert response.context["newsroom_autosave"]["draft"]["fields"] == [["first_name", "Su-jin"]]
    assert "The record has been saved since" not in response.content.decode()


def test_an_add_form_draft_with_a_stray_version_still_opens(editor_client):
    add = reverse("admin:newsroom-autosave-add", args=["articles.section"])
    editor_client.post(add, {"fields": json.dumps([["name", "x"]]), "opened_version": "7"})

    response = editor_client.get(reverse("admin:articles_section_add"))

    assert response.status_code == 200
    assert response.context["newsroom_autosave"]["draft"]["record_changed"] is False
