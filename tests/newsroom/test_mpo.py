"""Multi-picture JPEGs (MPO, as phones and stereo cameras save them) are accepted.

The first picture is the photo; the others (a depth map, the second eye)
are dropped: the stored original is a plain JPEG and the renditions show
the first picture.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from newsroom.images import validate_image_dimensions
from tests.support.admin import admin_form_data
from tests.support.factories import make_section

pytestmark = pytest.mark.django_db

FIRST, SECOND = (20, 90, 200), (250, 10, 10)


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def mpo_upload(*, size=(1000, 700), name="DSC_0001.JPG"):
    exif = Image.Exif()
    exif[0x010F] = "StereoCam"
    buffer = io.BytesIO()
    Image.new("RGB", size, FIRST).save(
        buffer,
        format="MPO",
        save_all=True,
        append_images=[Image.new("RGB", size, SECOND)],
        exif=exif,
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_test_file_really_is_a_two_picture_mpo():
    image = Image.open(mpo_upload())

    assert image.format == "MPO"
    assert image.n_frames == 2


def test_the_validators_accept_an_mpo():
    validate_image_dimensions(mpo_upload())


def test_the_validators_still_refuse_other_formats():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="TIFF")
    with pytest.raises(ValidationError) as error:
        validate_image_dimensions(SimpleUploadedFile("scan.tif", buffer.getvalue()))
    assert error.value.code == "image_format"


def _close(pixel, expected):
    return all(abs(a - b) <= 6 for a, b in zip(pixel, expected, strict=True))


def test_an_mpo_uploaded_in_the_admin_is_kept_as_its_first_picture(editor_client):
    add = reverse("admin:articles_article_add")
    data = admin_form_data(
        editor_client.get(add),
        headline="Stereo picture",
        slug="stereo-picture",
        section=str(make_section().pk),
        body="<p>Text.</p>",
        lead_image_alt="A stereo picture",
    )
    data["lead_image"] = mpo_upload()

    response = editor_client.post(add, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="stereo-picture")
    assert article.lead_image.name.endswith("/DSC_0001.jpg")
    with default_storage.open(article.lead_image.name) as stored:
        original = Image.open(stored)
        assert original.format == "JPEG"
        assert getattr(original, "n_frames", 1) == 1
        assert _close(original.getpixel((10, 10)), FIRST)
        assert not original.getexif()
    assert {item["width"] for item in article.lead_image_renditions} == {480, 800, 1000}
    for item in article.lead_image_renditions:
        with default_storage.open(item["name"]) as stored:
            rendition = Image.open(stored)
            assert rendition.format in {"JPEG", "WEBP"}
            assert getattr(rendition, "n_frames", 1) == 1
            assert _close(rendition.convert("RGB").getpixel((10, 10)), FIRST)
