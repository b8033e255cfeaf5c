"""Resized copies of uploaded images, made once and served with ``srcset``.

An editor uploads one large photo; readers get the smallest copy that fills
their screen, in WebP where the browser takes it and JPEG otherwise. The
copies are made when the image changes (and by ``make_renditions`` for older
uploads), stored in the default storage, and listed on the record with their
sizes, so rendering a page never opens a file or asks the storage.

Each set of copies lives in a folder named by a random token
(``renditions/<32 hex digits>/w800.jpg``): nothing in the address comes from
the upload, so it cannot be guessed before a page that shows it is public.
Only ``renditions/`` is ever public (docs/media.md); originals are not.

What is served carries no metadata from the camera: no EXIF (GPS position,
device serial numbers, capture time), no XMP and no comments. The EXIF
orientation is applied to the pixels first, and colours are converted from
any embedded profile to sRGB, the space browsers assume for untagged images.
Multi-picture JPEGs (MPO, from phones and stereo cameras) give their first
picture, the one every JPEG viewer shows.
"""

import contextlib
import io
import posixpath
import re
import secrets
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
# renditions/<token>/<file>: the only shape of name the public may ask for.
RENDITION_NAME = re.compile(rf"{RENDITIONS_FOLDER}/(?P<token>[0-9a-f]{{32}})/[\w.-]+")


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


def rendition_folder():
    """A new ``renditions/<token>`` folder: 128 random bits, nothing from the upload."""
    return posixpath.join(RENDITIONS_FOLDER, secrets.token_hex(16))


def rendition_token(name):
    """The folder token of a public rendition name, or None for any other name."""
    match = RENDITION_NAME.fullmatch(name)
    return match["token"] if match else None


def renditions_current(renditions, source_name):
    """Whether ``renditions`` were made from ``source_name`` (no storage access).

    Each rendition records its source; lists from before that (in folders
    named after the upload) are not current and are made again.
    """
    if not source_name:
        return not renditions
    return bool(renditions) and all(item.get("source") == source_name for item in renditions)


def to_srgb(image, *, keep_alpha=False):
    """Pixels in sRGB with orientation applied and no metadata attached.

    Transparency is flattened on white unless ``keep_alpha`` (for originals
    in formats that keep it); the result is RGB or RGBA.
    """
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
    transparent = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    if transparent and keep_alpha:
        image = image.convert("RGBA")
    elif transparent:
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    # Encoders copy some of these (the ICC profile, XMP, EXIF) from the
    # source unless told otherwise; start the copies with nothing to leak.
    image.info = {}
    return image


def encoded(image, image_format, options):
    """Encode with no metadata: Pillow writes EXIF, XMP or ICC only when asked."""
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def image_decode(file, *, name=None):
    """Decode an open image file (the first picture of an MPO) within the pixel limit."""
    name = name or getattr(file, "name", "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            if image.width * image.height > settings.NEWSROOM_MAX_IMAGE_PIXELS:
                raise RenditionError(f"The image {name!r} has too many pixels.")
            # Frame 0 of an MPO or an animated GIF: what viewers show first.
            image.load()
        return image
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise RenditionError(f"The image {name!r} cannot be read.") from error


def _stored_source(field_file, *, header_only=False):
    try:
        field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise RenditionError(f"The image {field_file.name!r} is not in storage.") from error
    try:
        if header_only:
            with Image.open(field_file) as image:
                return image.size
        return image_decode(field_file, name=field_file.name)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise RenditionError(f"The image {field_file.name!r} cannot be read.") from error
    finally:
        field_file.close()


def image_pixels(field_file):
    """Width times height of a stored image, reading its header only."""
    width, height = _stored_source(field_file, header_only=True)
    return width * height


def image_renditions_make(field_file, *, widths=RENDITION_WIDTHS, storage=None):
    """Make the renditions of one stored image in a new folder of their own.

    Returns ``(width, height, renditions)``: the source's displayed size
    (orientation applied) and a list of ``{"width", "height", "format",
    "name", "bytes", "source"}`` dicts, smallest first, WebP before JPEG at
    each width. ``bytes`` is the stored size (feeds state it); ``source`` the
    image they were made from (see ``renditions_current``). Each call writes
    a new set: callers check ``renditions_current`` first.
    """
    storage = storage or default_storage
    image = to_srgb(_stored_source(field_file))
    source_width, source_height = image.size
    folder = rendition_folder()
    renditions = []
    for width in rendition_widths(source_width, widths):
        height = max(1, round(source_height * width / source_width))
        resized = (
            image
            if width == source_width
            else image.resize((width, height), Image.Resampling.LANCZOS)
        )
        for image_format, extension, _mime, options in RENDITION_FORMATS:
            data = encoded(resized, image_format, options)
            name = storage.save(posixpath.join(folder, f"w{width}.{extension}"), ContentFile(data))
            renditions.append(
                {
                    "width": width,
                    "height": height,
                    "format": extension,
                    "name": name,
                    "bytes": len(data),
                    "source": field_file.name,
                }
            )
    return source_width, source_height, renditions


def renditions_delete(renditions, *, keep=(), storage=None):
    """Remove stored renditions no longer listed anywhere (``keep`` are spared)."""
    storage = storage or default_storage
    kept = {item["name"] for item in keep}
    for item in renditions:
        if item["name"] not in kept:
            with contextlib.suppress(OSError):
                storage.delete(item["name"])


def srcset(renditions, extension, *, url=None):
    """``"/media/…/w480.webp 480w, /media/…/w800.webp 800w"`` for one format.

    ``url`` turns a stored name into an address; the public storage address
    by default, the staff or preview route for a story that is not public.
    """
    url = url or default_storage.url
    return ", ".join(
        f"{url(item['name'])} {item['width']}w"
        for item in renditions
        if item["format"] == extension
    )
