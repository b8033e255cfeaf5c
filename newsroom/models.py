"""Abstract bases the apps' records share; the newsroom app has no tables."""

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
