"""The media library: uploads without camera data, a chooser for staff, pictures in bodies.

A body stores only ``data-library-image="<id>"``; pages render the picture
from the library record (renditions, width and height, alt text, caption,
credit), so an edit in the library shows at once, and a picture shown only
by a draft stays out of the public's reach.
"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles import previews
from articles.models import ArticleStatus
from newsroom.library import body_image_ids, body_images_render, body_rendition_names
from newsroom.models import LibraryImage
from newsroom.validation import WARNINGS_CONFIRMED
from tests.browser.admin_helpers import CHROMIUM_FLAGS, Desk, chromium_path, session_sign_in
from tests.support.admin import admin_form_data
from tests.support.factories import image_upload, make_article, make_staff
from tests.support.images import GPS_IFD, jpeg_with_gps, make_library_image, open_stored

pytestmark = pytest.mark.django_db

CHOOSER = "admin:newsroom_libraryimage_choose"


@pytest.fixture(autouse=True)
def _media_served_by_the_app(settings):
    """The app's own media route, as in development and the loopback runs."""
    settings.NEWSROOM_SERVE_MEDIA = True
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def figure(image, *, caption="Old caption typed in the editor"):
    return (
        f'<figure><img src="/admin/media/x.jpg" {"data-library-image"}="{image.pk}"'
        f' alt="stale alt"><figcaption>{caption}</figcaption></figure>'
    )


def body_with(*images):
    parts = ["<p>Opening paragraph.</p>"]
    for image in images:
        parts.extend([figure(image), "<p>More text.</p>"])
    return "".join(parts)


def assert_no_gps(data):
    with Image.open(io.BytesIO(data)) as served:
        exif = served.getexif()
        assert GPS_IFD not in exif
        assert not exif.get_ifd(GPS_IFD)
        assert "exif" not in served.info
    assert b"NewsCam" not in data


def served_bytes(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def rendition_names(image):
    return [item["name"] for item in image.renditions]


# Upload


def test_an_upload_is_stored_without_its_gps_position():
    image = make_library_image()

    assert image.image.name.startswith("originals/")
    stored = open_stored(image.image.name)
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert image.width == 1400
    assert image.height == 900
    # WebP and JPEG at each width below the source, and at the source's own.
    assert sorted({item["width"] for item in image.renditions}) == [480, 800, 1200, 1400]
    for name in rendition_names(image):
        assert not open_stored(name).getexif().get_ifd(GPS_IFD)


def test_alt_text_is_required():
    image = LibraryImage(image=image_upload(), alt_text="   ")

    with pytest.raises(ValidationError) as error:
        image.full_clean()

    assert "alt_text" in error.value.message_dict


def test_the_admin_refuses_an_upload_without_alt_text_and_keeps_the_rest(superuser_client):
    response = superuser_client.post(
        reverse("admin:newsroom_libraryimage_add"),
        {
            "image": jpeg_with_gps(),
            "alt_text": "",
            "caption": "Kept caption",
            "credit": "",
            "focal_x": "50",
            "focal_y": "50",
        },
    )

    assert response.status_code == 200
    assert "alt_text" in response.context["adminform"].form.errors
    assert "Kept caption" in response.content.decode()
    assert not LibraryImage.objects.exists()


def test_the_admin_refuses_a_file_that_is_not_an_image(superuser_client):
    response = superuser_client.post(
        reverse("admin:newsroom_libraryimage_add"),
        {
            "image": image_upload(name="notes.jpg", image_format="PNG"),
            "alt_text": "A picture",
            "focal_x": "50",
            "focal_y": "50",
        },
    )
    assert response.status_code == 302  # a PNG named .jpg is still an image

    bad = io.BytesIO(b"not an image at all")
    bad.name = "notes.jpg"
    response = superuser_client.post(
        reverse("admin:newsroom_libraryimage_add"),
        {"image": bad, "alt_text": "A picture", "focal_x": "50", "focal_y": "50"},
    )
    assert response.status_code == 200
    assert "image" in response.context["adminform"].form.errors


def test_the_admin_records_the_uploader_and_a_focal_point(superuser_client):
    user = get_user_model().objects.get(is_superuser=True)

    response = superuser_client.post(
        reverse("admin:newsroom_libraryimage_add"),
        {
            "image": jpeg_with_gps(),
            "alt_text": "The campus at dawn",
            "caption": "",
            "credit": "",
            "focal_x": "25.5",
            "focal_y": "80",
        },
    )

    assert response.status_code == 302
    image = LibraryImage.objects.get()
    assert image.uploaded_by == user
    assert (float(image.focal_x), float(image.focal_y)) == (25.5, 80.0)


def test_a_focal_point_outside_the_picture_is_refused():
    image = LibraryImage(image=image_upload(), alt_text="A picture", focal_x=120)

    with pytest.raises(ValidationError) as error:
        image.full_clean()

    assert "focal_x" in error.value.message_dict


def test_the_admin_list_and_change_page_show_pictures_at_the_staff_route(superuser_client):
    image = make_library_image()

    listing = superuser_client.get(reverse("admin:newsroom_libraryimage_changelist"))
    change = superuser_client.get(reverse("admin:newsroom_libraryimage_change", args=[image.pk]))

    for response in (listing, change):
        assert response.status_code == 200
        sources = re.findall(r'<img[^>]+src="([^"]+)"', response.content.decode())
        pictures = [source for source in sources if not source.startswith("/static/")]
        assert pictures
        assert all(source.startswith("/admin/media/") for source in pictures)
    assert 'class="library-focal"' in change.content.decode()
    assert "Not shown by any public story" in change.content.decode()


def test_the_change_page_says_when_a_public_story_shows_the_picture(superuser_client):
    image = make_library_image()
    make_article(body=body_with(image))

    change = superuser_client.get(reverse("admin:newsroom_libraryimage_change", args=[image.pk]))

    assert "Shown by a public story" in change.content.decode()


def test_a_writer_may_not_change_a_picture_a_public_story_shows(writer_client):
    shown, unused = make_library_image(alt_text="Shown"), make_library_image(alt_text="Unused")
    make_article(body=body_with(shown))
    drafted = make_library_image(alt_text="Drafted")
    make_article(status=ArticleStatus.DRAFT, lead_library_image=drafted)

    url = reverse("admin:newsroom_libraryimage_change", args=[shown.pk])
    page = writer_client.get(url)
    assert page.status_code == 200
    assert "only editors may do either" in page.content.decode()
    assert 'name="alt_text"' not in page.content.decode()
    writer_client.post(url, {"alt_text": "Changed by a writer", "caption": "", "credit": ""})
    shown.refresh_from_db()
    assert shown.alt_text == "Shown"
    for image in (unused, drafted):
        url = reverse("admin:newsroom_libraryimage_change", args=[image.pk])
        assert 'name="alt_text"' in writer_client.get(url).content.decode()


def test_an_editor_may_change_a_picture_a_public_story_shows(editor_client):
    shown = make_library_image(alt_text="Shown")
    make_article(body=body_with(shown))

    page = editor_client.get(reverse("admin:newsroom_libraryimage_change", args=[shown.pk]))

    assert 'name="alt_text"' in page.content.decode()


def test_the_admin_searches_alt_text_caption_and_credit(superuser_client):
    make_library_image(alt_text="Library steps", caption="", credit="")
    make_library_image(alt_text="A hall", caption="", credit="Park Ji-hoon")

    response = superuser_client.get(
        reverse("admin:newsroom_libraryimage_changelist"), {"q": "park"}
    )

    assert [row.alt_text for row in response.context["cl"].result_list] == ["A hall"]


# Chooser


def test_the_chooser_lists_matching_pictures_with_thumbnails(editor_client):
    steps = make_library_image(alt_text="Library steps in snow", caption="", credit="")
    make_library_image(alt_text="A lecture hall", caption="Exam week", credit="")

    response = editor_client.get(reverse(CHOOSER), {"q": "snow"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-library-choice="{steps.pk}"' in html
    assert "A lecture hall" not in html
    thumbnails = re.findall(r'<img src="([^"]+)"', html)
    assert thumbnails
    assert all(src.startswith("/admin/media/renditions/") for src in thumbnails)


def test_the_chooser_searches_captions_and_credits_and_says_when_nothing_matches(writer_client):
    make_library_image(alt_text="Gate", caption="The main gate in spring", credit="Lee Su-bin")

    assert "Gate" in writer_client.get(reverse(CHOOSER), {"q": "spring"}).content.decode()
    assert "Gate" in writer_client.get(reverse(CHOOSER), {"q": "su-bin"}).content.decode()
    empty = writer_client.get(reverse(CHOOSER), {"q": "volcano"}).content.decode()
    assert "No picture in the library matches" in empty


def test_the_chooser_is_refused_to_anonymous_readers(client):
    make_library_image()

    response = client.get(reverse(CHOOSER))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_chooser_is_refused_to_signed_in_users_who_are_not_staff(client):
    make_library_image()
    reader = get_user_model().objects.create_user("reader", password="x")
    client.force_login(reader)

    response = client.get(reverse(CHOOSER))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert b"data-library-choice" not in response.content


def test_the_chooser_is_refused_to_staff_without_the_library_permission(client):
    clerk = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)

    assert client.get(reverse(CHOOSER)).status_code == 403


def test_the_body_editor_offers_the_library_with_spell_check(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))

    html = response.content.decode()
    config = re.search(r'data-django-prose-editor-configurable="([^"]+)"', html)[1]
    assert "LibraryImage" in config
    assert reverse(CHOOSER) in config
    assert "SpellCheck" in config
    assert "NoSpellCheck" not in config
    assert "admin/newsroom/library-editor.js" in config


# Sanitiser


def test_the_sanitiser_keeps_the_library_reference_and_drops_what_is_dangerous():
    article = make_article(
        body=(
            '<figure><img src="/admin/media/a.jpg" data-library-image="42" alt="x"'
            ' onerror="alert(1)" data-evil="1" style="width:1px"><figcaption>C</figcaption>'
            '</figure><img src="javascript:alert(1)" data-library-image="7 onload=alert(1)">'
            "<script>alert(1)</script>"
        )
    )
    article.refresh_from_db()

    assert 'data-library-image="42"' in article.body
    assert "<figcaption>C</figcaption>" in article.body
    for dangerous in ("onerror", "data-evil", "style=", "javascript:", "onload", "<script"):
        assert dangerous not in article.body
    assert body_image_ids(article.body) == [42]


# Rendering


def test_a_public_page_shows_a_responsive_picture_with_the_library_alt_text(client):
    first, second = make_library_image(), make_library_image(alt_text="A second picture")
    article = make_article(body=body_with(first, second))

    html = client.get(article.get_absolute_url()).content.decode()

    pictures = re.findall(r"<img [^>]*data-library-image[^>]*>", html)
    assert len(pictures) == 2
    for picture in pictures:
        assert re.search(r'srcset="/media/renditions/[0-9a-f]{32}/w480\.jpg 480w, ', picture)
        assert 'width="800"' in picture
        assert 'height="514"' in picture
    assert f'alt="{first.alt_text}"' in pictures[0]
    assert 'alt="A second picture"' in pictures[1]
    # The first picture loads at once; those further down wait for the reader.
    assert 'loading="lazy"' not in pictures[0]
    assert 'loading="lazy"' in pictures[1]
    assert 'type="image/webp"' in html
    assert "stale alt" not in html
    assert "The signing in the senate hall" in html
    assert "Photo: Kim Min-ji" in html
    assert "Old caption typed in the editor" not in html
    assert "/admin/media/" not in html


def test_an_alt_text_edited_in_the_library_shows_on_the_page(client):
    image = make_library_image()
    article = make_article(body=body_with(image))
    assert image.alt_text in client.get(article.get_absolute_url()).content.decode()

    image.alt_text = "The rector signs; the dean looks on"
    image.caption = "Corrected caption"
    image.save()

    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="The rector signs; the dean looks on"' in html
    assert "Corrected caption" in html
    assert "The signing in the senate hall" not in html


def test_a_picture_deleted_from_the_library_leaves_the_story(client):
    image = make_library_image()
    article = make_article(body=body_with(image))
    image.delete()

    html = client.get(article.get_absolute_url()).content.decode()

    assert "data-library-image" not in html
    assert "Opening paragraph." in html
    assert "More text." in html
    assert "<img" not in html.split('class="article__body"')[1].split("</div>")[0]


def test_the_page_reads_all_its_pictures_in_one_query(client):
    one = make_article(body=body_with(make_library_image()))
    five = make_article(body=body_with(*(make_library_image() for _ in range(5))))
    plain = make_article()

    def queries(article):
        client.get(article.get_absolute_url())  # warm the caches, as on a live site
        with CaptureQueriesContext(connection) as captured:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return len(captured.captured_queries)

    assert queries(one) == queries(five) == queries(plain) + 1


def test_the_feed_shows_the_library_pictures_with_absolute_addresses(client):
    image = make_library_image()
    make_article(body=body_with(image))

    content = client.get(reverse("feeds:latest-json")).json()["items"][0]["content_html"]

    assert f'alt="{image.alt_text}"' in content
    assert re.search(r'srcset="http://testserver/media/renditions/[0-9a-f]{32}/w480\.jpg', content)
    assert "stale alt" not in content


def test_a_staff_preview_of_a_draft_names_its_pictures_at_the_staff_route(editor_client):
    image = make_library_image()
    draft = make_article(body=body_with(image), status=ArticleStatus.DRAFT, published_at=None)

    html = editor_client.get(draft.get_absolute_url()).content.decode()

    assert 'srcset="/admin/media/renditions/' in html
    assert 'srcset="/media/' not in html


def test_a_preview_link_names_its_pictures_under_the_link(client):
    image = make_library_image()
    draft = make_article(body=body_with(image), status=ArticleStatus.DRAFT, published_at=None)
    link = previews.preview_link_create(
        article=draft, user=make_staff("Editor"), recipient="press@example.ac.kr"
    )
    token = previews.preview_link_token(link)

    html = client.get(previews.preview_link_path(link)).content.decode()

    assert f'srcset="/preview/{token}/media/renditions/' in html
    assert "/admin/media/" not in html
    assert 'srcset="/media/' not in html
    assert set(rendition_names(image)) == body_rendition_names(draft.body)


def test_a_body_without_library_pictures_is_left_as_it_is():
    body = "<p>Plain <strong>text</strong> &amp; more.</p>"

    assert body_images_render(body) == body


# Who may fetch the renditions


def test_a_picture_only_a_draft_shows_is_not_public(client):
    image = make_library_image()
    make_article(body=body_with(image), status=ArticleStatus.DRAFT, published_at=None)

    for name in [*rendition_names(image), image.image.name]:
        assert client.get(f"/media/{name}").status_code == 404, name


def test_a_picture_a_public_story_shows_is_public_but_its_original_never(client):
    image = make_library_image()
    make_article(body=body_with(image))

    for name in rendition_names(image):
        assert client.get(f"/media/{name}").status_code == 200, name
    assert client.get(f"/media/{image.image.name}").status_code == 404


def test_a_picture_stops_being_public_when_its_story_is_withdrawn(client):
    image = make_library_image()
    article = make_article(body=body_with(image))
    name = rendition_names(image)[0]
    assert client.get(f"/media/{name}").status_code == 200

    article.status = ArticleStatus.DRAFT
    article.save()

    assert client.get(f"/media/{name}").status_code == 404


def test_every_served_file_is_free_of_gps(client, editor_client):
    image = make_library_image()
    make_article(body=body_with(image))

    for name in rendition_names(image):
        assert_no_gps(served_bytes(client.get(f"/media/{name}")))
    staff_original = editor_client.get(reverse("media-staff", kwargs={"path": image.image.name}))
    assert staff_original.status_code == 200
    assert_no_gps(served_bytes(staff_original))
    assert default_storage.exists(image.image.name)


def test_deleting_a_picture_removes_its_files(django_capture_on_commit_callbacks):
    image = make_library_image()
    names = [*rendition_names(image), image.image.name]
    assert all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        image.delete()

    assert not any(default_storage.exists(name) for name in names)


def test_the_roles_may_use_the_library():
    writer, editor = make_staff("Writer"), make_staff("Editor")

    assert writer.has_perms(["newsroom.add_libraryimage", "newsroom.view_libraryimage"])
    assert not writer.has_perm("newsroom.delete_libraryimage")
    assert editor.has_perm("newsroom.delete_libraryimage")
    assert editor.has_perm("newsroom.change_public_libraryimage")
    assert not writer.has_perm("newsroom.change_public_libraryimage")


# In a real browser (Debian's Chromium through Playwright; skipped without them)


def _browser_ready(monkeypatch):
    """Playwright's sync API, with the ORM allowed inside its event loop's thread."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")


@pytest.mark.skipif(
    chromium_path() is None, reason="Chromium not found (apt-get install -y chromium)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_body_editor_inserts_a_library_picture_with_spell_check_on(live_server, monkeypatch):
    sync_api = _browser_ready(monkeypatch)

    image = make_library_image(alt_text="Rector at the lectern", caption="Opening day")
    make_library_image(alt_text="Empty lecture hall", caption="", credit="")
    editor = make_staff("Editor")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            refused = []
            page.on(
                "console",
                lambda message: (
                    "Content Security Policy" in message.text and refused.append(message.text)
                ),
            )
            desk = Desk(page, live_server.url)
            session_sign_in(desk, editor)
            desk.goto(reverse("admin:articles_article_add"))
            body = desk.rich_text_editor("Body")
            body.wait_for()
            assert body.get_attribute("spellcheck") == "true"

            desk.click(body)
            desk.click(page.get_by_role("button", name="Insert image from library"))
            dialog = page.get_by_role("dialog", name="Insert image from library")
            desk.fill(dialog.get_by_role("searchbox"), "lectern")
            # The search narrows the list the dialog opened with.
            sync_api.expect(dialog.locator("[data-library-choice]")).to_have_count(1)
            desk.click(dialog.locator(f'[data-library-choice="{image.pk}"]'))

            inserted = body.locator(f'figure img[data-library-image="{image.pk}"]')
            inserted.wait_for()
            assert inserted.get_attribute("alt") == "Rector at the lectern"
            assert body.locator("figcaption").inner_text() == "Opening day"
            textarea = desk.labelled("Body")
            page.wait_for_function(
                '([element, id]) => element.value.includes(`data-library-image="${id}"`)',
                arg=[textarea.element_handle(), image.pk],
            )
            assert refused == []
        finally:
            browser.close()


@pytest.mark.skipif(
    chromium_path() is None, reason="Chromium not found (apt-get install -y chromium)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clicking_the_picture_sets_its_focal_point(live_server, monkeypatch):
    sync_api = _browser_ready(monkeypatch)

    image = make_library_image()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            desk = Desk(browser.new_page(), live_server.url)
            session_sign_in(desk, make_staff("Writer"))
            desk.goto(reverse("admin:newsroom_libraryimage_change", args=[image.pk]))
            picture = desk.page.locator(".library-focal__image")
            picture.wait_for()
            box = picture.bounding_box()
            picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
            assert float(desk.labelled("Focal point, across (%)").input_value()) == (
                pytest.approx(25, abs=1)
            )
            assert float(desk.labelled("Focal point, down (%)").input_value()) == (
                pytest.approx(75, abs=1)
            )
            desk.save()
        finally:
            browser.close()

    image.refresh_from_db()
    assert float(image.focal_x) == pytest.approx(25, abs=1)
    assert float(image.focal_y) == pytest.approx(75, abs=1)


def test_the_pictures_a_preview_link_names_load_for_its_recipient(client):
    image = make_library_image()
    other = make_library_image()
    draft = make_article(body=body_with(image), status=ArticleStatus.DRAFT, published_at=None)
    link = previews.preview_link_create(
        article=draft, user=make_staff("Editor"), recipient="press@example.ac.kr"
    )
    html = client.get(previews.preview_link_path(link)).content.decode()
    addresses = re.findall(r"(/preview/[^\s\"',]+/media/renditions/[^\s\"',]+)", html)
    assert addresses
    for address in addresses:
        assert client.get(address).status_code == 200, address
    # A picture the story does not show is not served under its link.
    token = previews.preview_link_token(link)
    unrelated = reverse("preview-media", kwargs={"token": token, "path": rendition_names(other)[0]})
    assert client.get(unrelated).status_code == 404


def test_the_api_gives_a_body_picture_as_the_page_does(client):
    image = make_library_image()
    article = make_article(body=body_with(image))

    body = client.get(reverse("api:article_detail", kwargs={"article_id": article.guid})).json()[
        "body"
    ]

    assert f'alt="{image.alt_text}"' in body
    assert re.search(r'srcset="http://testserver/media/renditions/[0-9a-f]{32}/w480\.jpg', body)
    assert "/admin/media/" not in body


def test_a_picture_from_another_site_in_the_body_is_refused_with_the_input_kept(editor_client):
    article = make_article(headline="Kept headline")
    url = reverse("admin:articles_article_change", args=[article.pk])
    outside = '<p>Text.</p><figure><img src="https://example.org/outside.jpg"></figure>'
    data = admin_form_data(
        editor_client.get(url),
        body=outside,
        headline="Typed headline",
        **{WARNINGS_CONFIRMED: "on", "_publish_changes": "1"},
    )

    response = editor_client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Pictures in the body come from the media library" in page
    assert "https://example.org/outside.jpg" in page
    assert 'value="Typed headline"' in page
    article.refresh_from_db()
    assert article.headline == "Kept headline"


def test_a_body_with_library_pictures_only_is_accepted(editor_client):
    image = make_library_image()
    article = make_article(headline="Kept headline")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(
        editor_client.get(url),
        body=body_with(image),
        **{WARNINGS_CONFIRMED: "on", "_publish_changes": "1"},
    )

    assert editor_client.post(url, data).status_code == 302


def test_a_credit_typed_with_its_own_photo_prefix_prints_it_once(client):
    image = make_library_image()
    image.credit = "Photo: Test Desk"
    image.full_clean()
    image.save()
    article = make_article(body=body_with(image))

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Photo: Test Desk" in html and "Photo: Photo:" not in html
