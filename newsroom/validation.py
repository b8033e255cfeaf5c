"""Bounds on what staff may type, so odd input gets a field error, never a 500.

A publication time typed as year 0001 in Asia/Seoul is stored as a BC
timestamp that psycopg cannot read back: the article list then failed for
everyone. No newsroom record needs a date outside 1900-2200.
"""

import datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
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


# Merely unusual input (a quote by someone with no position that day, an
# agreement with one party) is not refused outright: the save stops with the
# warnings, the form keeps everything typed, and a "Save anyway" box the
# editor ticks lets the same save through.
WARNINGS_CONFIRMED = "confirm_warnings"
UNCONFIRMED_WARNING = "unconfirmed_warning"


def warnings_confirmed(data):
    return data.get(WARNINGS_CONFIRMED) in ("on", "1", "true")


def refuse_unless_confirmed(data, warnings):
    """Raise the warnings as one validation error unless the editor has ticked "Save anyway"."""
    if warnings and not warnings_confirmed(data):
        raise ValidationError(
            [ValidationError(message, code=UNCONFIRMED_WARNING) for message in warnings]
        )


def has_unconfirmed_warnings(*errors):
    """Whether any of these error containers holds a warning awaiting confirmation."""
    for error_list in errors:
        for error in getattr(error_list, "as_data", lambda: [])():
            if getattr(error, "code", None) == UNCONFIRMED_WARNING:
                return True
    return False


class WarningsAdminMixin:
    """Shows the "Save anyway" box beside the save buttons when a warning stopped a save."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        errors = []
        if adminform is not None:
            errors.extend(adminform.form.errors.values())
        for inline in context.get("inline_admin_formsets", []):
            errors.append(inline.formset.non_form_errors())
            for form in inline.formset.forms:
                errors.extend(form.errors.values())
        context["warnings_pending"] = request.method == "POST" and has_unconfirmed_warnings(*errors)
        context["warnings_field"] = WARNINGS_CONFIRMED
        return super().render_change_form(request, context, add, change, form_url, obj)


_UNFIT = object()


def initial_value_fitted(model, name, value):
    """``value`` given for ``model``'s field ``name`` in an address, as a widget can show it.

    ``_UNFIT`` when it cannot be: a related id that is no id (``abc``, 1.5,
    beyond 64 bits) or a date that is no date. Dates come back parsed (and
    aware), which the date-and-time widgets need; anything else as given,
    for the form to judge on saving.
    """
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    try:
        if field.is_relation and (field.concrete or field.many_to_many):
            target = field.target_field
            for item in value if isinstance(value, list) else [value]:
                target.run_validators(target.to_python(item))
            return value
        if isinstance(field, models.DateField | models.TimeField):
            parsed = field.to_python(value)
            if isinstance(parsed, datetime.datetime) and timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            if isinstance(parsed, datetime.date):
                validate_sane_date(parsed)
            return parsed
    except (ValidationError, TypeError, ValueError, OverflowError):
        return _UNFIT
    return value


class AddressInitialAdminMixin:
    """Values in an add page's address (``?section=3``) are used only where they fit.

    The admin hands them to the widgets as typed: ``?section=abc`` reached
    the database through the autocomplete widget, and ``?published_at=abc``
    the date-and-time widget, both as a 500. Unfit values are left out, so
    the page opens with that field empty.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        fitted = {name: initial_value_fitted(self.model, name, v) for name, v in initial.items()}
        return {name: value for name, value in fitted.items() if value is not _UNFIT}
