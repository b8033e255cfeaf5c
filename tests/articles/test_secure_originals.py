"""``secure_originals``: uploads from before originals were private are made private."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from articles.models import Article
from institutions.models import Person
from newsroom.renditions import renditions_current
from tests.support.factories import make_article, make_person
from tests.support.images import GPS_IFD, jpeg_with_gps

pytestmark = pytest.mark.django_db

LEGACY = "articles/2026/11/photo.jpg"
LEGACY_RENDITION = "renditions/articles/2026/11/photo/w480.jpg"


def _legacy_story():
    """Two stories sharing an upload stored the old way, with a guessable rendition."""
    default_storage.save(LEGACY, ContentFile(jpeg_with_gps().read()))
    default_storage.save(LEGACY_RENDITION, ContentFile(b"old copy"))
    old = [{"width": 480, "height": 240, "format": "jpg", "name": LEGACY_RENDITION}]
    articles = [make_article(), make_article()]
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        lead_image=LEGACY, lead_image_renditions=old, lead_image_width=2000
    )
    return articles


def run():
    out, err = io.StringIO(), io.StringIO()
    call_command("secure_originals", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_old_uploads_move_to_originals_without_metadata_and_get_new_renditions():
    articles = _legacy_story()
    default_storage.save("people/dean.jpg", ContentFile(jpeg_with_gps().read()))
    person = make_person()
    Person.objects.filter(pk=person.pk).update(photo="people/dean.jpg")
    untouched = make_article(lead_image=jpeg_with_gps(), lead_image_alt="New")
    untouched.refresh_from_db()

    out, err = run()

    assert "Originals made private: 2; 0 failed." in out, err
    first, second = Article.objects.filter(pk__in=[a.pk for a in articles]).order_by("pk")
    assert first.lead_image.name == second.lead_image.name
    assert first.lead_image.name.startswith("originals/")
    assert renditions_current(first.lead_image_renditions, first.lead_image.name)
    assert second.lead_image_renditions == first.lead_image_renditions
    with default_storage.open(first.lead_image.name) as stored:
        image = Image.open(stored)
        assert not image.getexif().get_ifd(GPS_IFD)
        assert "exif" not in image.info
    photo = Person.objects.get(pk=person.pk).photo.name
    assert photo.startswith("originals/")
    for gone in (LEGACY, LEGACY_RENDITION, "people/dean.jpg"):
        assert not default_storage.exists(gone)
    assert Article.objects.get(pk=untouched.pk).lead_image == untouched.lead_image

    assert "Originals made private: 0; 0 failed." in run()[0]


def test_a_missing_file_is_reported_and_the_rest_carry_on():
    _legacy_story()
    gone = make_article()
    Article.objects.filter(pk=gone.pk).update(lead_image="articles/gone.jpg")

    out, err = run()

    assert "Originals made private: 1; 1 failed." in out
    assert "articles/gone.jpg" in err
