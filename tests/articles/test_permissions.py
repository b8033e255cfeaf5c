"""The role matrix, through the real admin URLs: who may do what to a story."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus
from institutions.models import Person
from tests.support.admin import admin_form_data
from tests.support.factories import make_article, make_person, make_staff

ROLES = ["Writer", "Editor", "Administrator"]
CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def staff(client, db):
    def login(role):
        user = make_staff(role)
        client.force_login(user)
        return user

    return login


def _run_action(client, action, articles):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [a.pk for a in articles], "index": 0},
    )


def _local_parts(moment):
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_creates_a_draft(client, staff, role):
    user = staff(role)
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    section = make_article().section
    data = admin_form_data(
        response, headline="A new draft", slug="a-new-draft", section=str(section.pk)
    )
    data["status"] = ArticleStatus.DRAFT
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    created = Article.objects.get(slug="a-new-draft")
    assert created.created_by == user
    assert created.status == ArticleStatus.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_every_role_edits_and_submits_its_own_draft(client, staff, role):
    user = staff(role)
    article = make_article(status=ArticleStatus.DRAFT, created_by=user)
    data = admin_form_data(client.get(change_url(article)), headline="Edited", status="review")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Edited", ArticleStatus.REVIEW)
    change = article.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "review", user)


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
def test_only_editors_edit_someone_elses_draft(client, staff, role, allowed):
    author = make_staff("Writer")
    article = make_article(headline="Theirs", status=ArticleStatus.DRAFT, created_by=author)
    staff(role)
    page = client.get(change_url(article))
    assert page.status_code == 200  # writers may read it
    data = admin_form_data(page, headline="Mine now") if allowed else {"headline": "Mine now"}
    response = client.post(change_url(article), data)
    assert response.status_code == (302 if allowed else 403)
    article.refresh_from_db()
    assert (article.headline == "Mine now") is allowed


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
def test_only_editors_publish_changes_to_a_live_story_even_the_writers_own(
    client, staff, role, allowed
):
    """Saving a live story keeps a draft (articles.live_drafts); only editors publish it."""
    user = staff(role)
    article = make_article(headline="Out there", created_by=user)
    page = client.get(change_url(article))
    assert page.status_code == 200
    data = admin_form_data(page, headline="Corrected", _publish_changes="1")
    response = client.post(change_url(article), data)
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert "Only an editor can publish changes" in response.content.decode()
    article.refresh_from_db()
    assert (article.headline == "Corrected") is allowed
    if not allowed:
        saved = client.post(change_url(article), admin_form_data(page, headline="Corrected"))
        assert saved.status_code == 302
        article.refresh_from_db()
        assert article.headline == "Out there"
        assert article.live_draft.content["fields"]["headline"] == "Corrected"


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
def test_only_editors_publish_through_the_form(client, staff, role, allowed):
    user = staff(role)
    article = make_article(status=ArticleStatus.DRAFT, published_at=None, created_by=user)
    page = client.get(change_url(article))
    data = admin_form_data(page, status="published")
    when = _local_parts(timezone.now() - datetime.timedelta(minutes=5))
    data.update({"published_at_0": when[0], "published_at_1": when[1]})
    response = client.post(change_url(article), data)
    article.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert article.is_published()
    else:
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert article.status == ArticleStatus.DRAFT
        assert article.published_at is None
        assert not Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
@pytest.mark.parametrize("field", ["published_at", "embargo_until"])
def test_only_editors_schedule_or_embargo(client, staff, role, allowed, field):
    user = staff(role)
    article = make_article(status=ArticleStatus.DRAFT, published_at=None, created_by=user)
    data = admin_form_data(client.get(change_url(article)))
    when = _local_parts(timezone.now() + datetime.timedelta(days=2))
    data.update({f"{field}_0": when[0], f"{field}_1": when[1]})
    response = client.post(change_url(article), data)
    article.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert getattr(article, field) is not None
    else:
        assert response.status_code == 200
        assert "Only an editor can schedule" in response.content.decode()
        assert getattr(article, field) is None


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
def test_publish_action_only_for_editors(client, staff, role, allowed):
    user = staff(role)
    article = make_article(status=ArticleStatus.REVIEW, published_at=None, created_by=user)
    response = _run_action(client, "publish_selected", [article])
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published() is allowed


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
def test_unpublish_action_only_for_editors(client, staff, role, allowed):
    user = staff(role)
    article = make_article(created_by=user)
    _run_action(client, "unpublish_selected", [article])
    article.refresh_from_db()
    assert (article.status == ArticleStatus.DRAFT) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_submit_for_review_action_moves_own_drafts(client, staff, role):
    user = staff(role)
    own = make_article(status=ArticleStatus.DRAFT, created_by=user)
    _run_action(client, "submit_for_review", [own])
    own.refresh_from_db()
    assert own.status == ArticleStatus.REVIEW


def test_writer_cannot_submit_someone_elses_draft(client, staff):
    staff("Writer")
    theirs = make_article(status=ArticleStatus.DRAFT, created_by=make_staff("Writer"))
    _run_action(client, "submit_for_review", [theirs])
    theirs.refresh_from_db()
    assert theirs.status == ArticleStatus.DRAFT


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
def test_only_editors_delete_stories(client, staff, role, allowed):
    user = staff(role)
    article = make_article(status=ArticleStatus.DRAFT, created_by=user)
    url = reverse("admin:articles_article_delete", args=[article.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == (302 if allowed else 403)
    assert Article.objects.filter(pk=article.pk).exists() is not allowed


@pytest.mark.parametrize(
    ("role", "confirmed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
def test_writers_propose_people_and_editors_manage_them(client, staff, role, confirmed):
    """Everyone on the desk may add a person; a writer's is a proposal an editor confirms."""
    staff(role)
    add = reverse("admin:institutions_person_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "name": "Lee Soo-jin",
            "slug": "lee-soo-jin",
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
            "opened_version": "0",
        },
    )
    assert response.status_code == 302
    assert Person.objects.get(slug="lee-soo-jin").confirmed is confirmed
    person = make_person()
    change = reverse("admin:institutions_person_change", args=[person.pk])
    # A confirmed record is the editors' to change.
    assert client.post(change, {"name": "Renamed"}).status_code == (200 if confirmed else 403)


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", False), ("Administrator", True)]
)
def test_only_administrators_manage_users(client, staff, role, allowed):
    staff(role)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == (
        200 if allowed else 403
    )
    assert client.get(reverse("admin:auth_user_add")).status_code == (200 if allowed else 403)


def test_writer_status_choices_stop_before_published(client, staff):
    user = staff("Writer")
    article = make_article(status=ArticleStatus.DRAFT, created_by=user)
    form = client.get(change_url(article)).context["adminform"].form
    assert [value for value, _label in form.fields["status"].choices] == ["draft", "review"]
    assert "published_at" not in form.fields and "embargo_until" not in form.fields


@pytest.mark.parametrize(
    ("role", "allowed"), [("Writer", False), ("Editor", True), ("Administrator", True)]
)
def test_only_editors_recover_deleted_stories(client, staff, role, allowed):
    import reversion
    from reversion.models import Version

    staff(role)
    article = make_article(headline="Deleted by mistake")
    with reversion.create_revision():
        article.save()
    article.delete()
    version = Version.objects.get_deleted(Article).get()
    assert client.get(reverse("admin:articles_article_recoverlist")).status_code == (
        200 if allowed else 403
    )
    url = reverse("admin:articles_article_recover", args=[version.pk])
    page = client.get(url)
    assert page.status_code == (200 if allowed else 403)
    if allowed:
        assert client.post(url, admin_form_data(page)).status_code == 302
    assert Article.objects.filter(headline="Deleted by mistake").exists() is allowed


def test_an_editor_deletes_a_published_story_with_its_history_and_notices(client, staff):
    from articles.models import ArticleStatusChange, Notification
    from articles.workflow import article_publish, article_submit_for_review

    writer = staff("Writer")
    article = make_article(status=ArticleStatus.DRAFT, created_by=writer)
    assert article_submit_for_review(article=article, user=writer)
    editor = staff("Editor")
    assert article_publish(article=article, user=editor) == {}
    assert ArticleStatusChange.objects.filter(article=article).count() == 2
    assert Notification.objects.filter(article=article).exists()

    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not ArticleStatusChange.objects.filter(article_id=article.pk).exists()
    # The record itself is never deleted one row at a time.
    change = ArticleStatusChange.objects.create(article=make_article(), to_status="published")
    delete_one = reverse("admin:articles_articlestatuschange_delete", args=[change.pk])
    assert client.post(delete_one, {"post": "yes"}).status_code == 403
