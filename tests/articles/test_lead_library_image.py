"""A story's lead image chosen from the media library.

The story stores only which library picture leads it; pages, cards, feeds,
sharing tags, structured data and the API read the picture's renditions,
alt text, caption and credit from the library record, so a correction there
shows everywhere at once. Its renditions are public only while a public
story shows it, and a preview link serves them to its recipient.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import previews
from articles.models import Article, ArticleStatus
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import image_upload, make_article, make_section, make_staff
from tests.support.images import make_library_image

pytestmark = pytest.mark.django_db

CHOOSER = "admin:newsroom_libraryimage_choose"


@pytest.fixture(autouse=True)
def _media_served_by_the_app(settings):
    settings.NEWSROOM_SERVE_MEDIA = True
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def rendition_names(image):
    return [item["name"] for item in image.renditions]


def led_by(image, **fields):
    return make_article(lead_library_image=image, **fields)


# The admin


def test_the_change_form_offers_the_library_chooser_for_the_lead_image(editor_client):
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)

    html = editor_client.get(change_url(article)).content.decode()

    assert 'data-library-field data-chooser-url="/admin/newsroom/libraryimage/choose/"' in html
    assert 'type="hidden" name="lead_library_image"' in html
    assert "Choose from library" in html
    assert "admin/newsroom/library-field.js" in html
    assert "admin/newsroom/library-chooser.js" in html


def test_the_change_form_shows_the_chosen_picture_at_the_staff_route(editor_client):
    image = make_library_image()
    article = led_by(image, status=ArticleStatus.DRAFT, published_at=None)

    html = editor_client.get(change_url(article)).content.decode()

    field = html[html.index("data-library-field ") :][:1500]
    assert re.search(r'<img src="/admin/media/renditions/[0-9a-f]{32}/w\d+\.jpg"', field)
    assert image.alt_text in field
    assert f'value="{image.pk}"' in field


def test_a_writer_chooses_a_library_picture_and_it_is_saved(writer_client):
    image = make_library_image()
    page = writer_client.get(reverse("admin:articles_article_add"))
    section = make_section()
    data = admin_form_data(
        page,
        headline="Yonsei and KAIST sign a research agreement",
        slug="yonsei-kaist-agreement",
        section=str(section.pk),
        body="<p>The two schools will share laboratories.</p>",
        lead_library_image=str(image.pk),
    )

    response = writer_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(slug="yonsei-kaist-agreement").lead_library_image == image


def test_an_upload_and_a_library_picture_together_are_refused_and_the_input_kept(editor_client):
    image = make_library_image()
    article = make_article(
        status=ArticleStatus.DRAFT,
        published_at=None,
        lead_image=image_upload(),
        lead_image_alt="A laboratory bench",
    )
    page = editor_client.get(change_url(article))
    data = admin_form_data(page, lead_library_image=str(image.pk), headline="Kept headline")

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "A story leads with one picture" in errors["lead_library_image"][0]
    assert 'value="Kept headline"' in response.content.decode()
    article.refresh_from_db()
    assert article.lead_library_image is None and article.headline != "Kept headline"


def test_a_refused_new_upload_is_not_shown_as_a_broken_preview(editor_client):
    image = make_library_image()
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)
    page = editor_client.get(change_url(article))
    data = admin_form_data(page, lead_library_image=str(image.pk), lead_image_alt="A bench")
    data["lead_image"] = image_upload(name="bench.jpg")

    response = editor_client.post(change_url(article), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Not saved yet: choose the file again" in html
    assert "/admin/media/bench" not in html


def test_a_picture_id_that_is_not_in_the_library_is_a_field_error(editor_client):
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)
    page = editor_client.get(change_url(article))

    for value in ("999999", "abc", "٣"):
        response = editor_client.post(
            change_url(article), admin_form_data(page, lead_library_image=value)
        )
        assert response.status_code == 200, value
        assert "lead_library_image" in response.context["adminform"].form.errors, value


def test_the_chooser_describes_one_picture_by_id(editor_client):
    wanted = make_library_image(alt_text="The deans at the podium")
    make_library_image(alt_text="A microscope in the shared laboratory")

    one = editor_client.get(reverse(CHOOSER), {"id": str(wanted.pk)}).content.decode()
    none = editor_client.get(reverse(CHOOSER), {"id": "12ab"})

    assert one.count("data-library-choice=") == 1
    assert f'data-library-choice="{wanted.pk}"' in one
    assert none.status_code == 200
    assert "data-library-choice=" not in none.content.decode()


# What readers get


def test_the_article_page_shows_the_library_picture_with_its_words(client):
    image = make_library_image()
    article = led_by(image)

    html = client.get(article.get_absolute_url()).content.decode()

    figure = html[html.index('<figure class="article__figure">') :][:2500]
    assert f'alt="{image.alt_text}"' in figure
    assert re.search(r'srcset="/media/renditions/[0-9a-f]{32}/w\d+\.webp', figure)
    assert image.caption in figure
    assert f"Photo: {image.credit}" in figure
    assert f'<meta property="og:image:alt" content="{image.alt_text}">' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)[1]
    )
    assert "/media/renditions/" in json.dumps(data["image"])


def test_a_correction_in_the_library_shows_on_the_page_feed_and_api(client):
    image = make_library_image()
    article = led_by(image)
    image.alt_text = "The two deans sign the agreement at Yonsei"
    image.credit = "Lee Seo-yeon"
    image.save()

    page = client.get(article.get_absolute_url()).content.decode()
    feed = client.get("/feeds/rss/").content.decode()
    api = client.get(reverse("api:article_detail", kwargs={"article_id": article.guid})).json()

    assert 'alt="The two deans sign the agreement at Yonsei"' in page
    assert "Photo: Lee Seo-yeon" in page
    assert "The two deans sign the agreement at Yonsei" in feed
    assert "Lee Seo-yeon" in feed
    assert api["lead_image"]["alt"] == "The two deans sign the agreement at Yonsei"
    assert api["lead_image"]["credit"] == "Lee Seo-yeon"
    assert api["lead_image"]["width"] == image.width
    assert all(
        item["url"].startswith("http://testserver/media/renditions/")
        for item in api["lead_image"]["renditions"]
    )


def test_the_feed_encloses_the_largest_library_rendition(client):
    image = make_library_image()
    led_by(image)

    root = ET.fromstring(client.get("/feeds/rss/").content)
    enclosure = root.find("channel/item/enclosure")

    largest = max(
        (item for item in image.renditions if item["format"] == "jpg"), key=lambda i: i["width"]
    )
    assert enclosure.get("url") == f"http://testserver/media/{largest['name']}"
    assert enclosure.get("length") == str(largest["bytes"])


def test_cards_show_library_pictures_at_a_fixed_number_of_queries(client):
    section = make_section(name="Research", slug="research")
    led_by(make_library_image(), section=section)
    client.get(section.get_absolute_url())  # the first request's one-off reads

    with CaptureQueriesContext(connection) as one:
        first = client.get(section.get_absolute_url(), {"refresh": "1"})
    for _ in range(3):
        led_by(make_library_image(), section=section)
    client.get(section.get_absolute_url())
    with CaptureQueriesContext(connection) as four:
        again = client.get(section.get_absolute_url(), {"refresh": "1"})

    assert first.content.decode().count('class="card__image"') == 1
    assert again.content.decode().count('class="card__image"') == 4
    assert len(four) == len(one)


def test_a_deleted_library_picture_leaves_the_story_without_a_lead_image(client):
    image = make_library_image()
    article = led_by(image)

    image.delete()

    article.refresh_from_db()
    assert article.lead_library_image is None
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="article__figure"' not in html


# Who may fetch the renditions


def test_a_picture_leading_only_a_draft_is_not_public(client):
    image = make_library_image()
    led_by(image, status=ArticleStatus.DRAFT, published_at=None)

    for name in [*rendition_names(image), image.image.name]:
        assert client.get(f"/media/{name}").status_code == 404, name


def test_a_picture_leading_a_public_story_is_public_until_the_story_is_withdrawn(client):
    image = make_library_image()
    article = led_by(image)
    name = rendition_names(image)[0]
    assert client.get(f"/media/{name}").status_code == 200
    assert client.get(f"/media/{image.image.name}").status_code == 404

    article.status = ArticleStatus.DRAFT
    article.save()

    assert client.get(f"/media/{name}").status_code == 404


def test_a_preview_link_serves_the_library_lead_picture_to_its_recipient(client):
    image = make_library_image()
    draft = led_by(image, status=ArticleStatus.DRAFT, published_at=None)
    link = previews.preview_link_create(
        article=draft, user=make_staff("Editor"), recipient="press@example.ac.kr"
    )
    token = previews.preview_link_token(link)

    html = client.get(previews.preview_link_path(link)).content.decode()
    named = re.findall(rf"/preview/{token}/media/(renditions/[0-9a-f]{{32}}/[\w.]+)", html)

    assert named, html[:3000]
    assert set(named) <= set(rendition_names(image))
    assert "/admin/media/" not in html
    for name in set(named):
        assert client.get(f"/preview/{token}/media/{name}").status_code == 200
        assert client.get(f"/media/{name}").status_code == 404


# Draft changes to a live story


def _draft_with_new_lead(editor_client, live, picture):
    page = editor_client.get(change_url(live))
    data = admin_form_data(
        page, lead_library_image=str(picture.pk), **{WARNINGS_CONFIRMED: "on", "_save_draft": "1"}
    )
    assert editor_client.post(change_url(live), data).status_code == 302


def test_a_draft_leading_with_a_new_picture_keeps_it_private_until_published(client, editor_client):
    live = make_article(headline="The new wing opens", slug="new-wing")
    picture = make_library_image(alt_text="The new wing at dusk")
    _draft_with_new_lead(editor_client, live, picture)

    staff = editor_client.get(
        reverse("admin:articles_article_draft_preview", args=[live.pk])
    ).content.decode()
    public = client.get(live.get_absolute_url()).content.decode()

    assert 'alt="The new wing at dusk"' in staff
    assert re.search(r'srcset="/admin/media/renditions/[0-9a-f]{32}/', staff)
    assert "/media/renditions/" not in staff.replace("/admin/media/renditions/", "")
    assert "The new wing at dusk" not in public
    assert client.get(f"/media/{rendition_names(picture)[0]}").status_code == 404


def test_a_preview_link_showing_the_draft_serves_its_new_lead_picture(client, editor_client):
    live = make_article(headline="The new wing opens", slug="new-wing")
    picture = make_library_image(alt_text="The new wing at dusk")
    _draft_with_new_lead(editor_client, live, picture)
    link = previews.preview_link_create(
        article=live, user=make_staff("Editor"), recipient="press@example.ac.kr"
    )
    link.shows_draft = True
    link.save()
    token = previews.preview_link_token(link)

    html = client.get(previews.preview_link_path(link)).content.decode()
    named = set(re.findall(rf"/preview/{token}/media/(renditions/[0-9a-f]{{32}}/[\w.]+)", html))

    assert 'alt="The new wing at dusk"' in html
    assert named and named <= set(rendition_names(picture))
    for name in named:
        assert client.get(f"/preview/{token}/media/{name}").status_code == 200


# Validators


@pytest.mark.parametrize("where", ["lead", "body"])
def test_a_library_edit_changes_the_feed_validators(client, where):
    image = make_library_image()
    if where == "lead":
        led_by(image)
    else:
        make_article(body=f'<figure><img src="/x.jpg" data-library-image="{image.pk}" alt="">')
    first = client.get("/feeds/rss/")
    assert first.status_code == 200

    image.alt_text = "Corrected: the two deans at the signing"
    image.save()
    again = client.get(
        "/feeds/rss/",
        HTTP_IF_NONE_MATCH=first["ETag"],
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Corrected: the two deans at the signing" in again.content.decode()


def test_renditions_made_later_change_the_api_validator(client, settings):
    from newsroom.models import library_image_renditions_make

    image = make_library_image()
    article = led_by(image)
    address = reverse("api:article_detail", kwargs={"article_id": article.guid})
    first = client.get(address)

    library_image_renditions_make(image, force=True)  # as the worker records a large image's
    again = client.get(address, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
