"""The admin's home page as each person's desk: their stories, what waits for them,
the newsroom's latest, and their notifications, which they mark read."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import workflow
from articles.models import ArticleStatus
from articles.models_notifications import Notification, NotificationKind
from tests.support.admin import save_change
from tests.support.factories import make_article, make_staff

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
MARK_READ = reverse("admin:articles_notification_mark_read")


def _panel(response, panel_id):
    """The HTML of one dashboard panel."""
    content = response.content.decode()
    assert f'id="{panel_id}"' in content, panel_id
    return content.split(f'id="{panel_id}"', 1)[1].split('<div class="module"', 1)[0]


def _change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_a_writers_desk_shows_their_own_stories_and_the_newsrooms_latest(writer_client):
    writer = writer_client.user
    colleague = make_staff("Writer")
    draft = make_article(headline="My draft", status=ArticleStatus.DRAFT, created_by=writer)
    make_article(headline="Colleague's draft", status=ArticleStatus.DRAFT, created_by=colleague)
    in_review = make_article(
        headline="My story in review", status=ArticleStatus.REVIEW, created_by=writer
    )
    live = make_article(
        headline="Live elsewhere",
        created_by=colleague,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    make_article(
        headline="Scheduled, not yet live",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    page = writer_client.get(INDEX)
    assert page.status_code == 200

    drafts = _panel(page, "desk-drafts")
    assert "My drafts: 1" in drafts
    assert _change(draft) in drafts and "Colleague&#x27;s draft" not in drafts
    review = _panel(page, "desk-in-review")
    assert "My stories in review: 1" in review and _change(in_review) in review
    recent = _panel(page, "desk-recent")
    assert _change(live) in recent and "Scheduled, not yet live" not in recent
    assert "1 story went live in the last 7 days" in recent
    waiting = _panel(page, "desk-waiting")
    assert "Waiting for me: 0 stories sent back" in waiting
    assert "Nothing is waiting for you" in waiting
    # Writers do not see the editors' queue.
    assertNotContains(page, 'id="review-queue"')


def test_a_writer_finds_the_stories_an_editor_sent_back(writer_client, editor_client):
    writer = writer_client.user
    sent_back = make_article(
        headline="Needs another quote",
        status=ArticleStatus.REVIEW,
        created_by=writer,
        published_at=None,
    )
    taken_back = make_article(
        headline="Taken back by me", status=ArticleStatus.REVIEW, created_by=writer
    )
    save_change(editor_client, sent_back, status=ArticleStatus.DRAFT)
    save_change(writer_client, taken_back, status=ArticleStatus.DRAFT)

    page = writer_client.get(INDEX)
    waiting = _panel(page, "desk-waiting")
    assert "Waiting for me: 1 story sent back" in waiting
    assert _change(sent_back) in waiting and "Taken back by me" not in waiting
    # Both are still drafts of theirs.
    assert "My drafts: 2" in _panel(page, "desk-drafts")
    notices = _panel(page, "desk-notifications")
    assert "Notifications: 1 unread" in notices
    assert "sent “Needs another quote” back to draft: changes requested." in notices


def test_an_editors_desk_waits_on_the_review_queue(editor_client):
    waiting = make_article(headline="Awaiting the editor", status=ArticleStatus.REVIEW)
    page = editor_client.get(INDEX)
    content = page.content.decode()
    # The queue is the editor's "waiting for me" panel.
    assert content.index('id="desk-waiting"') < content.index('id="review-queue"')
    queue = _panel(page, "review-queue")
    assert "Review queue: 1 story waiting" in queue and _change(waiting) in queue
    assert "You have no drafts." in _panel(page, "desk-drafts")


def test_an_empty_desk_says_so(writer_client):
    page = writer_client.get(INDEX)
    assert "You have no drafts." in _panel(page, "desk-drafts")
    assert "None of your stories is waiting for an editor." in _panel(page, "desk-in-review")
    assert "Nothing is live yet." in _panel(page, "desk-recent")
    notices = _panel(page, "desk-notifications")
    assert "No notifications yet." in notices
    assert "Mark all read" not in notices


def test_staff_who_may_not_read_stories_get_no_desk(django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client = Client()
    client.force_login(clerk)
    page = client.get(INDEX)
    assert page.status_code == 200
    assertNotContains(page, 'id="desk-drafts"')


def test_notifications_list_unread_first_with_links_to_the_stories(writer_client):
    writer = writer_client.user
    now = timezone.now()
    old_unread = make_article(headline="Old but unread")
    new_read = make_article(headline="New but read")
    Notification.objects.create(
        recipient=writer,
        article=old_unread,
        kind=NotificationKind.PUBLISHED,
        created_at=now - datetime.timedelta(days=2),
    )
    Notification.objects.create(
        recipient=writer,
        article=new_read,
        kind=NotificationKind.PUBLISHED,
        created_at=now,
        read_at=now,
    )
    Notification.objects.create(
        recipient=make_staff("Writer"), article=new_read, kind=NotificationKind.PUBLISHED
    )
    notices = _panel(writer_client.get(INDEX), "desk-notifications")
    assert "Notifications: 1 unread" in notices
    assert notices.index("Old but unread") < notices.index("New but read")
    assert _change(old_unread) in notices and _change(new_read) in notices
    assert notices.count("published “New but read”") == 1
    assert "Mark all read" in notices


def _desk_queries(user):
    """Render the desk for ``user`` as the index does, permissions already loaded."""
    request = RequestFactory().get(INDEX)
    request.user = get_user_model().objects.get(pk=user.pk)
    request.user.has_perm("articles.view_article")
    template = Template("{% load articles_admin %}{% editor_desk %}")
    return lambda: template.render(Context({"request": request}))


def _fill(user, *, stories):
    editor = make_staff("Editor")
    for n in range(stories):
        make_article(status=ArticleStatus.DRAFT, created_by=user)
        make_article(status=ArticleStatus.REVIEW, created_by=user)
        make_article(created_by=user)
        sent_back = make_article(status=ArticleStatus.REVIEW, created_by=user, published_at=None)
        workflow.article_unpublish(article=sent_back, user=editor)
        Notification.objects.create(
            recipient=user,
            article=sent_back,
            kind=NotificationKind.CHANGES_REQUESTED,
            actor=editor,
            read_at=timezone.now() if n % 2 else None,
        )


@pytest.mark.parametrize("stories", [1, 8])
def test_a_writers_desk_costs_seven_queries_whatever_the_numbers(
    stories, django_assert_num_queries
):
    writer = make_staff("Writer")
    _fill(writer, stories=stories)
    render = _desk_queries(writer)
    # Counts, drafts, in review, recently published, sent back, and the
    # notifications' counts and rows.
    with django_assert_num_queries(7):
        html = render()
    assert "My drafts: " in html and "Waiting for me: " in html


@pytest.mark.parametrize("stories", [1, 8])
def test_an_editors_desk_costs_eight_queries_whatever_the_numbers(
    stories, django_assert_num_queries
):
    editor = make_staff("Editor")
    _fill(editor, stories=stories)
    render = _desk_queries(editor)
    # As a writer's, with the review queue's rows and count for the sent-back list.
    with django_assert_num_queries(8):
        html = render()
    assert "Review queue: " in html


def _csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(INDEX)  # sets the CSRF cookie, as the page with the forms does
    return client, client.cookies["csrftoken"].value


def test_mark_all_read_marks_only_ones_own_notifications():
    writer, other = make_staff("Writer"), make_staff("Editor")
    article = make_article()
    mine = [
        Notification.objects.create(
            recipient=writer, article=article, kind=NotificationKind.PUBLISHED
        )
        for _ in range(2)
    ]
    theirs = Notification.objects.create(
        recipient=other, article=article, kind=NotificationKind.PUBLISHED
    )
    client, token = _csrf_client(writer)

    response = client.post(MARK_READ, {"csrfmiddlewaretoken": token}, follow=True)
    assert response.redirect_chain == [(INDEX, 302)]
    assertContains(response, "2 notifications marked read.")
    assert all(n.read_at for n in Notification.objects.filter(pk__in=[n.pk for n in mine]))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Notifications: 0 unread" in _panel(response, "desk-notifications")


def test_marking_one_read_leaves_the_rest_and_never_touches_anyone_elses():
    writer, other = make_staff("Writer"), make_staff("Editor")
    article = make_article()
    first, second = (
        Notification.objects.create(
            recipient=writer, article=article, kind=NotificationKind.PUBLISHED
        )
        for _ in range(2)
    )
    theirs = Notification.objects.create(
        recipient=other, article=article, kind=NotificationKind.PUBLISHED
    )
    client, token = _csrf_client(writer)
    response = client.post(
        MARK_READ, {"csrfmiddlewaretoken": token, "notification": [first.pk, theirs.pk]}
    )
    assert response.status_code == 302
    first.refresh_from_db(), second.refresh_from_db(), theirs.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None and theirs.read_at is None


@pytest.mark.parametrize("value", ["abc", "²", "9" * 30, ""])
def test_a_bad_notification_id_changes_nothing_and_says_so(value):
    writer = make_staff("Writer")
    notice = Notification.objects.create(
        recipient=writer, article=make_article(), kind=NotificationKind.PUBLISHED
    )
    client, token = _csrf_client(writer)
    response = client.post(
        MARK_READ, {"csrfmiddlewaretoken": token, "notification": value}, follow=True
    )
    assert response.status_code == 200
    assertContains(response, "Those notifications could not be found; nothing changed.")
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_needs_a_post_with_the_csrf_token_and_a_signed_in_person():
    writer = make_staff("Writer")
    notice = Notification.objects.create(
        recipient=writer, article=make_article(), kind=NotificationKind.PUBLISHED
    )
    client, _token = _csrf_client(writer)
    assert client.post(MARK_READ).status_code == 403
    assert client.get(MARK_READ).status_code == 405
    anonymous = Client().post(MARK_READ)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    notice.refresh_from_db()
    assert notice.read_at is None
