"""Bad input through the real admin forms: a message on the field, never a 500."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article
from institutions.models import Agreement, Position
from tests.support.admin import admin_form_data, change_url, field_errors, post_change
from tests.support.factories import (
    image_upload,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
)

pytestmark = pytest.mark.django_db


def test_agreement_expiring_before_signing_is_refused_on_the_field(editor_client):
    agreement = Agreement.objects.create(
        title="Exchange", slug="exchange", signed_on=datetime.date(2026, 3, 4)
    )
    response = post_change(editor_client, agreement, expires_on="2025-01-01")
    assert response.status_code == 200
    assert "An agreement cannot expire before it is signed." in field_errors(response, "expires_on")
    agreement.refresh_from_db()
    assert agreement.expires_on is None


def test_position_ending_before_it_starts_is_refused_in_the_person_inline(editor_client):
    position = make_position(started_on=datetime.date(2024, 1, 1))
    page = editor_client.get(change_url(position.person))
    data = admin_form_data(page)
    prefix = next(k for k in data if k.endswith("-0-started_on")).removesuffix("started_on")
    data[f"{prefix}ended_on"] = "2023-01-01"
    response = editor_client.post(change_url(position.person), data)
    assert response.status_code == 200
    assert "A position cannot end before it starts." in str(response.content.decode())
    assert Position.objects.get(pk=position.pk).ended_on is None


def test_duplicate_article_slug_is_a_field_error(editor_client):
    make_article(slug="taken-slug")
    article = make_article(slug="free-slug")
    response = post_change(editor_client, article, slug="taken-slug")
    assert response.status_code == 200
    assert field_errors(response, "slug")
    assert Article.objects.get(pk=article.pk).slug == "free-slug"


def test_lead_image_without_alt_text_is_refused(editor_client):
    article = make_article()
    response = post_change(
        editor_client, article, files={"lead_image": image_upload()}, lead_image_alt=""
    )
    assert response.status_code == 200
    assert field_errors(response, "lead_image_alt")
    article.refresh_from_db()
    assert not article.lead_image


def test_file_that_is_not_an_image_is_refused(editor_client):
    institution = make_institution()
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = post_change(editor_client, institution, files={"logo": fake})
    assert response.status_code == 200
    assert field_errors(response, "logo")


def test_image_over_the_pixel_limit_is_refused(editor_client, settings):
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 10_000
    person = make_person()
    response = post_change(editor_client, person, files={"photo": image_upload(size=(200, 100))})
    assert response.status_code == 200
    assert any("megapixels" in str(e) for e in field_errors(response, "photo"))


def test_decompression_bomb_is_refused_without_decoding(editor_client):
    # A tiny PNG whose header claims a huge canvas: Pillow refuses to open it.
    buffer = io.BytesIO()
    Image.new("1", (15_000, 15_000)).save(buffer, format="PNG")
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    assert bomb.size < 1_000_000
    person = make_person()
    response = post_change(editor_client, person, files={"photo": bomb})
    assert response.status_code == 200
    assert field_errors(response, "photo")


def test_image_over_twenty_megabytes_is_refused(editor_client, settings):
    settings.NEWSROOM_MAX_IMAGE_BYTES = 2_000
    person = make_person()
    upload = image_upload(size=(400, 400))
    assert upload.size > 2_000
    response = post_change(editor_client, person, files={"photo": upload})
    assert response.status_code == 200
    assert any("largest allowed" in str(e) for e in field_errors(response, "photo"))


# Values in an add page's address (?field=value), as links and bookmarks give them

ADD_PAGES_AND_VALUES = [
    ("/admin/articles/article/add/", "section=abc"),
    ("/admin/articles/article/add/", "section=99999999999999999999999"),
    ("/admin/articles/article/add/", "section=1.5"),
    ("/admin/articles/article/add/", "people=1,abc"),
    ("/admin/articles/article/add/", "published_at=abc"),
    ("/admin/articles/article/add/", "embargo_until=2026-99-99"),
    ("/admin/articles/article/add/", "published_at=0001-01-01"),
    ("/admin/institutions/institution/add/", "parent=abc"),
    ("/admin/institutions/position/add/", "person=abc"),
    ("/admin/institutions/position/add/", "institution=-1.0"),
    ("/admin/institutions/agreement/add/", "renews=abc"),
]


@pytest.mark.parametrize(("page", "query"), ADD_PAGES_AND_VALUES)
def test_an_unfit_value_in_an_add_page_address_leaves_the_field_empty(editor_client, page, query):
    response = editor_client.get(f"{page}?{query}")

    assert response.status_code == 200
    name = query.split("=")[0]
    assert response.context["adminform"].form[name].value() in (None, "", [])


def test_fit_values_in_the_address_still_fill_the_add_page(editor_client):
    person, institution = make_person(name="Choi Jae-young"), make_institution(name="KAIST")

    response = editor_client.get(
        f"/admin/articles/article/add/?people={person.pk}&institutions={institution.pk}"
        "&published_at=2026-05-01 10:00&headline=From a link"
    )

    form = response.context["adminform"].form
    assert [str(pk) for pk in form["people"].value()] == [str(person.pk)]
    assert form["headline"].value() == "From a link"
    assert form["published_at"].value().replace(tzinfo=None) == datetime.datetime(2026, 5, 1, 10)


# Ids typed (or forged) where a chooser's record id belongs

PAST_64_BITS = "99999999999999999999999"


def _inline_errors(response, prefix):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return [form.errors for form in inline.formset.forms]
    raise AssertionError(f"no inline {prefix!r} on the page")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("section", "abc"),
        ("section", "1.5"),
        ("section", PAST_64_BITS),
        ("people", "abc"),
        ("people", PAST_64_BITS),
        ("institutions", "1x"),
        ("institutions", PAST_64_BITS),
        ("agreements", PAST_64_BITS),
    ],
)
def test_an_id_no_record_can_have_is_a_chooser_field_error(editor_client, name, value):
    article = make_article(status="draft", headline="Kept headline")

    response = post_change(editor_client, article, **{name: value, "headline": "Typed headline"})

    assert response.status_code == 200
    assert field_errors(response, name)
    assert 'value="Typed headline"' in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Kept headline"


def test_an_id_that_is_no_number_on_the_add_form_keeps_the_rest(editor_client):
    page = editor_client.get("/admin/articles/article/add/")
    data = admin_form_data(page, headline="A new story", section="abc")

    response = editor_client.post("/admin/articles/article/add/", data)

    assert response.status_code == 200
    assert field_errors(response, "section")
    assert 'value="A new story"' in response.content.decode()
    assert not Article.objects.filter(headline="A new story").exists()


def test_a_position_for_a_person_that_is_no_number_is_a_field_error(editor_client):
    institution = make_institution()
    data = {"person": "abc", "institution": str(institution.pk), "title": "Typed title"}
    data["started_on"] = "2024-01-01"

    response = editor_client.post("/admin/institutions/position/add/", data)

    assert response.status_code == 200
    assert field_errors(response, "person")
    assert 'value="Typed title"' in response.content.decode()
    assert not Position.objects.exists()


def test_a_person_inline_institution_that_is_no_number_is_a_row_error(editor_client):
    page = editor_client.get("/admin/institutions/person/add/")
    data = admin_form_data(page, name="Typed Name", slug="typed-name")
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-institution": "abc",
            f"{prefix}-0-title": "Dean",
            f"{prefix}-0-started_on": "2024-01-01",
        }
    )

    response = editor_client.post("/admin/institutions/person/add/", data)

    assert response.status_code == 200
    assert "institution" in _inline_errors(response, prefix)[0]
    assert 'value="Typed Name"' in response.content.decode()


@pytest.mark.parametrize("inline", ["quotes", "bylines"])
def test_a_speaker_or_byline_id_past_64_bits_is_a_row_error(editor_client, inline):
    article = make_article(status="draft")
    page = editor_client.get(change_url(article))
    data = admin_form_data(page)
    data.update(
        {
            f"{inline}-TOTAL_FORMS": "1",
            f"{inline}-0-person": PAST_64_BITS,
            f"{inline}-0-text": "We are delighted.",
            f"{inline}-0-order": "0",
        }
    )

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 200
    assert "person" in _inline_errors(response, inline)[0]


def test_a_parent_institution_id_past_64_bits_is_a_field_error(editor_client):
    institution = make_institution()
    response = post_change(editor_client, institution, parent=PAST_64_BITS)
    assert response.status_code == 200
    assert field_errors(response, "parent")


@pytest.mark.parametrize(
    "address",
    [
        "/admin/articles/quote/?institution=9223372036854775808",
        f"/admin/institutions/position/?institution={PAST_64_BITS}",
        f"/admin/institutions/position/?person={PAST_64_BITS}",
        f"/admin/institutions/position/?person__in=1,{PAST_64_BITS}",
        f"/admin/articles/article/?section={PAST_64_BITS}",
        f"/admin/articles/article/?section__id__exact={PAST_64_BITS}",
    ],
)
def test_a_list_filtered_by_an_id_past_64_bits_is_refused_not_a_500(superuser_client, address):
    make_quote(article=make_article(), person=make_position().person)

    response = superuser_client.get(address)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")
        assert superuser_client.get(response["Location"]).status_code == 200
    else:
        assert not response.context["cl"].result_count


def test_a_list_filtered_by_a_real_id_still_filters(superuser_client):
    position = make_position()
    make_position()

    response = superuser_client.get(f"/admin/institutions/position/?person={position.person.pk}")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [position]
