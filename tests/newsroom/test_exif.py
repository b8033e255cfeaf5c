"""Nothing a camera wrote survives an upload: every file served is pixels only.

A JPEG carrying EXIF (make, GPS position), XMP (a GPS position again), a
comment and an ICC profile is uploaded through the admin form and through
the model; every file then served (the original through the staff route,
each rendition where readers fetch it) is parsed with Pillow and searched
byte by byte.
"""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, PngImagePlugin

from articles.models import Article
from institutions.models import Person
from newsroom.renditions import RenditionError
from tests.support.admin import admin_form_data
from tests.support.factories import make_article, make_person, make_section

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
    b' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description'
    b' xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="37,33.98N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
# What must not appear anywhere in a served file.
TELLTALES = (b"NewsCam", b"GPSLatitude", b"adobe:ns:meta", b"Secret location", b"Exif\x00\x00")


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def camera_jpeg(*, size=(2000, 1000), orientation=6, name="IMG_0042.jpg"):
    """A phone photo: EXIF with GPS and orientation, XMP, a comment, an ICC profile."""
    image = Image.new("RGB", size, (30, 120, 200))
    image.paste((240, 200, 20), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[0x010F] = "NewsCam"  # Make
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 56.0, 24.0)}
    buffer = io.BytesIO()
    image.save(
        buffer,
        format="JPEG",
        exif=exif,
        xmp=XMP,
        comment=b"Secret location",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        quality=90,
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_upload_really_carries_every_kind_of_metadata():
    data = camera_jpeg().read()
    image = Image.open(io.BytesIO(data))

    assert image.getexif().get_ifd(GPS_IFD)[1] == "N"
    assert {"exif", "xmp", "comment", "icc_profile"} <= set(image.info)
    assert all(telltale in data for telltale in TELLTALES)


def assert_pixels_only(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    for telltale in TELLTALES:
        assert telltale not in data
    return image


def served(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def assert_every_served_file_is_clean(editor_client, article):
    article.refresh_from_db()
    original = assert_pixels_only(served(editor_client, article.lead_image.url))
    # Orientation 6 applied to the pixels: 2000 × 1000 as taken, 1000 × 2000 as seen.
    assert original.size == (1000, 2000)
    assert original.format == "JPEG"
    # Made from the upright picture: 1000 wide, so 480, 800 and 1000 in two formats.
    assert len(article.lead_image_renditions) == 6
    for rendition in article.lead_image_renditions:
        staff_url = reverse("media-staff", kwargs={"path": rendition["name"]})
        image = assert_pixels_only(served(editor_client, staff_url))
        assert image.size == (rendition["width"], rendition["height"])


def test_an_upload_through_the_admin_form_is_stored_and_served_without_metadata(editor_client):
    section = make_section()
    add = reverse("admin:articles_article_add")
    data = admin_form_data(
        editor_client.get(add),
        headline="A photo with a position",
        slug="a-photo-with-a-position",
        section=str(section.pk),
        body="<p>Text.</p>",
        lead_image_alt="A lab",
    )
    data["lead_image"] = camera_jpeg()

    response = editor_client.post(add, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="a-photo-with-a-position")
    assert article.lead_image.name.startswith("originals/")
    assert_every_served_file_is_clean(editor_client, article)


def test_an_upload_through_the_model_is_stored_and_served_without_metadata(editor_client):
    article = make_article(lead_image=camera_jpeg(), lead_image_alt="A lab")

    assert_every_served_file_is_clean(editor_client, article)
    # What storage holds is what the staff route served: no second copy with metadata.
    with default_storage.open(article.lead_image.name) as stored:
        assert_pixels_only(stored.read())


def test_a_png_keeps_its_transparency_and_loses_its_text_chunks(editor_client):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Secret location")
    buffer = io.BytesIO()
    Image.new("RGBA", (600, 400), (10, 20, 30, 0)).save(buffer, format="PNG", pnginfo=info)
    article = make_article(
        lead_image=SimpleUploadedFile("logo.png", buffer.getvalue()), lead_image_alt="x"
    )

    original = assert_pixels_only(served(editor_client, article.lead_image.url))
    assert original.format == "PNG"
    assert original.mode == "RGBA"
    assert original.getpixel((5, 5))[3] == 0


def test_a_person_photo_is_stored_without_metadata_and_only_for_staff(client, editor_client):
    person = make_person(photo=camera_jpeg(name="home-address.jpg"))
    person.refresh_from_db()

    assert person.photo.name.startswith("originals/")
    assert person.photo.url == reverse("media-staff", kwargs={"path": person.photo.name})
    assert_pixels_only(served(editor_client, person.photo.url))
    client.logout()
    assert client.get(f"/media/{person.photo.name}").status_code == 404
    assert Person.objects.get(pk=person.pk).photo.name == person.photo.name


def test_a_file_that_is_not_an_image_is_refused_by_the_model_too():
    with pytest.raises(RenditionError):
        make_article(lead_image=SimpleUploadedFile("x.jpg", b"not an image"), lead_image_alt="x")
    assert not default_storage.exists("originals")
