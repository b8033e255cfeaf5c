"""Abstract bases the apps' records share, and the admin's own records.

``FormAutosave`` keeps what an editor typed into a change form before saving
it (newsroom/autosave.py); it belongs to no app because every change form
has one. ``LibraryImage`` is the media library (newsroom/library.py): any
story's body may show its pictures.
"""

import contextlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.images import IMAGE_VALIDATORS
from newsroom.media import PrivateImageField
from newsroom.pagecache import page_cache_invalidate
from newsroom.renditions import (
    RenditionError,
    image_pixels,
    image_renditions_make,
    renditions_current,
    renditions_delete,
)
from newsroom.text import credit_without_prefix

logger = logging.getLogger(__name__)


class EditedRecord(models.Model):
    """A record staff edit in the admin: when it was made and changed, and its version.

    ``version`` goes up on every save (``newsroom.locking``); the admin
    refuses a save based on an older one, and feeds and caches read
    ``updated_at`` as the record's last change.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=0,
        editable=False,
        help_text=_("Raised on every save; the admin refuses a save based on an older version."),
    )

    class Meta:
        abstract = True


class FormAutosave(models.Model):
    """What one person had typed into one admin form, kept while they type.

    Not a revision of the record: nothing public reads it, and it is dropped
    when the form is saved. ``object_id`` is empty for an add form.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_autosaves"
    )
    model_label = models.CharField(_("record kind"), max_length=100)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    fields = models.JSONField(_("typed fields"), default=list)
    opened_version = models.CharField(_("version opened"), max_length=64, blank=True)
    saved_at = models.DateTimeField(_("saved at"))

    class Meta:
        verbose_name = _("form autosave")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "model_label", "object_id"], name="one_autosave_per_form"
            )
        ]

    def __str__(self):
        return f"{self.model_label} {self.object_id or 'new'} ({self.user_id})"


class LibraryImage(models.Model):
    """A picture uploaded once and shown wherever a story's body places it.

    The body stores only ``data-library-image="<id>"`` (``newsroom.library``);
    pages take the alt text, caption, credit and renditions from here, so an
    edit to any of them shows in every story at once. The upload is kept
    like a lead image: re-encoded without metadata under ``originals/`` and
    never public. Readers get the renditions, and only while a public story
    shows the image.
    """

    image = PrivateImageField(
        _("image"),
        validators=IMAGE_VALIDATORS,
        help_text=_("JPEG, PNG, WebP or GIF. Camera data (GPS position, device) is removed."),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("Describe the picture for readers who cannot see it. Every story shows this."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    focal_x = models.DecimalField(
        _("focal point, across (%)"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Where a cropped copy keeps the subject: 0 is the left edge, 100 the right."),
    )
    focal_y = models.DecimalField(
        _("focal point, down (%)"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0 is the top edge, 100 the bottom."),
    )
    # Filled by newsroom.library when the image changes, so pages write
    # srcset, width and height without opening a file.
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    renditions = models.JSONField(_("renditions"), default=list, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="library_images",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("library image")
        verbose_name_plural = _("media library")
        ordering = ["-created_at", "-pk"]
        permissions = [
            (
                "change_public_libraryimage",
                "Can change or replace a picture that public stories show",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=100)
                & models.Q(focal_y__gte=0, focal_y__lte=100),
                name="library_image_focal_point_inside",
            ),
            models.CheckConstraint(
                condition=~models.Q(alt_text=""), name="library_image_has_alt_text"
            ),
        ]

    def __str__(self):
        return self.alt_text[:80] or f"Image {self.pk}"

    def clean(self):
        if not (self.alt_text or "").strip():
            raise ValidationError(
                {"alt_text": _("Describe the picture for readers who cannot see it.")}
            )
        self.alt_text = self.alt_text.strip()
        self.credit = credit_without_prefix(self.credit)


def library_image_renditions_make(image, *, force=False):
    """Make a library image's renditions and record them on it.

    As for lead images (``articles.models.article_renditions_make``): nothing
    is done while the recorded set is current unless ``force``; a new set
    goes into a new random folder and the one it replaces is deleted once
    the new list is committed. The row is written with an UPDATE, so no save
    hook runs again. An unreadable image leaves no renditions (pages then
    leave the picture out) and raises ``RenditionError``.
    """
    previous = image.renditions or []
    if not force and renditions_current(previous, image.image.name):
        return previous
    try:
        width, height, renditions = image_renditions_make(image.image)
    except RenditionError:
        _library_renditions_record(image, width=None, height=None, renditions=[])
        raise
    _library_renditions_record(image, width=width, height=height, renditions=renditions)
    return renditions


def _library_renditions_record(image, *, width, height, renditions):
    previous = image.renditions or []
    image.width, image.height, image.renditions = width, height, renditions
    # updated_at too: what readers get changed, and feed and API validators
    # read it (an UPDATE leaves auto_now alone).
    image.updated_at = timezone.now()
    LibraryImage.objects.filter(pk=image.pk).update(
        width=width, height=height, renditions=renditions, updated_at=image.updated_at
    )
    page_cache_invalidate()
    if previous:
        transaction.on_commit(lambda: renditions_delete(previous, keep=renditions))


@task
def library_image_renditions_task(*, image_id, source_name):
    """Make the renditions of a large library image, in the task worker."""
    image = LibraryImage.objects.filter(pk=image_id).first()
    if image is None or image.image.name != source_name:
        return
    library_image_renditions_make(image)


@receiver(post_save, sender=LibraryImage, dispatch_uid="library_image_saved")
def library_image_saved(sender, instance, raw, **kwargs):
    """Renditions after an upload; every page showing the image goes stale.

    The page cache watches the apps' records, not the newsroom's own, so the
    alt text or caption edited here would otherwise stay cached on stories.
    A large image is left to the task worker, as for lead images.
    """
    page_cache_invalidate()
    if raw or renditions_current(instance.renditions, instance.image.name):
        return
    try:
        if image_pixels(instance.image) > settings.NEWSROOM_RENDITIONS_INLINE_PIXELS:
            if instance.renditions:
                _library_renditions_record(instance, width=None, height=None, renditions=[])
            transaction.on_commit(
                lambda: library_image_renditions_task.enqueue(
                    image_id=instance.pk, source_name=instance.image.name
                )
            )
        else:
            library_image_renditions_make(instance)
    except RenditionError:
        logger.exception("Renditions failed for library image %s", instance.pk)


@receiver(post_delete, sender=LibraryImage, dispatch_uid="library_image_deleted")
def library_image_deleted(sender, instance, **kwargs):
    """A deleted image leaves storage: its renditions and its original."""
    page_cache_invalidate()
    renditions = list(instance.renditions or [])
    name = instance.image.name

    def forget():
        renditions_delete(renditions)
        if name:
            with contextlib.suppress(OSError):
                instance.image.storage.delete(name)

    transaction.on_commit(forget)
