"""Optimistic locking for the admin: a save based on an old copy is refused.

Each locked model has a ``version`` integer that goes up on every save. The
admin form carries the version it was opened with in a hidden field; if the
row has moved on since, the form is refused with a message naming who saved
in between, and re-rendered with everything the second editor typed. Nothing
is written, so the first editor's save stays as it was.

Who else has the record open is newsroom/presence.py's job.
"""

import hashlib

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from newsroom import presence, revisions
from newsroom.display import newsroom_time_display
from newsroom.models import EditedRecord

OPENED_VERSION_FIELD = "opened_version"


def version_bump(sender, instance, raw=False, **kwargs):
    """``pre_save`` receiver for every ``EditedRecord``: the next version is the stored one plus one.

    A signal rather than ``save()`` so that restores from a revision, which
    bypass ``save()``, count too. Reading the stored value (rather than
    trusting the instance) keeps the number rising even when a restored
    revision carries an older copy.
    """
    if not issubclass(sender, EditedRecord):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "version" not in update_fields:
        # A partial save of derived data (image sizes, renditions) is not an
        # edit; counting it would make an editor's open form look stale.
        return
    # Not ``_state.adding``: a restored revision arrives as a fresh instance
    # with the primary key of a row that exists.
    if instance.pk is None:
        stored = None
    else:
        stored = (
            sender._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        )
    instance.version = (stored or 0) + 1


def stored_version(model, pk, *, lock=False):
    """The stored row's version as text, or None when the row is gone.

    An ``EditedRecord`` counts its saves in ``version``. Records we cannot
    give that column (taggit's tags) or that are too small to need one
    (sections, positions) are stamped with a digest of their stored values
    instead: any change to the row changes the stamp, which is all the check
    needs.
    """
    queryset = model._default_manager.filter(pk=pk)
    if lock:
        # Held until the admin's transaction ends, so two saves cannot both
        # pass the check on PostgreSQL; SQLite serialises writers anyway.
        queryset = queryset.select_for_update()
    if issubclass(model, EditedRecord):
        version = queryset.values_list("version", flat=True).first()
        return None if version is None else str(version)
    names = [field.attname for field in model._meta.concrete_fields]
    row = queryset.values_list(*names).first()
    return None if row is None else _digest(row)


def record_stamp(instance):
    """What the form carries: the version this copy of ``instance`` was opened at."""
    if instance.pk is None:
        return ""
    if isinstance(instance, EditedRecord):
        return str(instance.version)
    return stored_version(type(instance), instance.pk) or ""


def _digest(values):
    return hashlib.sha256(repr(tuple(values)).encode()).hexdigest()[:16]


class LockedModelForm(forms.ModelForm):
    """A ModelForm with the hidden version field and the stale-copy check.

    ``lock_disabled`` is set for reversion's recover view, which re-creates
    a deleted record inside its own transaction: nobody else can have it open.
    """

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    lock_disabled = False
    conflict = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[OPENED_VERSION_FIELD].initial = record_stamp(self.instance)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk or self.lock_disabled:
            return cleaned
        opened_with = cleaned.get(OPENED_VERSION_FIELD)
        if not opened_with:
            raise ValidationError(
                _("This form arrived without its version number; reload the page and try again."),
                code="missing_version",
            )
        current = stored_version(type(self.instance), self.instance.pk, lock=True)
        if current is not None and current != opened_with:
            self.conflict_report(current)
        return cleaned

    def conflict_report(self, current):
        """Refuse the save; arm the form so a deliberate second save can win."""
        saved = type(self.instance)._default_manager.get(pk=self.instance.pk)
        who, when = revisions.last_change(saved)
        differing = [
            str(self.fields[name].label or name) for name in self.changed_fields_against(saved)
        ]
        # The re-rendered form now carries the current version: after reading
        # the message the editor may merge and save again on purpose.
        data = self.data.copy()
        data[self.add_prefix(OPENED_VERSION_FIELD)] = str(current)
        self.data = data
        self.conflict = {"who": who, "when": when, "fields": differing}
        message = _(
            "%(who)s saved this record at %(when)s, after you opened it. Your changes "
            "have not been saved and are still in the form below; the saved version "
            "is unchanged."
        ) % {"who": who, "when": newsroom_time_display(when, missing=_("a moment ago"))}
        if differing:
            message += " " + _("The saved version now differs from your form in: %s.") % ", ".join(
                differing
            )
        message += " " + _(
            "Open the record in a new tab to compare, then save again to replace it."
        )
        raise ValidationError(message, code="edit_conflict")

    def changed_fields_against(self, saved):
        """Form fields whose submitted value differs from the saved record."""
        names = []
        opts = saved._meta
        for name in self.fields:
            if name in (OPENED_VERSION_FIELD, "tags") or name not in self.cleaned_data:
                continue
            try:
                model_field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(model_field, models.FileField):
                continue
            stored = model_field.value_from_object(saved)
            submitted = self.cleaned_data[name]
            if model_field.many_to_many:
                stored = {getattr(item, "pk", item) for item in stored or []}
                submitted = {getattr(item, "pk", item) for item in submitted or []}
            elif model_field.is_relation:
                submitted = getattr(submitted, "pk", submitted)
            if (stored or None) != (submitted or None):
                names.append(name)
        return names


class OptimisticLockAdminMixin:
    """Edit-conflict protection for a ModelAdmin: its change form and its list_editable rows."""

    form = LockedModelForm

    def get_changelist_form(self, request, **kwargs):
        # Each editable row carries the stamp it was listed with; the
        # changelist template (templates/admin/change_list.html) renders it.
        kwargs.setdefault("form", LockedModelForm)
        return super().get_changelist_form(request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not getattr(request, "_newsroom_recovering", False):
            return form
        return type(form.__name__, (form,), {"lock_disabled": True})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # The hidden version travels with the first fieldset; admin renders
        # only fields named in fieldsets.
        first_name, first_options = fieldsets[0]
        if not self.has_change_permission(request, obj):
            return fieldsets
        if OPENED_VERSION_FIELD not in first_options["fields"]:
            first_options = {
                **first_options,
                "fields": [*first_options["fields"], OPENED_VERSION_FIELD],
            }
        return [(first_name, first_options), *fieldsets[1:]]

    def recover_view(self, request, version_id, extra_context=None):
        request._newsroom_recovering = True
        return super().recover_view(request, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            presence.open_notice(request, self.model, object_id)
        return super().change_view(request, object_id, form_url, extra_context)
