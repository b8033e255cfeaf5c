"""Abstract bases the apps' records share, and the admin's own records.

``FormAutosave`` keeps what an editor typed into a change form before saving
it (newsroom/autosave.py); it belongs to no app because every change form
has one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
