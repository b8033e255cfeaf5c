"""Where uploads live and who may read them.

An uploaded image (the *original*) is never served to the public. It is
stored re-encoded from its pixels alone, so no EXIF (GPS position, camera
serial), XMP, IPTC or comment survives, under ``originals/<random>/`` — a
prefix the public media route, the web server and the bucket policy never
expose (docs/media.md). Readers get the renditions (``newsroom.renditions``)
under ``renditions/``, once the story showing them is public.

Staff read everything in media storage through ``/admin/media/<name>``,
checked against their session on every request: a disabled account or a
withdrawn permission stops working at once, and a copied address is useless
to anyone else. (A signed, expiring URL would be a bearer token that works
for whoever holds it until it expires, and an expiry short enough to be safe
breaks images on an admin page left open.) ``PrivateImageField`` points its
``url`` there, so the admin's "Currently:" links and any template that names
an original by mistake lead to the staff route, never to a public address.
"""

import functools
import mimetypes
import posixpath
import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.text import get_valid_filename

from newsroom.renditions import encoded, image_decode, rendition_token, to_srgb

ORIGINALS_FOLDER = "originals"
STAFF_MEDIA_URL_NAME = "media-staff"
# Upload format -> (stored format, extension, save options). Lossy uploads
# are re-encoded once at quality 95 with full-resolution colour (4:4:4), a
# generation loss no one sees at rendition sizes; lossless ones stay lossless.
# Re-encoding rather than deleting metadata segments: the orientation must
# be applied to the pixels and the colours converted to sRGB (as for the
# renditions), which no lossless strip can do, and a decode-encode round trip
# also drops what a segment filter can miss (the second picture of an MPO,
# data after the end of the image, thumbnails inside EXIF).
ORIGINAL_FORMATS = {
    "JPEG": ("JPEG", "jpg", {"quality": 95, "subsampling": "4:4:4"}),
    "MPO": ("JPEG", "jpg", {"quality": 95, "subsampling": "4:4:4"}),
    "WEBP": ("WEBP", "webp", {"quality": 95, "method": 4}),
    "PNG": ("PNG", "png", {}),
    "GIF": ("PNG", "png", {}),
}
ORIGINAL_STEM_LENGTH = 40


def original_upload_to(instance, filename):
    """``originals/<uuid4 hex>/<upload name>``: unique and unguessable."""
    stem, extension = posixpath.splitext(posixpath.basename(filename))
    try:
        stem = get_valid_filename(stem)[:ORIGINAL_STEM_LENGTH]
    except SuspiciousFileOperation:  # nothing usable left, e.g. "   .jpg"
        stem = "image"
    return posixpath.join(ORIGINALS_FOLDER, uuid.uuid4().hex, f"{stem}{extension.lower()}")


def original_without_metadata(content, name):
    """``(ContentFile, name)``: the upload's first picture, re-encoded with no metadata.

    Raises ``RenditionError`` for a file that is not a readable image.
    """
    if hasattr(content, "seek"):
        content.seek(0)
    image = image_decode(content, name=name)
    stored_format, extension, options = ORIGINAL_FORMATS.get(image.format, ORIGINAL_FORMATS["PNG"])
    pixels = to_srgb(image, keep_alpha=stored_format != "JPEG")
    stem, _old_extension = posixpath.splitext(posixpath.basename(name))
    return ContentFile(encoded(pixels, stored_format, options)), f"{stem}.{extension}"


def staff_media_url(name):
    """The staff-only address of any stored file."""
    return reverse(STAFF_MEDIA_URL_NAME, kwargs={"path": name})


class PrivateImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Every way a file reaches the field (forms, the shell, imports,
        # FieldFile.save) comes through here.
        content, name = original_without_metadata(content, name)
        super().save(name, content, save)
        # Read the stored copy from now on, not the upload (which still has
        # its metadata) that Django would otherwise keep open here.
        self._file = None

    save.alters_data = True

    @property
    def url(self):
        self._require_file()
        return staff_media_url(self.name)


class PrivateImageField(models.ImageField):
    """An image upload kept private: stored without metadata under ``originals/``.

    Its ``url`` is the staff route; pages show renditions made from it.
    """

    attr_class = PrivateImageFieldFile

    def __init__(self, *args, **kwargs):
        kwargs["upload_to"] = original_upload_to
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        # Always the same: not an option of this field.
        kwargs.pop("upload_to", None)
        return name, path, args, kwargs


def _content_type(name):
    content_type = mimetypes.guess_type(name)[0] or ""
    # Media storage holds only images; anything else is never rendered inline.
    return content_type if content_type.startswith("image/") else "application/octet-stream"


def media_response(name):
    """A stored file, streamed from whatever storage holds it, never cached by proxies."""
    # Names as storage writes them: relative, no "..", no empty segments
    # (object storage would otherwise take them as literal keys).
    if (
        not name
        or name.startswith("/")
        or posixpath.normpath(name) != name
        or ".." in name.split("/")
    ):
        raise Http404("No such file.")
    try:
        if not default_storage.exists(name):
            raise Http404("No such file.")
        handle = default_storage.open(name, "rb")
    except (SuspiciousFileOperation, OSError):
        raise Http404("No such file.") from None
    content_type = _content_type(name)
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not content_type.startswith("image/")
    )
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def staff_media(request, path, *, permission):
    """Any stored file, for active staff holding ``permission``.

    Someone signed out is sent to the login page (an editor whose session
    ended); anyone else signed in gets the same 404 as a missing file.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (user.is_active and user.is_staff and user.has_perm(permission)):
        raise Http404("No such file.")
    return media_response(path)


def public_renditions_only(view, *, is_public):
    """Let a ``MEDIA_URL`` view (``django.views.static.serve``) answer public renditions only.

    The app's own media route, on only in development and in loopback runs
    that ask for it (``NEWSROOM_SERVE_MEDIA``), read at each request.
    ``is_public(token)`` says whether a public page shows the renditions in
    ``renditions/<token>/``; originals and every other name are 404 whoever asks.
    """

    @functools.wraps(view)
    def public_view(request, path):
        if not (settings.DEBUG or settings.NEWSROOM_SERVE_MEDIA):
            raise Http404("Media are served by the web server or object storage.")
        token = rendition_token(path)
        if token is None or not is_public(token):
            raise Http404("No such file.")
        if not isinstance(default_storage, FileSystemStorage):
            # Object storage: MEDIA_ROOT holds nothing; read through the storage.
            return media_response(path)
        return view(request, path, document_root=settings.MEDIA_ROOT)

    return public_view
