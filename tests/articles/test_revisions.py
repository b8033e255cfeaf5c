"""Whole-story revisions: compare any two, restore one with its quotes and tags."""

import pytest
import reversion
from django.urls import reverse

from articles.models import Article, ArticleStatus, LiveDraft, Quote
from tests.support.admin import restore, save_change, versions_of
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


def test_restore_brings_back_fields_quotes_and_tags_as_a_new_revision(editor_client, story):
    newcomer = make_person(name="Park Ji-hoon")
    save_change(
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
    first = versions_of(story)[0]
    revisions_before = len(versions_of(story))

    response = restore(editor_client, story, first)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Trial begins"
    assert [(q.person.name, q.text) for q in story.quotes.all()] == [
        ("Choi Jae-young", "We are ready.")
    ]
    assert sorted(story.tags.names()) == ["clinical-trials", "vaccines"]
    versions = versions_of(story)
    assert len(versions) == revisions_before + 1
    assert "Restored" in versions[-1].revision.comment
    assert versions[-1].revision.user == editor_client.user


def test_compare_shows_changed_fields_quotes_and_tags_side_by_side(editor_client, story):
    save_change(editor_client, story, headline="Trial halted", tags="policy")
    first, second = versions_of(story)[:2]
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


def test_history_page_lists_revisions_and_status_changes(editor_client, story):
    save_change(editor_client, story, status="review")
    response = editor_client.get(reverse("admin:articles_article_history", args=[story.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Status changes" in content
    assert len(response.context["newsroom_versions"]) == 2
    assert "Compare A with B" in content


def test_writer_restoring_into_their_published_story_only_drafts(writer_client, story):
    story.created_by = writer_client.user
    story.status = ArticleStatus.PUBLISHED
    story.headline = "Trial halted"
    story.save()
    live_headline = story.headline
    first = versions_of(story)[0]
    url = reverse("admin:articles_article_revision", args=[story.pk, first.pk])
    response = writer_client.post(
        url, {"opened_version": str(Article.objects.get(pk=story.pk).version)}
    )
    assert response.status_code == 302
    stored = Article.objects.get(pk=story.pk)
    assert stored.status == ArticleStatus.PUBLISHED
    assert stored.headline == live_headline
    assert stored.version == story.version
    assert LiveDraft.objects.get(article=story).content["fields"]["headline"] == "Trial begins"


def test_restored_quote_keeps_its_text_and_order(editor_client, story):
    quote = story.quotes.get()
    Quote.objects.filter(pk=quote.pk).update(text="Changed behind the form")
    first = versions_of(story)[0]
    assert restore(editor_client, story, first).status_code == 302
    assert Quote.objects.get(pk=quote.pk).text == "We are ready."


def test_restore_brings_back_bylines_linked_records_and_curated_links(editor_client, story):
    from articles.models import Byline, RelatedArticle
    from tests.support.factories import make_institution

    author, institution, further = make_person(), make_institution(), make_article()
    Byline.objects.create(article=story, person=author)
    RelatedArticle.objects.create(article=story, related=further)
    story.institutions.add(institution)
    story.people.add(author)
    with reversion.create_revision():
        story.save()
    saved = versions_of(story)[-1]
    story.bylines.all().delete()
    story.curated_links.all().delete()
    story.institutions.clear()
    story.people.clear()

    assert restore(editor_client, story, saved).status_code == 302
    assert list(story.bylines.values_list("person", flat=True)) == [author.pk]
    assert list(story.curated_links.values_list("related", flat=True)) == [further.pk]
    assert list(story.institutions.all()) == [institution]
    assert list(story.people.all()) == [author]
