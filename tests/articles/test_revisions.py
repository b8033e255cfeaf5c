"""Whole-story revisions: compare any two, restore one with its quotes and tags."""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleStatus, Quote
from institutions.models import Person
from tests.factories import (
    admin_form_data,
    make_article,
    make_person,
    make_position,
    make_quote,
    make_staff,
)


@pytest.fixture
def editor_client(client, db):
    client.user = make_staff("Editor")
    client.force_login(client.user)
    return client


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


def _change(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(client.get(url), **changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def _versions(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


def _restore(client, article, version):
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"opened_version": str(Article.objects.get(pk=article.pk).version)})


def test_restore_brings_back_fields_quotes_and_tags_as_a_new_revision(editor_client, story):
    newcomer = make_person(name="Park Ji-hoon")
    _change(
        editor_client,
        story,
        headline="Trial halted",
        tags="policy",
        **{"quotes-0-DELETE": "on"},
    )
    make_quote(article=story, person=newcomer, text="A new voice.")
    story.refresh_from_db()
    assert story.headline == "Trial halted"
    assert list(story.quotes.values_list("text", flat=True)) == ["A new voice."]
    first = _versions(story)[0]
    revisions_before = len(_versions(story))

    response = _restore(editor_client, story, first)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Trial begins"
    assert [(q.person.name, q.text) for q in story.quotes.all()] == [
        ("Choi Jae-young", "We are ready.")
    ]
    assert sorted(story.tags.names()) == ["clinical-trials", "vaccines"]
    versions = _versions(story)
    assert len(versions) == revisions_before + 1
    assert "Restored" in versions[-1].revision.comment
    assert versions[-1].revision.user == editor_client.user


def test_compare_shows_changed_fields_quotes_and_tags_side_by_side(editor_client, story):
    _change(editor_client, story, headline="Trial halted", tags="policy")
    first, second = _versions(story)[:2]
    url = reverse("admin:articles_article_compare", args=[story.pk])
    response = editor_client.get(url, {"a": first.pk, "b": second.pk})
    assert response.status_code == 200
    rows = {str(row["label"]): row for row in response.context["rows"]}
    assert rows["headline"]["changed"]
    assert (rows["headline"]["left"], rows["headline"]["right"]) == ("Trial begins", "Trial halted")
    assert not rows["standfirst"]["changed"]
    assert "updated" not in rows and "permanent identifier" not in rows
    assert rows["tags"]["changed"]
    assert any("vaccines" in line for line in rows["tags"]["left_list"])
    assert any("policy" in line for line in rows["tags"]["right_list"])
    assert not rows["quotes"]["changed"]
    assert "We are ready." in rows["quotes"]["left_list"][0]


def test_compare_with_the_current_version_and_bad_ids(editor_client, story):
    first = _versions(story)[0]
    url = reverse("admin:articles_article_compare", args=[story.pk])
    assert editor_client.get(url, {"a": first.pk, "b": "current"}).status_code == 200
    assert editor_client.get(url, {"a": "x"}).status_code == 404
    assert editor_client.get(url, {"a": 999999, "b": "current"}).status_code == 404


def test_history_page_lists_revisions_and_status_changes(editor_client, story):
    _change(editor_client, story, status="review")
    response = editor_client.get(reverse("admin:articles_article_history", args=[story.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Status changes" in content
    assert len(response.context["newsroom_versions"]) == 2
    assert "Compare A with B" in content


def test_restore_with_a_deleted_speaker_says_so_and_restores_the_rest(editor_client, story):
    speaker = story.quotes.get().person
    _change(editor_client, story, headline="Trial halted", **{"quotes-0-DELETE": "on"})
    Person.objects.filter(pk=speaker.pk).delete()
    first = _versions(story)[0]

    response = _restore(editor_client, story, first)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Trial begins"
    assert sorted(story.tags.names()) == ["clinical-trials", "vaccines"]
    assert not story.quotes.exists()
    notes = [str(m) for m in editor_client.get(response["Location"]).context["messages"]]
    assert any("has been deleted" in n and "person" in n for n in notes), notes


def test_restore_refused_when_someone_saved_in_between(editor_client, story):
    first = _versions(story)[0]
    url = reverse("admin:articles_article_revision", args=[story.pk, first.pk])
    stale = str(Article.objects.get(pk=story.pk).version)
    story.headline = "Saved meanwhile"
    story.save()
    response = editor_client.post(url, {"opened_version": stale})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Saved meanwhile"


def test_writer_cannot_restore_a_published_story(client, story):
    writer = make_staff("Writer")
    story.created_by = writer
    story.status = ArticleStatus.PUBLISHED
    story.save()
    client.force_login(writer)
    first = _versions(story)[0]
    url = reverse("admin:articles_article_revision", args=[story.pk, first.pk])
    response = client.post(url, {"opened_version": str(Article.objects.get(pk=story.pk).version)})
    assert response.status_code == 403
    assert Article.objects.get(pk=story.pk).status == ArticleStatus.PUBLISHED


def test_person_restore_brings_back_positions(editor_client, db):
    position = make_position(title="Dean")
    person = position.person
    with reversion.create_revision():
        person.save()
    position.delete()
    person.name = "Renamed"
    with reversion.create_revision():
        person.save()
    first = Version.objects.get_for_object(person).order_by("pk").first()
    url = reverse("admin:institutions_person_revision", args=[person.pk, first.pk])
    response = editor_client.post(
        url, {"opened_version": str(Person.objects.get(pk=person.pk).version)}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name != "Renamed"
    assert list(person.positions.values_list("title", flat=True)) == ["Dean"]


def test_restored_quote_keeps_its_text_and_order(editor_client, story):
    quote = story.quotes.get()
    Quote.objects.filter(pk=quote.pk).update(text="Changed behind the form")
    first = _versions(story)[0]
    assert _restore(editor_client, story, first).status_code == 302
    assert Quote.objects.get(pk=quote.pk).text == "We are ready."


def test_restore_keeps_the_version_number_rising(editor_client, story):
    _change(editor_client, story, headline="Trial halted")
    before = Article.objects.get(pk=story.pk).version
    assert _restore(editor_client, story, _versions(story)[0]).status_code == 302
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


def test_restore_brings_back_bylines_linked_records_and_curated_links(editor_client, story):
    from articles.models import Byline, RelatedArticle
    from tests.factories import make_institution

    author, institution, further = make_person(), make_institution(), make_article()
    Byline.objects.create(article=story, person=author)
    RelatedArticle.objects.create(article=story, related=further)
    story.institutions.add(institution)
    story.people.add(author)
    with reversion.create_revision():
        story.save()
    saved = _versions(story)[-1]
    story.bylines.all().delete()
    story.curated_links.all().delete()
    story.institutions.clear()
    story.people.clear()

    assert _restore(editor_client, story, saved).status_code == 302
    assert list(story.bylines.values_list("person", flat=True)) == [author.pk]
    assert list(story.curated_links.values_list("related", flat=True)) == [further.pk]
    assert list(story.institutions.all()) == [institution]
    assert list(story.people.all()) == [author]
