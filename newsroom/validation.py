"""Bounds on what staff may type, so odd input gets a field error, never a 500.

A publication time typed as year 0001 in Asia/Seoul is stored as a BC
timestamp that psycopg cannot read back: the article list then failed for
everyone. No newsroom record needs a date outside 1900-2200.
"""

import datetime
import functools

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP
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


# Related ids typed where a chooser's id belongs ---------------------------------
#
# The autocomplete choosers look the chosen ids up again to show their labels,
# so a refused form posted with ``section=abc`` or ``people=1x`` failed while
# being shown again (ValueError), and an id beyond 64 bits (``people=
# 99999999999999999999999``) failed on SQLite both in the form's own check and
# in the chooser (OverflowError). Ids that cannot be a record's are refused on
# the field and left out of the chooser; the rest of the form comes back as
# typed.


def value_fits(field, value):
    """Whether ``value`` can be looked up in model field ``field`` (a number within its range)."""
    try:
        field.run_validators(field.to_python(value))
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    return True


def _fitting(field, values):
    return [value for value in values if value in (None, "") or value_fits(field, value)]


class FittingModelChoiceField(forms.ModelChoiceField):
    """A chooser's field that calls an id no record can have an invalid choice."""

    def to_python(self, value):
        key = self.to_field_name or self.queryset.model._meta.pk.name
        target = self.queryset.model._meta.get_field(key)
        if value not in self.empty_values and not value_fits(target, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class FittingModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple chooser's field that refuses ids no record can have before looking them up."""

    def _check_values(self, value):
        key = self.to_field_name or self.queryset.model._meta.pk.name
        target = self.queryset.model._meta.get_field(key)
        for pk in value if isinstance(value, list | tuple) else []:
            if isinstance(pk, str) and not value_fits(target, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class FittingAutocompleteMixin:
    """Shows only the chosen ids a record can have; the others are the field's error."""

    def optgroups(self, name, value, attr=None):
        remote_opts = self.field.remote_field.model._meta
        key = getattr(self.field.remote_field, "field_name", None) or remote_opts.pk.name
        return super().optgroups(name, _fitting(remote_opts.get_field(key), value), attr)


class FittingAutocompleteSelect(FittingAutocompleteMixin, AutocompleteSelect):
    pass


class FittingAutocompleteSelectMultiple(FittingAutocompleteMixin, AutocompleteSelectMultiple):
    pass


def _lookup_target(model, key):
    """The field a changelist's ``?key=`` compares values with, and the lookup; or None."""
    parts = key.split(LOOKUP_SEP)
    opts, field = model._meta, None
    while parts:
        try:
            field = opts.get_field(parts[0])
        except FieldDoesNotExist:
            break
        parts.pop(0)
        if not field.is_relation or field.related_model is None:
            break
        opts = field.related_model._meta
    if field is None or len(parts) > 1:
        return None
    lookup = parts[0] if parts else "exact"
    if lookup not in ("exact", "in", "gt", "gte", "lt", "lte"):
        return None
    if field.is_relation:
        try:
            field = field.target_field
        except (AttributeError, FieldError):
            return None
    return (field, lookup) if isinstance(field, models.IntegerField) else None


def lookup_values_fit(model, key, values):
    """Whether every value of a changelist filter ``?key=`` can be compared in the database."""
    target = _lookup_target(model, key)
    if target is None:
        return True
    field, lookup = target
    for value in values:
        items = value.split(",") if lookup == "in" else [value]
        if len(_fitting(field, items)) != len(items):
            return False
    return True


class FittingRelationsAdminMixin:
    """For ModelAdmins and inlines: related ids that no record can have are field errors.

    The admin site (newsroom/admin_site.py) gives every registered admin and
    its inlines this mixin, so no admin has to remember it.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = FittingAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        if type(db_field).formfield is models.ForeignKey.formfield:
            kwargs.setdefault("form_class", FittingModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = FittingAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        if type(db_field).formfield is models.ManyToManyField.formfield:
            kwargs.setdefault("form_class", FittingModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class FittingLookupsAdminMixin(FittingRelationsAdminMixin):
    """For ModelAdmins: also a list filtered by an id no record can have is Django's "?e=1".

    ``?institution=99999999999999999999999`` reached SQLite, which cannot
    hold the number (OverflowError, a 500); Django's own check runs only
    when the filter is built, before any query. Field lookups are checked
    first; a list filter of the admin's own that passes such a number on
    fails in the list's first query (the count), which is caught here too.
    """

    def get_changelist_instance(self, request):
        for key, values in request.GET.lists():
            if key in (*IGNORED_PARAMS, ERROR_FLAG, PAGE_VAR):
                continue
            if not lookup_values_fit(self.model, key, values):
                raise IncorrectLookupParameters(f"{key}: no record has that id")
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def get_inlines(self, request, obj):
        return [fitting_inline(inline) for inline in super().get_inlines(request, obj)]


@functools.cache
def fitting_inline(inline_class):
    """``inline_class`` with ``FittingRelationsAdminMixin`` (one class per inline)."""
    if issubclass(inline_class, FittingRelationsAdminMixin):
        return inline_class
    return _with_mixin(FittingRelationsAdminMixin, inline_class)


def fitting_admin(admin_class):
    """``admin_class`` with ``FittingLookupsAdminMixin``, for the site to register."""
    if issubclass(admin_class, FittingLookupsAdminMixin):
        return admin_class
    return _with_mixin(FittingLookupsAdminMixin, admin_class)


def _with_mixin(mixin, cls):
    return type(
        cls.__name__,
        (mixin, cls),
        {"__module__": cls.__module__, "__qualname__": cls.__qualname__, "__doc__": cls.__doc__},
    )
