"""Camera-style test images and a way to read back what storage holds."""

import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.models import LibraryImage

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(*, size=(2000, 1000), orientation=None, name="camera.jpg"):
    """A camera-style JPEG: EXIF with make, GPS position and optional orientation."""
    image = Image.new("RGB", size, (30, 120, 200))
    image.paste((240, 200, 20), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[0x010F] = "NewsCam"  # Make
    exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 56.0, 24.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def open_stored(name):
    """The image stored under ``name``, decoded."""
    with default_storage.open(name) as handle:
        image = Image.open(handle)
        image.load()
        return image


def make_library_image(**overrides):
    """A media library picture, validated and saved, with its renditions made."""
    fields = {
        "image": jpeg_with_gps(size=(1400, 900)),
        "alt_text": "Two presidents shake hands over the signed agreement",
        "caption": "The signing in the senate hall",
        "credit": "Kim Min-ji",
    }
    fields.update(overrides)
    image = LibraryImage(**fields)
    image.full_clean()
    image.save()
    image.refresh_from_db()
    return image
