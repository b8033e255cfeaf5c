"""Every admin path that can change a story's status or times, walked as a writer.

The rule is one: only a user with the publish permission publishes,
schedules, embargoes or unpublishes. A restore of an old revision brings
back words, quotes and tags, never the publication state, unless an editor
asks for it.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, ArticleStatus
from tests.support.admin import admin_form_data
from tests.support.factories import make_article, make_staff

pytestmark = pytest.mark.django_db


def _login(client, role):
    user = make_staff(role)
    client.force_login(user)
    return user


def _change(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, admin_form_data(client.get(url), **changes))


def _restore(client, article, version, **extra):
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    data = {"opened_version": str(Article.objects.get(pk=article.pk).version), **extra}
    return client.post(url, data)


def _published_revision(article):
    """The revision saved when the editor published the story."""
    for version in Version.objects.get_for_object(article).order_by("pk"):
        if version.field_dict["status"] == ArticleStatus.PUBLISHED:
            return version
    raise AssertionError("no published revision")


@pytest.fixture
def unpublished_story(client):
    """Submitted by a writer, published by an editor, then unpublished again."""
    writer = make_staff("Writer")
    editor = make_staff("Editor")
    article = make_article(headline="Cohort study results", status=ArticleStatus.DRAFT)
    article.created_by = writer
    article.save()
    assert workflow.article_submit_for_review(article=article, user=writer)
    assert workflow.article_publish(article=article, user=editor) == {}
    assert workflow.article_unpublish(article=article, user=editor)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    return writer, editor, article


def test_a_writer_restoring_the_published_revision_does_not_publish(client, unpublished_story):
    writer, _editor, article = unpublished_story
    client.force_login(writer)

    response = _restore(client, article, _published_revision(article))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert client.get("/feeds/rss/").content.decode().count("Cohort study results") == 0


def test_a_writer_asking_to_restore_the_publication_state_is_refused(client, unpublished_story):
    writer, _editor, article = unpublished_story
    client.force_login(writer)
    version_before = Article.objects.get(pk=article.pk).version

    response = _restore(
        client, article, _published_revision(article), **{workflow.RESTORE_PUBLICATION_STATE: "1"}
    )

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.version == version_before


def test_restoring_old_words_into_a_live_story_keeps_it_live(client):
    editor = _login(client, "Editor")
    article = make_article(headline="First words", status=ArticleStatus.DRAFT, published_at=None)
    _change(client, article, headline="Draft words")
    first = Version.objects.get_for_object(article).order_by("pk").first()
    published_at = timezone.now() - datetime.timedelta(days=1)
    assert workflow.article_publish(article=article, user=editor, now=published_at) == {}

    response = _restore(client, article, first)

    # Into a live story, a restore makes a draft: the public keeps the live words.
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "First words"
    assert article.live_draft.content["fields"]["headline"] == "Draft words"
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at == published_at
    assert client.get(article.get_absolute_url()).status_code == 200


def test_an_editor_may_restore_the_publication_state_on_purpose(client, unpublished_story):
    _writer, editor, article = unpublished_story
    client.force_login(editor)
    page = client.get(
        reverse(
            "admin:articles_article_revision", args=[article.pk, _published_revision(article).pk]
        )
    )
    assert workflow.RESTORE_PUBLICATION_STATE in page.content.decode()

    response = _restore(
        client, article, _published_revision(article), **{workflow.RESTORE_PUBLICATION_STATE: "1"}
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.status_changes.first().to_status == ArticleStatus.PUBLISHED


def test_a_writer_sees_no_option_to_restore_the_publication_state(client, unpublished_story):
    writer, _editor, article = unpublished_story
    client.force_login(writer)
    page = client.get(
        reverse(
            "admin:articles_article_revision", args=[article.pk, _published_revision(article).pk]
        )
    )
    assert page.status_code == 200
    assert workflow.RESTORE_PUBLICATION_STATE not in page.content.decode()


def _writer_attempts(client, article):
    """Every admin request a writer could craft to change status or times."""
    future = timezone.localtime() + datetime.timedelta(days=2)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    changelist = reverse("admin:articles_article_changelist")
    yield (
        "change form: publish",
        lambda: client.post(
            change_url, admin_form_data(client.get(change_url), status=ArticleStatus.PUBLISHED)
        ),
    )
    yield (
        "change form: schedule",
        lambda: client.post(
            change_url,
            {
                **admin_form_data(client.get(change_url)),
                "published_at_0": f"{future:%Y-%m-%d}",
                "published_at_1": f"{future:%H:%M:%S}",
            },
        ),
    )
    yield (
        "change form: embargo",
        lambda: client.post(
            change_url,
            {
                **admin_form_data(client.get(change_url)),
                "embargo_until_0": f"{future:%Y-%m-%d}",
                "embargo_until_1": f"{future:%H:%M:%S}",
            },
        ),
    )
    for action in ("publish_selected", "unpublish_selected"):
        yield (
            f"action: {action}",
            lambda action=action: client.post(
                changelist, {"action": action, "_selected_action": [article.pk]}
            ),
        )
    yield (
        "add form: publish",
        lambda: client.post(
            reverse("admin:articles_article_add"),
            {
                "headline": "Crafted",
                "slug": "crafted",
                "section": article.section_id,
                "body": "<p>Text</p>",
                "status": ArticleStatus.PUBLISHED,
                "published_at_0": f"{timezone.localdate():%Y-%m-%d}",
                "published_at_1": "00:00:00",
            },
        ),
    )
    for version in Version.objects.get_for_object(article):
        yield (
            f"restore revision {version.pk}",
            lambda version=version: _restore(
                client, article, version, **{workflow.RESTORE_PUBLICATION_STATE: "1"}
            ),
        )
        yield (
            f"recover revision {version.pk}",
            lambda version=version: client.post(
                reverse("admin:articles_article_recover", args=[version.pk])
            ),
        )


def test_no_admin_path_lets_a_writer_change_status_or_times(client, unpublished_story):
    writer, _editor, article = unpublished_story
    client.force_login(writer)
    state = Article.objects.filter(pk=article.pk).values(*workflow.PUBLICATION_STATE).get()
    tried = []

    for name, attempt in _writer_attempts(client, article):
        response = attempt()
        tried.append(name)
        assert response.status_code < 500, name
        assert (
            Article.objects.filter(pk=article.pk).values(*workflow.PUBLICATION_STATE).get() == state
        ), name
        assert not Article.objects.published().exists(), name

    assert len(tried) >= 8
