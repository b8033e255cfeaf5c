"""Checks for uploaded images, shared by every image field in the newsroom.

Django's ImageField already refuses files Pillow cannot read. These validators
add the limits an editor's upload must respect: bytes on disk and pixels once
decoded, so that a small file that inflates to gigapixels (a decompression
bomb) is refused before anything decodes it.
"""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

# MPO is a JPEG with further pictures appended (phones' depth or stereo
# shots): accepted, and only its first picture is kept (newsroom/media.py).
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}


def validate_image_file_size(file):
    limit = settings.NEWSROOM_MAX_IMAGE_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("This image is %(size)s; the largest allowed is %(limit)s."),
            code="image_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


def validate_image_dimensions(file):
    """Read only the image header and refuse oversized or unknown images."""
    limit = settings.NEWSROOM_MAX_IMAGE_PIXELS
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                image_format = image.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image has too many pixels to be processed safely."),
            code="image_too_many_pixels",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."),
            code="invalid_image",
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Upload a JPEG, PNG, WebP or GIF image (this one is %(format)s)."),
            code="image_format",
            params={"format": image_format or _("unknown")},
        )
    if width * height > limit:
        raise ValidationError(
            _("This image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels."),
            code="image_too_many_pixels",
            params={"width": width, "height": height, "limit": limit // 1_000_000},
        )


IMAGE_VALIDATORS = [validate_image_file_size, validate_image_dimensions]
