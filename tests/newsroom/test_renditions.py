"""Image renditions: every width once, never upscaled, upright, RGB, and free of EXIF/GPS.

Driven through an article's lead image, the one place renditions are made.
"""

import io
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from articles.models import article_renditions_make
from newsroom.renditions import rendition_widths
from tests.support.factories import make_article
from tests.support.images import GPS_IFD, jpeg_with_gps, open_stored

pytestmark = pytest.mark.django_db


def _stored_files():
    storage = FileSystemStorage()
    found = {}

    def walk(folder):
        folders, files = storage.listdir(folder)
        for name in files:
            path = f"{folder}/{name}" if folder else name
            found[path] = storage.get_modified_time(path)
        for sub in folders:
            walk(f"{folder}/{sub}" if folder else sub)

    if storage.exists("renditions"):
        walk("renditions")
    return found


def test_source_image_really_carries_gps():
    upload = jpeg_with_gps()

    exif = Image.open(upload).getexif()

    assert exif.get_ifd(GPS_IFD)[1] == "N"


def test_renditions_are_made_once():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="A lab")
    before = _stored_files()

    with mock.patch.object(Image.Image, "save") as encode:
        article_renditions_make(article)
        article.headline = "Edited headline"
        article.save()

    encode.assert_not_called()
    assert _stored_files() == before
    assert len(before) == 8


def test_renditions_are_never_upscaled():
    article = make_article(lead_image=jpeg_with_gps(size=(600, 400)), lead_image_alt="Small")

    article.refresh_from_db()
    assert sorted({r["width"] for r in article.lead_image_renditions}) == [480, 600]
    assert max(r["width"] for r in article.lead_image_renditions) == 600
    assert rendition_widths(300) == [300]
    assert rendition_widths(1600) == [480, 800, 1200, 1600]
    assert rendition_widths(4000) == [480, 800, 1200, 1600]


def test_renditions_carry_no_exif_or_gps():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="A lab")

    for rendition in article.lead_image_renditions:
        image = open_stored(rendition["name"])
        assert "exif" not in image.info
        assert not image.getexif()
        assert not image.getexif().get_ifd(GPS_IFD)
        assert "xmp" not in image.info
        assert "icc_profile" not in image.info
        with default_storage.open(rendition["name"]) as handle:
            assert b"NewsCam" not in handle.read()


def test_renditions_apply_the_exif_orientation():
    # Orientation 6: the camera was turned; the picture displays 1000 wide, 2000 high.
    article = make_article(
        lead_image=jpeg_with_gps(size=(2000, 1000), orientation=6), lead_image_alt="Tall"
    )

    assert (article.lead_image_width, article.lead_image_height) == (1000, 2000)
    largest = open_stored(article.lead_image_renditions[-1]["name"])
    assert largest.size == (1000, 2000)


def test_renditions_convert_cmyk_and_embedded_profiles_to_rgb():
    buffer = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("CMYK", (900, 600), (0, 80, 200, 0)).save(buffer, format="JPEG")
    cmyk = SimpleUploadedFile("print.jpg", buffer.getvalue())
    buffer = io.BytesIO()
    Image.new("RGBA", (900, 600), (10, 20, 30, 0)).save(buffer, format="PNG", icc_profile=profile)
    transparent = SimpleUploadedFile("logo.png", buffer.getvalue())

    for upload in (cmyk, transparent):
        article = make_article(lead_image=upload, lead_image_alt="x")
        for rendition in article.lead_image_renditions:
            image = open_stored(rendition["name"])
            assert image.mode == "RGB"
            assert "icc_profile" not in image.info
    # A fully transparent PNG is flattened on white, not black.
    assert open_stored(article.lead_image_renditions[0]["name"]).getpixel((5, 5)) == (255, 255, 255)
