"""Draft changes to a live story: prepared and reviewed while the public keeps the live version."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import previews, workflow
from articles.models import Article, ArticleStatus, Byline, LiveDraft, Quote
from newsroom import revisions
from newsroom.pagecache import GENERATION_KEY
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url, save_change
from tests.support.factories import (
    image_upload,
    make_article,
    make_person,
    make_quote,
    make_staff,
)

DRAFT_WORDS = "Corrected figure of 41 laboratories"


@pytest.fixture
def live(db):
    """A live story with a byline, a quote and a tag, saved once in the admin's history."""
    article = make_article(
        headline="Twelve labs sign the research pact",
        slug="twelve-labs",
        standfirst="The pact covers twelve laboratories.",
        body="<p>Twelve laboratories signed on Monday.</p>",
        tags=["research"],
    )
    Byline.objects.create(article=article, person=make_person(name="Kim Writer"), order=0)
    make_quote(article=article, person=make_person(name="Lee Dean"), text="A fine day.")
    with revisions.recorded(user=None, comment="First version."):
        article.save()
    return Article.objects.get(pk=article.pk)


def _draft_post(client, article, button="_save_draft", **changes):
    """Send the change page back with ``button``; warnings (a speaker's missing title) read."""
    changes.setdefault(WARNINGS_CONFIRMED, "on")
    page = client.get(change_url(article))
    assert page.status_code == 200
    data = admin_form_data(page, **changes)
    if button:
        data[button] = "1"
    return client.post(change_url(article), data)


def _public_texts(client, article):
    """Every public rendering a reader or a client could reach the story through."""
    article = Article.objects.get(pk=article.pk)
    pages = [
        "/",
        article.get_absolute_url(),
        "/news/",
        reverse("feeds:latest"),
        reverse("feeds:latest-atom"),
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
        "/search/?q=laboratories",
        "/api/v1/articles/",
        f"/api/v1/articles/{article.guid}/",
    ]
    texts = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.content.decode()
    return texts


def test_editor_saving_a_live_story_keeps_a_draft_and_the_public_keeps_the_live_version(
    client, editor_client, live
):
    versions_before = Version.objects.get_for_object(live).count()
    response = _draft_post(
        editor_client, live, headline=DRAFT_WORDS, standfirst="The pact covers 41 laboratories."
    )
    assert response.status_code == 302
    assert Version.objects.get_for_object(live).count() == versions_before
    assert response["Location"] == change_url(live)

    stored = Article.objects.get(pk=live.pk)
    assert stored.headline == "Twelve labs sign the research pact"
    assert stored.version == live.version
    draft = LiveDraft.objects.get(article=live)
    assert draft.content["fields"]["headline"] == DRAFT_WORDS
    assert draft.updated_by == editor_client.user
    assert not draft.submitted_for_review

    page = client.get(live.get_absolute_url())
    assert page.status_code == 200
    assert "Twelve labs sign the research pact" in page.content.decode()
    for url, text in _public_texts(client, live).items():
        assert DRAFT_WORDS not in text, url
        assert "41 laboratories" not in text, url


def test_the_change_form_of_a_live_story_is_loaded_from_its_draft(editor_client, live):
    _draft_post(editor_client, live, headline=DRAFT_WORDS)
    page = editor_client.get(change_url(live))
    content = page.content.decode()
    assert page.context["adminform"].form["headline"].value() == DRAFT_WORDS
    assert "You are editing a draft of a live story; the public sees the live version." in content
    assert "Live version differs from draft in:" in content
    assert reverse("admin:articles_article_draft_compare", args=[live.pk]) in content
    assert 'name="_publish_changes"' in content
    assert 'name="_discard_draft"' in content


def test_a_bare_save_of_a_live_story_drafts_too(editor_client, live):
    response = save_change(editor_client, live, headline=DRAFT_WORDS)
    assert response.status_code == 302
    assert Article.objects.get(pk=live.pk).headline == live.headline
    assert LiveDraft.objects.get(article=live).content["fields"]["headline"] == DRAFT_WORDS


def test_saving_without_changes_keeps_no_draft(editor_client, live):
    response = _draft_post(editor_client, live)
    assert response.status_code == 302
    assert not LiveDraft.objects.filter(article=live).exists()


def test_draft_keeps_inline_changes_until_published(editor_client, live):
    quote = live.quotes.get()
    page = editor_client.get(change_url(live))
    data = admin_form_data(
        page, **{"quotes-0-text": "A fine day for science.", WARNINGS_CONFIRMED: "on"}
    )
    data["bylines-0-DELETE"] = "on"
    data["_save_draft"] = "1"
    assert editor_client.post(change_url(live), data).status_code == 302
    assert Quote.objects.get(pk=quote.pk).text == "A fine day."
    assert live.bylines.count() == 1

    # The form shows the draft's rows: the edited quote, no byline.
    page = editor_client.get(change_url(live))
    quotes = page.context["inline_admin_formsets"][1].formset
    bylines = page.context["inline_admin_formsets"][0].formset
    assert [form["text"].value() for form in quotes.forms] == ["A fine day for science."]
    assert len(bylines.forms) == 0

    response = _draft_post(editor_client, live, button="_publish_changes")
    assert response.status_code == 302
    assert Quote.objects.get(pk=quote.pk).text == "A fine day for science."
    assert live.bylines.count() == 0


def test_publish_changes_makes_the_draft_live_as_a_revision(client, editor_client, live, settings):
    _draft_post(editor_client, live, headline=DRAFT_WORDS, tags="research, corrections")
    before = Version.objects.get_for_object(live).count()
    generation = _generation()

    response = _draft_post(editor_client, live, button="_publish_changes")
    assert response.status_code == 302

    stored = Article.objects.get(pk=live.pk)
    assert stored.headline == DRAFT_WORDS
    assert sorted(stored.tags.names()) == ["corrections", "research"]
    assert stored.updated_by == editor_client.user
    assert stored.status == ArticleStatus.PUBLISHED
    assert not LiveDraft.objects.filter(article=live).exists()
    versions = Version.objects.get_for_object(live).select_related("revision")
    assert versions.count() == before + 1
    latest = versions.order_by("-revision__date_created", "-pk").first().revision
    assert latest.get_comment() == "Published changes"
    assert latest.user == editor_client.user
    assert _generation() != generation
    assert DRAFT_WORDS in client.get(stored.get_absolute_url()).content.decode()


def _generation():
    from django.core.cache import cache

    return cache.get(GENERATION_KEY)


def test_discard_draft_changes(editor_client, live):
    _draft_post(editor_client, live, headline=DRAFT_WORDS)
    response = _draft_post(editor_client, live, button="_discard_draft")
    assert response.status_code == 302
    assert not LiveDraft.objects.filter(article=live).exists()
    assert Article.objects.get(pk=live.pk).headline == live.headline
    page = editor_client.get(change_url(live))
    assert page.context["adminform"].form["headline"].value() == live.headline


def test_discard_is_refused_when_someone_saved_the_draft_since(editor_client, live):
    _draft_post(editor_client, live, headline=DRAFT_WORDS)
    stale = admin_form_data(editor_client.get(change_url(live)), _discard_draft="1")
    other = make_staff("Editor")
    other_client = type(editor_client)()
    other_client.force_login(other)
    _draft_post(other_client, live, headline="Their newer draft")
    response = editor_client.post(change_url(live), stale, follow=True)
    assert "nothing was discarded" in response.content.decode()
    assert LiveDraft.objects.get(article=live).content["fields"]["headline"] == "Their newer draft"


@pytest.fixture
def writers_live(db, writer_client):
    article = make_article(headline="Writer's live story", created_by=writer_client.user)
    return article


def test_writer_prepares_and_submits_a_draft_of_their_live_story(
    client, writer_client, writers_live
):
    page = writer_client.get(change_url(writers_live))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_submit_draft"' in content
    assert 'name="_publish_changes"' not in content

    response = _draft_post(
        writer_client, writers_live, button="_submit_draft", headline=DRAFT_WORDS
    )
    assert response.status_code == 302
    draft = LiveDraft.objects.get(article=writers_live)
    assert draft.submitted_for_review and draft.submitted_by == writer_client.user
    assert draft.submitted_at is not None
    assert Article.objects.get(pk=writers_live.pk).headline == "Writer's live story"
    assert list(workflow.review_queue()) == [writers_live]
    assert workflow.review_queue().get().changes_submitted


def test_writer_cannot_publish_changes(writer_client, writers_live):
    response = _draft_post(
        writer_client, writers_live, button="_publish_changes", headline=DRAFT_WORDS
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Only an editor can publish changes to a live story." in content
    assert response.context["adminform"].form["headline"].value() == DRAFT_WORDS
    assert Article.objects.get(pk=writers_live.pk).headline == "Writer's live story"
    assert not LiveDraft.objects.filter(article=writers_live).exists()


def test_writer_cannot_draft_someone_elses_live_story(writer_client, editor_client, live):
    page = writer_client.get(change_url(live))
    assert 'name="_save_draft"' not in page.content.decode()  # a read-only view, at most
    assert "your role may read it here but not change it" in page.content.decode()
    assert "You are editing a draft" not in page.content.decode()
    data = admin_form_data(editor_client.get(change_url(live)), headline=DRAFT_WORDS)
    data["_save_draft"] = "1"
    assert writer_client.post(change_url(live), data).status_code == 403
    assert not LiveDraft.objects.exists()
    assert not workflow.article_draft_editable_by(live, writer_client.user)


def test_writer_cannot_move_the_publication_time_through_a_draft(writer_client, writers_live):
    page = writer_client.get(change_url(writers_live))
    data = admin_form_data(page, _save_draft="1")
    data["status"] = ArticleStatus.DRAFT
    data["published_at_0"] = "2030-01-01"
    data["published_at_1"] = "09:00"
    response = writer_client.post(change_url(writers_live), data)
    assert response.status_code == 200
    assert Article.objects.get(pk=writers_live.pk).status == ArticleStatus.PUBLISHED


def test_editor_changing_publication_time_in_a_draft_is_told_to_publish(editor_client, live):
    response = _draft_post(editor_client, live, status=ArticleStatus.DRAFT)
    assert response.status_code == 200
    assert "Draft changes hold the story&#x27;s words, pictures and links, not Status" in (
        response.content.decode()
    )
    assert Article.objects.get(pk=live.pk).status == ArticleStatus.PUBLISHED


def test_review_queue_on_the_admin_index_lists_submitted_changes(
    editor_client, writer_client, writers_live
):
    _draft_post(writer_client, writers_live, button="_submit_draft", headline=DRAFT_WORDS)
    content = editor_client.get(reverse("admin:index")).content.decode()
    assert "Writer&#x27;s live story" in content or "Writer's live story" in content
    assert "Changes to a live story" in content


def test_two_people_editing_the_same_draft_the_second_is_refused(editor_client, live):
    _draft_post(editor_client, live, headline="First draft")
    first_form = admin_form_data(
        editor_client.get(change_url(live)),
        headline="Mine",
        _save_draft="1",
        **{WARNINGS_CONFIRMED: "on"},
    )
    other_client = type(editor_client)()
    other_client.force_login(make_staff("Editor"))
    second_form = admin_form_data(
        other_client.get(change_url(live)),
        headline="Theirs",
        _save_draft="1",
        **{WARNINGS_CONFIRMED: "on"},
    )
    assert editor_client.post(change_url(live), first_form).status_code == 302
    response = other_client.post(change_url(live), second_form)
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert response.context["adminform"].form["headline"].value() == "Theirs"
    assert LiveDraft.objects.get(article=live).content["fields"]["headline"] == "Mine"
    # A plain second try is refused again: the form still carries the old stamp.
    again = admin_form_data(response, _save_draft="1", **{WARNINGS_CONFIRMED: "on"})
    assert other_client.post(change_url(live), again).status_code == 200
    assert LiveDraft.objects.get(article=live).content["fields"]["headline"] == "Mine"


def test_publishing_a_draft_opened_before_a_newer_save_is_refused(editor_client, live):
    _draft_post(editor_client, live, headline="First draft")
    stale = admin_form_data(editor_client.get(change_url(live)), _publish_changes="1")
    _draft_post(editor_client, live, headline="Newer draft")
    response = editor_client.post(change_url(live), stale)
    assert response.status_code == 200
    assert Article.objects.get(pk=live.pk).headline == live.headline


def test_preview_link_showing_the_draft(client, editor_client, live):
    _draft_post(editor_client, live, headline=DRAFT_WORDS)
    link = previews.preview_link_create(
        article=live, user=editor_client.user, recipient="Dean's office"
    )
    link.shows_draft = True
    link.save()
    response = client.get(previews.preview_link_path(link))
    assert response.status_code == 200
    content = response.content.decode()
    assert DRAFT_WORDS in content
    assert "Lee Dean" in content and "Kim Writer" in content
    assert "Preview of changes not yet published" in content
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex' in content
    # The public address keeps the live version.
    assert DRAFT_WORDS not in client.get(live.get_absolute_url()).content.decode()


def test_preview_link_without_the_option_leads_to_the_public_page(client, editor_client, live):
    _draft_post(editor_client, live, headline=DRAFT_WORDS)
    link = previews.preview_link_create(article=live, user=editor_client.user, recipient="Desk")
    response = client.get(previews.preview_link_path(link))
    assert response.status_code == 302
    assert response["Location"] == live.get_absolute_url()


def test_preview_link_option_is_set_in_the_admin(editor_client, live):
    page = editor_client.get(change_url(live))
    data = admin_form_data(
        page,
        **{
            "preview_links-TOTAL_FORMS": "1",
            "preview_links-0-recipient": "Dean's office",
            "preview_links-0-expires_at_0": (
                timezone.localdate() + datetime.timedelta(days=3)
            ).isoformat(),
            "preview_links-0-expires_at_1": "12:00",
            "preview_links-0-shows_draft": "on",
            "headline": DRAFT_WORDS,
            "_save_draft": "1",
            WARNINGS_CONFIRMED: "on",
        },
    )
    assert editor_client.post(change_url(live), data).status_code == 302
    link = live.preview_links.get()
    assert link.shows_draft
    assert LiveDraft.objects.filter(article=live).exists()


def test_staff_draft_preview_and_compare(editor_client, live):
    _draft_post(editor_client, live, headline=DRAFT_WORDS)
    preview = editor_client.get(reverse("admin:articles_article_draft_preview", args=[live.pk]))
    assert preview.status_code == 200
    assert DRAFT_WORDS in preview.content.decode()
    assert "noindex" in preview["X-Robots-Tag"]
    compare = editor_client.get(reverse("admin:articles_article_draft_compare", args=[live.pk]))
    assert compare.status_code == 200
    content = compare.content.decode()
    assert DRAFT_WORDS in content and "Twelve labs sign the research pact" in content
    headline_row = next(row for row in compare.context["rows"] if row["label"] == "headline")
    assert headline_row["changed"]


def test_admin_list_says_the_live_version_differs(editor_client, live):
    _draft_post(editor_client, live, headline=DRAFT_WORDS)
    content = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Live version differs from draft" in content
    assert reverse("admin:articles_article_draft_compare", args=[live.pk]) in content


def test_restoring_a_revision_into_a_live_story_makes_a_draft(client, editor_client, live):
    old = revisions.versions_of(live).first()
    save_change(editor_client, live, headline="An interim headline", _publish_changes="1")
    current = Article.objects.get(pk=live.pk)
    assert current.headline == "An interim headline"

    restore_url = reverse("admin:articles_article_revision", args=[live.pk, old.pk])
    page = editor_client.get(restore_url)
    assert "restoring makes version A a draft" in page.content.decode()
    response = editor_client.post(restore_url, {"opened_version": str(current.version)})
    assert response.status_code == 302

    stored = Article.objects.get(pk=live.pk)
    assert stored.headline == "An interim headline"
    assert stored.status == ArticleStatus.PUBLISHED
    draft = LiveDraft.objects.get(article=live)
    assert draft.content["fields"]["headline"] == "Twelve labs sign the research pact"
    assert [row["text"] for row in draft.content["inlines"]["quotes"]] == ["A fine day."]
    assert draft.content["tags"] == ["research"]
    assert "An interim headline" in client.get(stored.get_absolute_url()).content.decode()


def test_restoring_into_a_live_story_with_a_draft_is_refused(editor_client, live):
    old = revisions.versions_of(live).first()
    _draft_post(editor_client, live, headline=DRAFT_WORDS)
    restore_url = reverse("admin:articles_article_revision", args=[live.pk, old.pk])
    response = editor_client.post(
        restore_url, {"opened_version": str(Article.objects.get(pk=live.pk).version)}, follow=True
    )
    assert "already has draft changes" in response.content.decode()
    assert LiveDraft.objects.get(article=live).content["fields"]["headline"] == DRAFT_WORDS


def test_editing_a_story_that_is_not_live_still_saves_it_at_once(editor_client):
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)
    save_change(editor_client, article, headline="Straight in")
    assert Article.objects.get(pk=article.pk).headline == "Straight in"
    assert not LiveDraft.objects.exists()


def test_nothing_public_shows_draft_text(client, editor_client, live):
    """The publication gate: the draft's words reach no public page, feed, sitemap or API."""
    secret = "Xylophone correction pending"
    _draft_post(
        editor_client,
        live,
        headline=secret,
        standfirst=secret,
        body=f"<p>{secret}</p>",
        slug="xylophone-correction",
        **{"quotes-0-text": secret},
    )
    assert LiveDraft.objects.filter(article=live).exists()
    for url, text in _public_texts(client, live).items():
        assert secret not in text, url
        assert "xylophone" not in text.lower(), url
    search = client.get("/search/?q=Xylophone")
    assert list(search.context["articles"]) == []


def test_a_new_lead_image_waits_in_the_draft(client, editor_client, live):
    page = editor_client.get(change_url(live))
    data = admin_form_data(
        page, lead_image_alt="Signing table", _save_draft="1", **{WARNINGS_CONFIRMED: "on"}
    )
    data["lead_image"] = image_upload()
    assert editor_client.post(change_url(live), data).status_code == 302
    assert not Article.objects.get(pk=live.pk).lead_image
    name = LiveDraft.objects.get(article=live).content["fields"]["lead_image"]
    assert name
    assert "Signing table" not in client.get(live.get_absolute_url()).content.decode()

    assert _draft_post(editor_client, live, button="_publish_changes").status_code == 302
    stored = Article.objects.get(pk=live.pk)
    assert stored.lead_image.name == name
    assert stored.lead_image_alt == "Signing table"


def test_an_editor_corrects_a_scheduled_story_directly_so_the_correction_goes_out(editor_client):
    scheduled = make_article(
        headline="Goes out tomorrow", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    page = editor_client.get(change_url(scheduled)).content.decode()
    assert "live-draft-banner" not in page

    assert _draft_post(editor_client, scheduled, headline=DRAFT_WORDS).status_code == 302

    assert Article.objects.get(pk=scheduled.pk).headline == DRAFT_WORDS
    assert not LiveDraft.objects.filter(article=scheduled).exists()


def test_an_editor_corrects_an_embargoed_story_directly(editor_client):
    embargoed = make_article(
        headline="Held back", embargo_until=timezone.now() + datetime.timedelta(days=1)
    )
    assert _draft_post(editor_client, embargoed, headline=DRAFT_WORDS).status_code == 302
    assert Article.objects.get(pk=embargoed.pk).headline == DRAFT_WORDS


def test_a_writer_prepares_draft_changes_to_their_scheduled_story(writer_client):
    scheduled = make_article(
        headline="Goes out tomorrow",
        published_at=timezone.now() + datetime.timedelta(days=1),
        created_by=writer_client.user,
    )
    page = writer_client.get(change_url(scheduled)).content.decode()
    assert "published but not public yet" in page

    assert _draft_post(writer_client, scheduled, headline=DRAFT_WORDS).status_code == 302

    assert Article.objects.get(pk=scheduled.pk).headline == "Goes out tomorrow"
    assert LiveDraft.objects.get(article=scheduled).content["fields"]["headline"] == DRAFT_WORDS


def test_submitted_changes_notify_the_editors_and_publishing_them_tells_the_writer(
    writer_client, writers_live, django_capture_on_commit_callbacks, mailoutbox
):
    from articles.models_notifications import Notification, NotificationKind

    editor = make_staff("Editor", email="editor@example.ac.kr")
    with django_capture_on_commit_callbacks(execute=True):
        response = _draft_post(
            writer_client, writers_live, button="_submit_draft", headline=DRAFT_WORDS
        )
    assert response.status_code == 302
    asked = Notification.objects.get(recipient=editor)
    assert asked.kind == NotificationKind.REVIEW_REQUESTED and asked.article == writers_live
    assert [message.to for message in mailoutbox] == [["editor@example.ac.kr"]]

    editor_client = Client()
    editor_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _draft_post(editor_client, writers_live, button="_publish_changes").status_code == 302
        )
    assert Article.objects.get(pk=writers_live.pk).headline == DRAFT_WORDS
    told = Notification.objects.get(recipient=writer_client.user)
    assert told.kind == NotificationKind.PUBLISHED and told.actor == editor
    assert not LiveDraft.objects.filter(article=writers_live).exists()


def test_publish_changes_that_take_the_story_offline_say_so(client, editor_client, live):
    response = _draft_post(editor_client, live, button="_publish_changes", status="draft")

    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "it is no longer public" in page
    assert "readers see them now" not in page
    assert client.get(live.get_absolute_url()).status_code == 404


def test_publish_changes_to_a_story_still_to_come_say_when_readers_see_them(editor_client, live):
    later = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    response = _draft_post(
        editor_client,
        live,
        button="_publish_changes",
        published_at_0=later.strftime("%Y-%m-%d"),
        published_at_1=later.strftime("%H:%M:%S"),
    )

    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "readers see them when it goes live" in page


def test_draft_changes_left_by_unpublishing_are_shown_and_saved_into_the_story(
    writer_client, writers_live
):
    _draft_post(writer_client, writers_live, headline=DRAFT_WORDS)
    assert LiveDraft.objects.filter(article=writers_live).exists()
    workflow.article_unpublish(article=writers_live, user=make_staff("Editor"))

    page = writer_client.get(change_url(writers_live))
    content = page.content.decode()
    assert "unpublished while it had draft changes" in content
    assert page.context["adminform"].form["headline"].value() == DRAFT_WORDS
    # The story is the writer's own draft again: the form saves it, with a status.
    assert 'name="status"' in content and 'name="_save_draft"' not in content

    assert _draft_post(writer_client, writers_live, button=None).status_code == 302

    stored = Article.objects.get(pk=writers_live.pk)
    assert (stored.headline, stored.status) == (DRAFT_WORDS, ArticleStatus.DRAFT)
    assert not LiveDraft.objects.filter(article=writers_live).exists()


def test_draft_changes_left_by_unpublishing_can_be_discarded(writer_client, writers_live):
    _draft_post(writer_client, writers_live, headline=DRAFT_WORDS)
    workflow.article_unpublish(article=writers_live, user=make_staff("Editor"))

    response = _draft_post(writer_client, writers_live, button="_discard_draft")

    assert response.status_code == 302
    assert not LiveDraft.objects.filter(article=writers_live).exists()
    assert Article.objects.get(pk=writers_live.pk).headline == "Writer's live story"
    assert "unpublished while" not in writer_client.get(change_url(writers_live)).content.decode()
