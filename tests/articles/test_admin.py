"""Every admin page renders for the roles that use it, and the index shows the queue."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus
from newsroom.sample import sample_newsroom_load
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import make_article, make_staff

NEWSROOM_APPS = {"articles", "institutions", "taggit"}


def _admin_urls(model):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [reverse(f"{name}_changelist")]
    model_admin = admin.site._registry[model]
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        urls.append(reverse(f"{name}_change", args=[obj.pk]))
        urls.append(reverse(f"{name}_history", args=[obj.pk]))
    return urls, model_admin, obj


@pytest.fixture
def sample(db, django_user_model):
    make_staff("Writer")  # an account for the user pages
    sample_newsroom_load(with_staff=False)


def _check_all_pages(client, models):
    checked = 0
    for model in models:
        urls, model_admin, _obj = _admin_urls(model)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            checked += 1
        if model_admin.has_add_permission(_request_for(client)):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            checked += 1
    return checked


def _request_for(client):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    return request


def test_every_newsroom_admin_page_renders_for_an_editor(editor_client, sample):
    models = [m for m in admin.site._registry if m._meta.app_label in NEWSROOM_APPS]
    assert len(models) >= 8
    assert _check_all_pages(editor_client, models) >= 3 * len(models) - 1


def test_every_admin_page_including_users_renders_for_an_administrator(client, sample):
    client.force_login(make_staff("Administrator"))
    assert _check_all_pages(client, list(admin.site._registry)) > 30


def test_editor_cannot_manage_user_accounts(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_admin_index_shows_the_review_queue_to_editors(editor_client):
    waiting = make_article(headline="Awaiting the editor", status=ArticleStatus.REVIEW)
    make_article(headline="Still a draft", status=ArticleStatus.DRAFT)
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["count"] == 1
    assert list(response.context["queue"]) == [waiting]
    content = response.content.decode()
    assert "Review queue: 1 story waiting" in content
    assert reverse("admin:articles_article_change", args=[waiting.pk]) in content
    assert "Still a draft" not in content


def test_admin_index_hides_the_review_queue_from_writers(writer_client):
    make_article(headline="Awaiting the editor", status=ArticleStatus.REVIEW)
    response = writer_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert 'id="review-queue"' not in response.content.decode()
    assert "Awaiting the editor" not in response.content.decode()


@pytest.mark.clock_sensitive
def test_change_form_names_the_newsroom_time_zone(editor_client):
    import datetime

    from django.utils import timezone

    article = make_article(
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() + datetime.timedelta(days=2),
        embargo_until=timezone.now() + datetime.timedelta(days=3),
    )
    content = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    text = content.decode()
    assert "Asia/Seoul (KST)" in text
    local = timezone.localtime(article.published_at)
    assert f"Scheduled for {local:%Y-%m-%d %H:%M} Asia/Seoul (KST)" in text
    assert "Embargoed until" in text


def test_merge_tags_action_moves_every_story_to_the_most_used_tag(editor_client):
    from reversion.models import Version
    from taggit.models import Tag

    first = make_article(tags=["Vaccines", "vaccine"])
    second = make_article(tags=["Vaccines"])
    third = make_article(tags=["vaccine", "trials"])
    make_article(tags=["Vaccines"])  # the most used spelling wins
    chosen = Tag.objects.filter(name__in=["Vaccines", "vaccine"])
    response = editor_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge_selected", "_selected_action": [t.pk for t in chosen]},
        follow=True,
    )
    notes = " ".join(str(m) for m in response.context["messages"])
    assert "Merged into “Vaccines”" in notes
    assert not Tag.objects.filter(name="vaccine").exists()
    assert sorted(first.tags.names()) == ["Vaccines"]
    assert sorted(second.tags.names()) == ["Vaccines"]
    assert sorted(third.tags.names()) == ["Vaccines", "trials"]
    assert Version.objects.get_for_object(third).count() == 1


def test_merge_tags_needs_two_and_writers_cannot(editor_client, writer_client):
    from taggit.models import Tag

    make_article(tags=["alone", "other"])
    url = reverse("admin:taggit_tag_changelist")
    one = Tag.objects.get(name="alone")
    response = editor_client.post(
        url, {"action": "merge_selected", "_selected_action": [one.pk]}, follow=True
    )
    assert "at least two" in " ".join(str(m) for m in response.context["messages"])
    both = [t.pk for t in Tag.objects.all()]
    writer_client.post(url, {"action": "merge_selected", "_selected_action": both})
    assert Tag.objects.count() == 2


def test_publishing_with_the_time_left_empty_publishes_now(editor_client):
    article = make_article(status=ArticleStatus.DRAFT, published_at=None, headline="Goes out now")
    page = editor_client.get(change_url(article))
    data = admin_form_data(page, status=ArticleStatus.PUBLISHED)
    data.update({"published_at_0": "", "published_at_1": "", WARNINGS_CONFIRMED: "on"})

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Article.objects.get(pk=article.pk)
    assert stored.published_at is not None and stored.published_at <= timezone.now()
    assert editor_client.get(stored.get_absolute_url()).status_code == 200


def test_the_story_list_says_the_embargo_in_the_state_and_who_edited_last(editor_client):
    import datetime

    editor = make_staff("Editor", first_name="Min-ji", last_name="Kim")
    embargoed = make_article(
        headline="Held back", embargo_until=timezone.now() + datetime.timedelta(days=1)
    )
    Article.objects.filter(pk=embargoed.pk).update(updated_by=editor)

    page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()

    assert "Embargoed until " in page
    assert "by Min-ji Kim" in page
    # Six columns: the embargo and the editor have no columns of their own.
    assert "column-embargo_local" not in page and "column-updated_by" not in page
    assert "column-updated_local" in page
