"""Bounds on what staff may type, so odd input gets a field error, never a 500.

A publication time typed as year 0001 in Asia/Seoul is stored as a BC
timestamp that psycopg cannot read back: the article list then failed for
everyone. No newsroom record needs a date outside 1900-2200.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


def validate_sane_date(value):
    """Refuse dates and times outside 1900-2200 (in the newsroom's zone)."""
    if value is None:
        return
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Give a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )


class SaneDatesAdminMixin:
    """For ModelAdmins and inlines: every date and time field refuses 1900-2200 outsiders."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, (models.DateField, models.DateTimeField)) and isinstance(
            formfield, forms.Field
        ):
            formfield.validators.append(validate_sane_date)
        return formfield
