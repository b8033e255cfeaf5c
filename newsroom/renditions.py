"""Resized copies of uploaded images, made once and served with ``srcset``.

An editor uploads one large photo; readers get the smallest copy that fills
their screen, in WebP where the browser takes it and JPEG otherwise. The
copies are made when the image changes (and by ``make_renditions`` for older
uploads), stored in the default storage beside the original, and listed on
the article, so rendering a page never opens a file or asks the storage.

What is served carries no metadata from the camera: no EXIF (GPS position,
device serial numbers, capture time), no XMP and no comments. The EXIF
orientation is applied to the pixels first, and colours are converted from
any embedded profile to sRGB, the space browsers assume for untagged images.
"""

import contextlib
import io
import posixpath
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps

RENDITION_WIDTHS = (480, 800, 1200, 1600)
# (format name for Pillow, file extension, MIME type, save options)
RENDITION_FORMATS = (
    ("WEBP", "webp", "image/webp", {"quality": 80, "method": 4}),
    ("JPEG", "jpg", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}),
)
RENDITIONS_FOLDER = "renditions"


class RenditionError(Exception):
    """The source image is missing or cannot be decoded."""


def rendition_widths(source_width, widths=RENDITION_WIDTHS):
    """The widths to make for a source this wide: never wider than the source.

    A source narrower than the largest width also gets a copy at its own
    width, so the sharpest copy offered is the original's full resolution.
    """
    chosen = [width for width in widths if width < source_width]
    if source_width <= max(widths):
        chosen.append(source_width)
    else:
        chosen.append(max(widths))
    return sorted(set(chosen))


def rendition_folder(source_name):
    """``articles/2026/11/photo.jpg`` → ``renditions/articles/2026/11/photo``.

    Storage names are unique per upload, so the folder identifies the source:
    a replaced image gets a new folder and its renditions are made afresh.
    """
    stem, _extension = posixpath.splitext(source_name)
    return posixpath.join(RENDITIONS_FOLDER, stem)


def renditions_current(renditions, source_name):
    """Whether ``renditions`` were made from ``source_name`` (no storage access)."""
    if not source_name:
        return not renditions
    folder = rendition_folder(source_name) + "/"
    return bool(renditions) and all(item["name"].startswith(folder) for item in renditions)


def _to_srgb(image):
    """Pixels in RGB sRGB, orientation applied, transparency flattened on white."""
    image = ImageOps.exif_transpose(image)
    profile = image.info.get("icc_profile")
    if profile and image.mode in {"RGB", "RGBA", "CMYK"}:
        # A broken profile is ignored rather than failing the upload; the
        # pixels are then taken as sRGB already, as browsers would.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    # Encoders copy some of these (the ICC profile, XMP) from the source
    # unless told otherwise; start the copies with nothing to leak.
    image.info = {}
    return image


def _encoded(image, image_format, options):
    """Encode with no metadata: Pillow writes EXIF, XMP or ICC only when asked."""
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _open_source(field_file):
    try:
        field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise RenditionError(f"The image {field_file.name!r} is not in storage.") from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(field_file)
            if image.width * image.height > settings.NEWSROOM_MAX_IMAGE_PIXELS:
                raise RenditionError(f"The image {field_file.name!r} has too many pixels.")
            image.load()
        return image
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise RenditionError(f"The image {field_file.name!r} cannot be read.") from error
    finally:
        field_file.close()


def image_renditions_make(field_file, *, widths=RENDITION_WIDTHS, storage=None, force=False):
    """Make (or find) the renditions of one stored image.

    Returns ``(width, height, renditions)``: the source's displayed size
    (orientation applied) and a list of ``{"width", "height", "format",
    "name"}`` dicts, smallest first, WebP before JPEG at each width. A
    rendition already in storage is reused unless ``force`` is given, so a
    second call writes nothing.
    """
    storage = storage or default_storage
    image = _to_srgb(_open_source(field_file))
    source_width, source_height = image.size
    folder = rendition_folder(field_file.name)
    renditions = []
    for width in rendition_widths(source_width, widths):
        height = max(1, round(source_height * width / source_width))
        resized = None
        for image_format, extension, _mime, options in RENDITION_FORMATS:
            name = posixpath.join(folder, f"w{width}.{extension}")
            if force or not storage.exists(name):
                if resized is None:
                    resized = (
                        image
                        if width == source_width
                        else image.resize((width, height), Image.Resampling.LANCZOS)
                    )
                if force and storage.exists(name):
                    storage.delete(name)
                saved = storage.save(name, ContentFile(_encoded(resized, image_format, options)))
                name = saved
            renditions.append({"width": width, "height": height, "format": extension, "name": name})
    return source_width, source_height, renditions


def srcset(renditions, extension):
    """``"/media/…/w480.webp 480w, /media/…/w800.webp 800w"`` for one format."""
    return ", ".join(
        f"{default_storage.url(item['name'])} {item['width']}w"
        for item in renditions
        if item["format"] == extension
    )
