"""The revisions engine through the admin: compare, restore, recover, and what stops a restore.

Shown on articles (the record with the most inline rows) and people; what an
article's revision holds is tested in tests/articles/test_revisions.py.
"""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleStatus
from institutions.models import Person
from tests.support.admin import admin_form_data, restore, save_change, versions_of
from tests.support.factories import make_article, make_person, make_quote


@pytest.fixture
def story(db):
    """An article with a quote and two tags, saved once as a revision."""
    speaker = make_person(name="Choi Jae-young")
    article = make_article(
        headline="Trial begins", tags=["vaccines", "clinical-trials"], status=ArticleStatus.DRAFT
    )
    make_quote(article=article, person=speaker, text="We are ready.")
    with reversion.create_revision():
        reversion.set_comment("First draft.")
        article.save()
    return article


def test_compare_with_the_current_version_and_bad_ids(editor_client, story):
    first = versions_of(story)[0]
    url = reverse("admin:articles_article_compare", args=[story.pk])
    assert editor_client.get(url, {"a": first.pk, "b": "current"}).status_code == 200
    assert editor_client.get(url, {"a": "x"}).status_code == 404
    assert editor_client.get(url, {"a": 999999, "b": "current"}).status_code == 404


def test_restore_with_a_deleted_speaker_says_so_and_restores_the_rest(editor_client, story):
    speaker = story.quotes.get().person
    save_change(editor_client, story, headline="Trial halted", **{"quotes-0-DELETE": "on"})
    Person.objects.filter(pk=speaker.pk).delete()
    first = versions_of(story)[0]

    response = restore(editor_client, story, first)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Trial begins"
    assert sorted(story.tags.names()) == ["clinical-trials", "vaccines"]
    assert not story.quotes.exists()
    notes = [str(m) for m in editor_client.get(response["Location"]).context["messages"]]
    assert any("has been deleted" in n and "person" in n for n in notes), notes


def test_restore_refused_when_someone_saved_in_between(editor_client, story):
    first = versions_of(story)[0]
    url = reverse("admin:articles_article_revision", args=[story.pk, first.pk])
    stale = str(Article.objects.get(pk=story.pk).version)
    story.headline = "Saved meanwhile"
    story.save()
    response = editor_client.post(url, {"opened_version": stale})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Saved meanwhile"


def test_restore_keeps_the_version_number_rising(editor_client, story):
    save_change(editor_client, story, headline="Trial halted")
    before = Article.objects.get(pk=story.pk).version
    assert restore(editor_client, story, versions_of(story)[0]).status_code == 302
    assert Article.objects.get(pk=story.pk).version > before


def test_deleted_person_is_recovered_from_the_history(editor_client, db):
    person = make_person(name="Kang Min-su")
    with reversion.create_revision():
        person.save()
    person_pk = person.pk
    person.delete()
    version = Version.objects.get_deleted(Person).get()
    url = reverse("admin:institutions_person_recover", args=[version.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert not Person.objects.filter(pk=person_pk).exists()
    response = editor_client.post(url, admin_form_data(page))
    assert response.status_code == 302
    assert Person.objects.get(pk=person_pk).name == "Kang Min-su"
