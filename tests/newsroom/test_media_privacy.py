"""No original upload is ever public, and nothing of a story that is not public is reachable.

For draft, scheduled and embargoed stories every stored file (the original
and each rendition) answers 404 to anonymous readers at the public media
route and 200 to staff at the staff route; once the story is public its
renditions answer publicly and its original still does not. Rendition
addresses carry nothing of the upload's name.
"""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from articles import previews
from articles.models import Article, ArticleStatus
from tests.support.factories import make_article, make_staff
from tests.support.images import jpeg_with_gps

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
UPLOAD_NAME = "dean-resigns-embargoed"
HIDDEN = {
    "draft": lambda now: {"status": ArticleStatus.DRAFT, "published_at": None},
    "scheduled": lambda now: {"published_at": now + HOUR},
    "embargoed": lambda now: {"published_at": now - HOUR, "embargo_until": now + HOUR},
}


@pytest.fixture(autouse=True)
def _media_served_by_the_app(settings):
    """The app's own media route, as in development and the loopback runs."""
    settings.NEWSROOM_SERVE_MEDIA = True
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def hidden_story(state, **fields):
    return make_article(
        lead_image=jpeg_with_gps(name=f"{UPLOAD_NAME}.jpg"),
        lead_image_alt="The dean",
        **HIDDEN[state](timezone.now()),
        **fields,
    )


def stored_names(article):
    article.refresh_from_db()
    names = [article.lead_image.name, *(item["name"] for item in article.lead_image_renditions)]
    assert len(names) == 9
    assert all(default_storage.exists(name) for name in names)
    return names


def public(name):
    return f"/media/{name}"


def staff(name):
    return reverse("media-staff", kwargs={"path": name})


@pytest.mark.parametrize("state", HIDDEN)
def test_files_of_a_hidden_story_are_404_to_the_public_and_200_to_staff(client, state):
    names = stored_names(hidden_story(state))

    for name in names:
        assert client.get(public(name)).status_code == 404, name
        # Signed out at the staff route: the login page, never the file.
        response = client.get(staff(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    client.force_login(make_staff("Writer"))
    for name in names:
        response = client.get(staff(name))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("image/")
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == default_storage.open(name).read()
        # Signed in or not, the public route does not serve them.
        assert client.get(public(name)).status_code == 404


@pytest.mark.parametrize("state", HIDDEN)
def test_once_public_the_renditions_answer_and_the_original_still_does_not(client, state):
    article = hidden_story(state)
    original, *renditions = stored_names(article)
    Article.objects.filter(pk=article.pk).update(
        status=ArticleStatus.PUBLISHED, published_at=timezone.now() - HOUR, embargo_until=None
    )

    for name in renditions:
        response = client.get(public(name))
        assert response.status_code == 200, name
        assert response["Content-Type"] in {"image/jpeg", "image/webp"}
    assert client.get(public(original)).status_code == 404


def test_a_scheduled_story_renditions_go_public_at_its_time_without_any_job(client):
    article = hidden_story("scheduled")
    _original, *renditions = stored_names(article)
    assert client.get(public(renditions[0])).status_code == 404

    with time_machine.travel(article.published_at + datetime.timedelta(seconds=1)):
        assert client.get(public(renditions[0])).status_code == 200


def test_addresses_carry_nothing_of_the_upload_name():
    article = hidden_story("draft")
    original, *renditions = stored_names(article)

    # The original keeps its name, privately, behind a random folder.
    assert re.fullmatch(rf"originals/[0-9a-f]{{32}}/{UPLOAD_NAME}\.jpg", original)
    folders = {name.rsplit("/", 1)[0] for name in renditions}
    assert len(folders) == 1
    for name in renditions:
        assert re.fullmatch(r"renditions/[0-9a-f]{32}/w\d+\.(jpg|webp)", name)
        assert UPLOAD_NAME not in name
        assert original.split("/")[1] not in name
    # Two uploads of the same file get unrelated folders.
    other = hidden_story("draft")
    assert other.lead_image_renditions[0]["name"].rsplit("/", 1)[0] not in folders


def test_staff_route_needs_staff_with_the_view_permission(client):
    name = stored_names(hidden_story("draft"))[0]
    user_model = get_user_model()

    client.force_login(user_model.objects.create_user("reader", password="pw"))
    assert client.get(staff(name)).status_code == 404
    client.force_login(user_model.objects.create_user("bare-staff", password="pw", is_staff=True))
    assert client.get(staff(name)).status_code == 404
    client.force_login(make_staff("Editor"))
    assert client.get(staff(name)).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "../settings.py",
        "originals/../../manage.py",
        "renditions/0123456789abcdef0123456789abcdef/../../manage.py",
        "renditions/not-a-token/w480.jpg",
        "",
    ],
)
def test_neither_route_reads_outside_media_storage(client, path):
    assert client.get(f"/media/{path}").status_code == 404
    client.force_login(make_staff("Administrator"))
    assert client.get(f"/admin/media/{path}").status_code == 404


def test_a_staff_preview_names_renditions_at_the_staff_route_only(client):
    article = hidden_story("embargoed")
    client.force_login(make_staff("Editor"))

    page = client.get(article.get_absolute_url()).content.decode()

    assert "/admin/media/renditions/" in page
    assert "/media/renditions/" not in page.replace("/admin/media/renditions/", "")
    assert "originals/" not in page


def test_a_preview_link_shows_renditions_under_the_link_and_they_end_with_it(client):
    article = hidden_story("embargoed")
    link = previews.preview_link_create(article=article, user=None, recipient="Yonhap")
    page = client.get(previews.preview_link_path(link)).content.decode()
    prefix = previews.preview_link_path(link) + "media/renditions/"

    addresses = set(re.findall(rf"{re.escape(prefix)}[0-9a-f]{{32}}/w\d+\.(?:jpg|webp)", page))

    # Every rendition (picture, Open Graph, JSON-LD), each under the link only.
    assert addresses == {
        f"{prefix}{item['name'].removeprefix('renditions/')}"
        for item in Article.objects.get(pk=article.pk).lead_image_renditions
    }
    assert "/media/renditions/" not in page.replace(prefix, "")
    assert "originals/" not in page
    for address in addresses:
        assert client.get(address).status_code == 200
    # Never the original, even under a live link.
    original = previews.preview_link_path(link) + "media/" + article.lead_image.name
    assert client.get(original).status_code == 404

    previews.preview_link_revoke(link=link)
    for address in addresses:
        assert client.get(address).status_code == 404


def test_public_pages_feeds_and_sharing_name_only_renditions(client, settings):
    article = make_article(
        lead_image=jpeg_with_gps(name=f"{UPLOAD_NAME}.jpg"), lead_image_alt="The dean"
    )
    article.refresh_from_db()
    largest_jpeg = f"/media/{article.lead_image_renditions[-1]['name']}"
    assert largest_jpeg.endswith("/w1600.jpg")

    pages = [
        client.get(article.get_absolute_url()),
        client.get(reverse("articles:home")),
        client.get(reverse("feeds:latest")),
        client.get(reverse("feeds:latest-atom")),
        client.get(reverse("feeds:latest-json")),
    ]

    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        assert "originals/" not in body
        assert UPLOAD_NAME not in body
        assert "/media/renditions/" in body
    detail = pages[0].content.decode()
    assert f'<meta property="og:image" content="{settings.SITE_URL}{largest_jpeg}">' in detail
    rss = pages[2].content.decode()
    size = article.lead_image_renditions[-1]["bytes"]
    assert (
        f'<enclosure length="{size}" type="image/jpeg" url="http://testserver{largest_jpeg}"/>'
        in rss
    )


def test_replaced_renditions_are_deleted_once_the_change_is_committed(
    client, django_capture_on_commit_callbacks
):
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="First")
    article.refresh_from_db()
    first = [item["name"] for item in article.lead_image_renditions]

    with django_capture_on_commit_callbacks(execute=True):
        article.lead_image = jpeg_with_gps(size=(900, 600), name="second.jpg")
        article.save()

    assert not any(default_storage.exists(name) for name in first)
    assert all(client.get(public(name)).status_code == 404 for name in first)
    article.refresh_from_db()
    assert all(default_storage.exists(item["name"]) for item in article.lead_image_renditions)
