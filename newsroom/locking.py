"""Optimistic locking for the admin: a save based on an old copy is refused, and nothing is lost.

Each locked model has a ``version`` integer that goes up on every save. The
admin form carries the version it was opened with in a hidden field; if the
row has moved on since, the save is refused. Nothing is written, so the
first editor's save stays as it was, and the form comes back with
everything the second editor typed.

The refusal shows, field by field and inline row by inline row, where the
saved version and the form differ, with who saved and when, and asks for a
choice on each: keep theirs (the stored value) or mine (the form's). The
re-rendered form carries the version it was refused at and a signed list of
the differences (``merge_token``); a save is accepted against that version
only once every difference has a choice, and a third save in between means
a new refusal with the new differences. "Theirs" is applied by writing the
stored values into the posted data before the admin builds its forms, so
every form and formset check sees the merged record.

Where the revision the editor opened is stored (the base), the refusal is
three-way: it shows that version too, and says for each difference who
changed it since. What only one side changed comes with that side chosen
(the token carries those choices, so pressing Save again merges); what both
changed waits for the editor's choice. Without a base (a record stamped
with a digest, or saved outside a revision) it is two-way, as before.

Who else has the record open is newsroom/presence.py's job.
"""

import dataclasses
import datetime
import hashlib
import re

from django import forms
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.forms.formsets import DELETION_FIELD_NAME
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from newsroom import presence, revisions
from newsroom.display import newsroom_time_display
from newsroom.models import EditedRecord
from newsroom.text import has_bidi_controls

OPENED_VERSION_FIELD = "opened_version"
MERGE_TOKEN_FIELD = "merge_token"
# Radio buttons, one per difference: ``_merge-<key>`` = theirs | mine. Raw
# POST names rather than form fields: they come and go with the differences.
MERGE_CHOICE_PREFIX = "_merge-"
THEIRS, MINE = "theirs", "mine"
# Who changed a difference since the editor opened the record.
ONLY_THEIRS, ONLY_MINE, BOTH = "theirs", "mine", "both"
EDIT_CONFLICT = "edit_conflict"
_MERGE_SALT = "newsroom.locking.merge"


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


def merge_choice_name(key):
    return f"{MERGE_CHOICE_PREFIX}{key}"


@dataclasses.dataclass
class ConflictItem:
    """One difference between the saved record and the form: a field or an inline row.

    ``details`` holds (label, base, theirs, mine) tuples, the values already
    escaped with their changed words marked; ``base`` (the value when the
    editor opened the record) is None where it is not known. ``kind`` says
    what choosing theirs means: "field" and "row" take the stored values,
    "gone" (a row deleted since) drops the form's row, "added" (a row added
    since) needs no choice because the save keeps it. ``origin`` says who
    changed it since the base (ONLY_THEIRS, ONLY_MINE, BOTH; empty when
    not known).
    """

    key: str
    label: str
    kind: str
    details: list
    name: str = ""
    prefix: str = ""
    pk: str = ""
    choice: str = ""
    origin: str = ""
    # An "added" row a save would drop unless posted back (a live story's
    # draft keeps only the rows its form sends): its place among the stored
    # rows without a key, or None for a row with one.
    index: int | None = None

    @property
    def needs_choice(self):
        return self.kind != "added"

    @property
    def default(self):
        """The choice made for the editor: the only side that changed it."""
        if not self.needs_choice:
            return ""
        return {ONLY_THEIRS: THEIRS, ONLY_MINE: MINE}.get(self.origin, "")

    @property
    def choice_name(self):
        return merge_choice_name(self.key)


@dataclasses.dataclass
class Conflict:
    """A refused save: the version it was refused at, who saved that version and when, the differences."""

    stamp: str
    who: str
    when: object
    items: list
    # Refused because some differences had no choice yet (not a new save).
    unresolved: bool = False
    # A complete merge another check refused: the choices wait for the next save.
    pending: bool = False
    # The version the editor opened, when its revision is stored (ConflictBase).
    base: object = None
    # Everyone who saved since the base, for "Changed by ... only".
    changed_by: str = ""
    # What "theirs" is when it is not simply the saved record ("the draft").
    stored_what: str = ""

    @property
    def three_way(self):
        return self.base is not None


@dataclasses.dataclass
class ConflictBase:
    """The stored revision of the version the editor opened: its stamp, values and inline rows.

    ``values`` and ``rows`` are raw, as newsroom.revisions.revision_held
    gives them; ``rows`` is keyed by the followed relation's name (the
    inline formset's relation), holding only the relations the revision
    could be read for.
    """

    stamp: str
    revision: object
    values: dict
    rows: dict


def conflict_base(instance, stamp):
    """The version ``stamp`` of ``instance`` as its stored revision holds it, None without one.

    Only for an ``EditedRecord``: a digest stamp names no revision.
    """
    if not stamp or instance.pk is None or not isinstance(instance, EditedRecord):
        return None
    version = revisions.revision_at_version(instance, stamp)
    if version is None:
        return None
    held = revisions.revision_held(version)
    if held is None:
        return None
    return ConflictBase(stamp=str(stamp), revision=version, values=held.values, rows=held.rows)


@dataclasses.dataclass
class MergeRequest:
    """What a re-rendered, refused form sent back: the version it was refused at and the choices."""

    stamp: str
    fields: list
    rows: list
    choices: dict
    damaged: bool = False
    # The version the editor first opened (the refusal's base), "" when none.
    base: str = ""
    # Stored rows the form lacks that the merge posts back: (prefix, pk, index).
    kept: list = dataclasses.field(default_factory=list)

    @property
    def keys(self):
        return [key for key, _name in self.fields] + [row[0] for row in self.rows]

    @property
    def missing(self):
        return [key for key in self.keys if self.choices.get(key) not in (THEIRS, MINE)]

    def takes_theirs(self, key):
        return self.choices.get(key) == THEIRS


def _record_label(instance):
    return f"{instance._meta.label_lower}:{instance.pk}"


def merge_token_make(instance, conflict):
    """The signed list of differences a refused form carries back.

    With the base the editor opened, so a later refusal of the same form
    compares against what they started from, and the choices made for them
    (the side that alone changed a difference), which count as chosen when
    the form posts none.
    """
    return signing.dumps(
        {
            "record": _record_label(instance),
            "stamp": conflict.stamp,
            "base": conflict.base.stamp if conflict.base is not None else "",
            "fields": [[i.key, i.name] for i in conflict.items if i.kind == "field"],
            "rows": [
                [i.key, i.prefix, i.pk, i.kind] for i in conflict.items if i.kind in ("row", "gone")
            ],
            "defaults": {i.key: i.default for i in conflict.items if i.default},
            "keep": [
                [i.prefix, i.pk, "" if i.index is None else str(i.index)]
                for i in conflict.items
                if i.kind == "added" and i.prefix
            ],
        },
        salt=_MERGE_SALT,
        compress=True,
    )


def merge_request_read(data, instance, *, prefix=""):
    """The merge a POST asks for, None when it asks for none.

    A token that does not check out (edited by hand, from another record,
    or not matching the version the form carries) comes back ``damaged``:
    the save is then refused like a fresh conflict, never let through.
    """
    raw = data.get(f"{prefix}{MERGE_TOKEN_FIELD}")
    if not raw or instance.pk is None:
        return None
    try:
        token = signing.loads(raw, salt=_MERGE_SALT)
        valid = token["record"] == _record_label(instance) and token["stamp"] == data.get(
            f"{prefix}{OPENED_VERSION_FIELD}"
        )
        fields = [(str(key), str(name)) for key, name in token["fields"]]
        rows = [tuple(str(part) for part in row) for row in token["rows"]]
        # Tokens signed before the refusal was three-way carry neither.
        base = str(token.get("base") or "")
        defaults = {str(key): str(choice) for key, choice in token.get("defaults", {}).items()}
        kept = [tuple(str(part) for part in row) for row in token.get("keep", [])]
        if any(len(row) != 3 for row in kept):
            raise ValueError("a kept row names prefix, key and index")
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return MergeRequest(stamp="", fields=[], rows=[], choices={}, damaged=True)
    if not valid:
        return MergeRequest(stamp="", fields=[], rows=[], choices={}, damaged=True)
    keys = [key for key, _name in fields] + [row[0] for row in rows]
    choices = {}
    for key in keys:
        posted = data.get(merge_choice_name(key))
        # A preselected choice counts as made: the browser posts the ticked
        # radio anyway, and a client that posts none gets the same merge.
        choices[key] = posted if posted in (THEIRS, MINE) else defaults.get(key)
    return MergeRequest(
        stamp=token["stamp"], fields=fields, rows=rows, choices=choices, base=base, kept=kept
    )


def posted_values(bound_field):
    """What a browser posts for ``bound_field`` as rendered: {name: [values]}.

    Used to write a stored value into the POST data ("theirs"), so the
    form sees it exactly as if the editor had typed it.
    """
    widget = bound_field.field.widget
    widget = getattr(widget, "widget", widget)  # the admin's related-object wrapper
    value = bound_field.value()
    name = bound_field.html_name
    if isinstance(widget, forms.CheckboxInput):
        return {name: ["on"]} if widget.check_test(value) else {}
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        return {
            f"{name}{suffix}": [subwidget.format_value(part) or ""]
            for suffix, subwidget, part in zip(
                widget.widgets_names, widget.widgets, parts, strict=True
            )
        }
    formatted = widget.format_value(value)
    if formatted is None:
        return {name: [""]}
    if isinstance(formatted, list | tuple):
        return {name: [str(item) for item in formatted]}
    return {name: [str(formatted)]}


def _posted_replace(data, bound_field, *, html_name=None):
    """Put ``bound_field``'s rendered value into ``data`` under ``html_name`` (its own by default)."""
    values = posted_values(bound_field)
    own = bound_field.html_name
    target = html_name or own
    widget = bound_field.field.widget
    widget = getattr(widget, "widget", widget)
    suffixes = ["", *getattr(widget, "widgets_names", [])]
    for suffix in suffixes:
        data.pop(f"{target}{suffix}", None)
    for key, items in values.items():
        data.setlist(target + key[len(own) :], items)


def _formset_rows_to_new(data, prefix, indexes, pk_name):
    """Move the posted rows at ``indexes`` to the end of the formset as new rows.

    "Mine" for a row someone deleted since: it is written again as a new
    row, which a formset saves only from its extra forms.
    """
    total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    initial = int(data.get(f"{prefix}-INITIAL_FORMS") or 0)
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    rows = {}
    for key in list(data.keys()):
        match = pattern.match(key)
        if match and int(match.group(1)) < total:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = data.getlist(key)
            del data[key]
    order = [i for i in range(initial) if i not in indexes]
    order += sorted(indexes) + list(range(initial, total))
    for new_index, old_index in enumerate(order):
        row = rows.get(old_index, {})
        if old_index in indexes:
            row[pk_name] = [""]
            row.pop(DELETION_FIELD_NAME, None)
        for suffix, values in row.items():
            data.setlist(f"{prefix}-{new_index}-{suffix}", values)
    data[f"{prefix}-INITIAL_FORMS"] = str(initial - len(indexes))


def _formset_row_append(data, prefix, stored_form, pk_name):
    """Post the stored row ``stored_form`` shows as one more new row of the formset.

    Keeps a row someone else added when the save writes only the rows its
    form posts (a live story's draft).
    """
    index = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    for name in stored_form.fields:
        if (
            name in (pk_name, DELETION_FIELD_NAME)
            or _model_field(stored_form._meta.model, name) is None
        ):
            continue
        _posted_replace(data, stored_form[name], html_name=f"{prefix}-{index}-{name}")
    data[f"{prefix}-{index}-{pk_name}"] = ""
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def _related_text(field, values):
    """Names for primary keys typed into a form, without failing on garbage."""
    typed = ", ".join(str(v) for v in values if v not in (None, "")) or "—"
    try:
        found = list(field.related_model._default_manager.filter(pk__in=values))
    except (ValueError, TypeError, ValidationError):
        return typed
    return ", ".join(sorted(str(o) for o in found)) or typed


def stored_text(field, obj):
    """The stored value of ``field`` on ``obj`` as an editor reads it."""
    value = field.value_from_object(obj)
    if field.many_to_many:
        return ", ".join(sorted(str(item) for item in value or [])) or "—"
    return revisions.display_value(field, value)


def submitted_text(form, name, field):
    """What ``form`` holds for model field ``field``, as an editor reads it.

    The cleaned value where there is one; the raw input where the field
    has an error, so even a value that did not validate is shown.
    """
    cleaned = getattr(form, "cleaned_data", None) or {}
    if name in cleaned:
        value = cleaned[name]
        if isinstance(value, models.Model):
            value = value.pk
        elif field.many_to_many:
            return ", ".join(sorted(str(item) for item in value or [])) or "—"
        return revisions.display_value(field, value)
    raw = form[name].data
    if isinstance(raw, list | tuple):
        if field.is_relation:
            return _related_text(field, raw)
        return " ".join(str(part) for part in raw if part) or "—"
    if field.is_relation and not field.many_to_many and raw:
        return _related_text(field, [raw])
    if field.choices and raw not in (None, ""):
        return str(dict((str(k), v) for k, v in field.flatchoices).get(str(raw), raw))
    return str(raw) if raw not in (None, "") else "—"


def base_text(field, raw):
    """A value the base revision holds (raw: links as keys) as an editor reads it, like ``stored_text``."""
    if field.many_to_many:
        found = field.related_model._default_manager.filter(pk__in=raw or [])
        return ", ".join(sorted(str(item) for item in found)) or "—"
    return revisions.display_value(field, raw)


def _detail(label, theirs, mine, *, base=None):
    """(label, base, theirs, mine), escaped, with the changed words marked.

    Against the base where it is known, so each side shows what it changed
    since the editor opened the record; theirs against mine otherwise.
    """
    if base is None:
        theirs_html, mine_html = revisions.word_diff(theirs, mine)
        return (label, None, theirs_html, mine_html)
    base_html, (theirs_html, mine_html) = revisions.word_diff_from(base, theirs, mine)
    return (label, base_html, theirs_html, mine_html)


def _plain_detail(label, theirs, mine, *, base=None):
    """A row only one side has: nothing to compare word by word."""
    return (label, None if base is None else escape(base), escape(theirs), escape(mine))


def _base_initial(field, raw):
    """A raw base value as a form's initial value for ``field`` (related objects for many-to-many)."""
    if field.many_to_many:
        return list(field.related_model._default_manager.filter(pk__in=raw or []))
    return raw


def _as_shown(value, form_field):
    """``value`` to the precision ``form_field`` shows it.

    As Form.get_initial_for_field does: a widget that shows whole seconds
    sends a time back without its fraction, so a fraction is no change.
    """
    if (
        isinstance(value, datetime.datetime | datetime.time)
        and not form_field.widget.supports_microseconds
    ):
        return value.replace(microsecond=0)
    return value


def _form_differs(form, name, field, raw):
    """Whether ``form`` holds for ``name`` something other than the base value ``raw``.

    The form field's own test, the one behind ``changed_data``, so a value
    the editor left alone compares equal however its widget renders it.
    """
    form_field = form.fields[name]
    initial = _as_shown(_base_initial(field, raw), form_field)
    try:
        return form_field.has_changed(initial, form[name].data)
    except (ValidationError, ValueError, TypeError):
        return True


def _stored_differs(form, obj, name, raw):
    """Whether the stored ``obj`` holds for ``name`` something other than the base value ``raw``.

    ``form`` is the one editing ``obj``: a difference it cannot show (the
    fraction of a second an admin save drops) is none.
    """
    form_field = form.fields[name]
    stored = revisions.record_values(obj, [name])[name]
    return _as_shown(stored, form_field) != _as_shown(raw, form_field)


def _origin(*, theirs_changed, mine_changed):
    """Who changed a difference since the base.

    Neither (the two tests disagreeing with ``changed_data`` on some
    odd value) counts as both: the editor is asked rather than guessed for.
    """
    if theirs_changed and not mine_changed:
        return ONLY_THEIRS
    if mine_changed and not theirs_changed:
        return ONLY_MINE
    return BOTH


def _row_origin(origins):
    """One origin for an inline row from those of its changed fields ("" if any is unknown)."""
    if not origins or "" in origins:
        return ""
    if len(set(origins)) == 1:
        return origins[0]
    return BOTH


def _model_field(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "editable", False) or isinstance(field, models.FileField):
        # A file cannot be carried back in a re-rendered form, so it is not
        # offered as a choice: the form sends no file, and the stored one stays.
        return None
    return field


def _row_fields(form):
    """(name, model field) of the inline row's own values: no key, no link to the parent."""
    for name, form_field in form.fields.items():
        field = _model_field(form._meta.model, name)
        if field is None or field.primary_key:
            continue
        if isinstance(form_field, forms.models.InlineForeignKeyField):
            continue  # the parent record itself
        yield name, field


def _row_summary(form, *, stored=None):
    """One line for an inline row: its fields and values, from the database or the form."""
    parts = []
    for name, field in _row_fields(form):
        text = (
            stored_text(field, stored) if stored is not None else submitted_text(form, name, field)
        )
        if text != "—":
            parts.append(f"{form.fields[name].label or field.verbose_name}: {text}")
    return "; ".join(parts) or "—"


def _row_summary_base(form, base_row):
    """``_row_summary`` of the row as the base revision holds it."""
    parts = []
    for name, field in _row_fields(form):
        if name not in base_row:
            continue
        text = base_text(field, base_row[name])
        if text != "—":
            parts.append(f"{form.fields[name].label or field.verbose_name}: {text}")
    return "; ".join(parts) or "—"


def _row_form_differs(form, base_row):
    """Whether the posted row differs from the base row; None when the base lacks a field."""
    names = list(_row_fields(form))
    if any(name not in base_row for name, _field in names):
        return None
    return any(_form_differs(form, name, field, base_row[name]) for name, field in names)


def _row_stored_differs(form, obj, base_row):
    """Whether the stored row differs from the base row in the fields its form edits."""
    names = [name for name, _field in _row_fields(form) if name in base_row]
    return any(_stored_differs(form, obj, name, base_row[name]) for name in names)


def _base_rows(formset, base):
    """The base revision's rows for ``formset``'s relation, None when it does not hold them."""
    fk = getattr(formset, "fk", None)
    if base is None or fk is None:
        return None
    return base.rows.get(fk.remote_field.get_accessor_name())


def _row_label(formset, obj):
    """ "Quote: “We are ready…”": what the row is, and which one."""
    what = str(formset.model._meta.verbose_name)
    return f"{what[:1].upper()}{what[1:]}: {Truncator(str(obj)).chars(60)}"


def _row_changed_from(form, obj):
    """The fields where the posted row ``form`` holds something other than the stored ``obj``.

    For rows stored somewhere else than the form's instance (a draft's rows,
    compared with a form built on the live ones), where ``changed_data``
    would compare with the wrong thing.
    """
    names = [
        name
        for name, field in _row_fields(form)
        if _form_differs(form, name, field, field.value_from_object(obj))
    ]
    if DELETION_FIELD_NAME in form.changed_data:
        names.append(DELETION_FIELD_NAME)
    return names


def inline_conflicts(formsets, *, who, base=None, stored_rows=None, repost_added=False):
    """The inline rows where the bound ``formsets`` differ from the rows stored now.

    With ``base`` (a ConflictBase), each row that the base revision holds
    says who changed it since: a row is only theirs or only mine when every
    difference in it is.

    ``stored_rows(formset)`` gives the stored rows to compare with when they
    are not the formset's own (a live story's draft), None for those; such
    rows may lack a key (a row the draft adds). ``repost_added``: a save
    keeps only the rows its form posts, so each stored row the form lacks is
    marked to be posted back by the merge.
    """
    items = []
    for formset in formsets:
        if not formset.is_bound:
            continue
        pk_name = formset.model._meta.pk.name
        rows = stored_rows(formset) if stored_rows is not None else None
        by_value = rows is not None
        if rows is None:
            # A fresh query: the formset's own instances now hold the posted values.
            rows = list(formset.get_queryset().all())
        stored = {str(obj.pk): obj for obj in rows if obj.pk is not None}
        unkeyed = [obj for obj in rows if obj.pk is None]
        base_rows = _base_rows(formset, base)
        posted = set()
        for form in formset.initial_forms:
            raw_pk = str(form.data.get(form.add_prefix(pk_name)) or "")
            posted.add(raw_pk)
            key = f"row-{formset.prefix}-{raw_pk}"
            obj = stored.get(raw_pk)
            base_row = base_rows.get(raw_pk) if base_rows is not None else None
            if obj is None:
                summary = _row_summary(form)
                origin, base_summary = "", None
                if base_row is not None:
                    base_summary = _row_summary_base(form, base_row)
                    # Deleted in my form too: both want it gone, so theirs is mine.
                    deleted_here = DELETION_FIELD_NAME in form.changed_data
                    differs = False if deleted_here else _row_form_differs(form, base_row)
                    if differs is not None:
                        origin = _origin(theirs_changed=True, mine_changed=differs)
                items.append(
                    ConflictItem(
                        key=key,
                        label=_row_label(formset, summary),
                        kind="gone",
                        prefix=formset.prefix,
                        pk=raw_pk,
                        details=[
                            _plain_detail(
                                "",
                                _("Deleted by %(who)s.") % {"who": who},
                                summary,
                                base=base_summary,
                            )
                        ],
                        origin=origin,
                    )
                )
                continue
            details, origins = [], []
            changed = _row_changed_from(form, obj) if by_value else form.changed_data
            for name in changed:
                if name == DELETION_FIELD_NAME:
                    kept = _("Kept")
                    if base_row is None:
                        details.append(_detail("", kept, _("Deleted in your form")))
                        origins.append("")
                        continue
                    details.append(_detail("", kept, _("Deleted in your form"), base=kept))
                    origins.append(
                        _origin(
                            theirs_changed=_row_stored_differs(form, obj, base_row),
                            mine_changed=True,
                        )
                    )
                    continue
                field = _model_field(formset.model, name)
                if field is None or field.primary_key:
                    continue
                label = str(form.fields[name].label or field.verbose_name)
                theirs, mine = stored_text(field, obj), submitted_text(form, name, field)
                if base_row is None or name not in base_row:
                    details.append(_detail(label, theirs, mine))
                    origins.append("")
                    continue
                raw = base_row[name]
                details.append(_detail(label, theirs, mine, base=base_text(field, raw)))
                origins.append(
                    _origin(
                        theirs_changed=_stored_differs(form, obj, name, raw),
                        mine_changed=_form_differs(form, name, field, raw),
                    )
                )
            if details:
                items.append(
                    ConflictItem(
                        key=key,
                        label=_row_label(formset, obj),
                        kind="row",
                        prefix=formset.prefix,
                        pk=raw_pk,
                        details=details,
                        origin=_row_origin(origins),
                    )
                )
        unbound = None
        for pk, obj in stored.items():
            if pk in posted:
                continue
            if unbound is None:
                unbound = {
                    str(f.instance.pk): f
                    for f in type(formset)(
                        instance=formset.instance, prefix=formset.prefix
                    ).initial_forms
                }
            summary = _row_summary(unbound[pk], stored=obj) if pk in unbound else str(obj)
            items.append(
                _added_item(
                    formset,
                    obj,
                    key=f"row-{formset.prefix}-{pk}",
                    summary=summary,
                    who=who,
                    base_rows=base_rows,
                    repost=repost_added,
                    pk=pk,
                )
            )
        if unkeyed:
            # Rows without a key are told apart by what they hold: one the
            # form already has (opened after it was added) is no difference.
            posted_new = [
                _row_summary(form)
                for form in formset.extra_forms
                if form.has_changed() and DELETION_FIELD_NAME not in form.changed_data
            ]
            for index, obj in enumerate(unkeyed):
                summary = _row_summary(formset.empty_form, stored=obj)
                if summary in posted_new:
                    posted_new.remove(summary)
                    continue
                items.append(
                    _added_item(
                        formset,
                        obj,
                        key=f"row-{formset.prefix}-new{index}",
                        summary=summary,
                        who=who,
                        base_rows=base_rows,
                        repost=repost_added,
                        index=index,
                    )
                )
    return items


def _added_item(formset, obj, *, key, summary, who, base_rows, repost, pk="", index=None):
    """A stored row the form lacks; with ``repost``, marked for the merge to post it back."""
    return ConflictItem(
        key=key,
        label=_row_label(formset, obj),
        kind="added",
        prefix=formset.prefix if repost else "",
        pk=pk if repost else "",
        index=index if repost else None,
        details=[
            _plain_detail(
                "",
                _("Added by %(who)s: %(row)s") % {"who": who, "row": summary},
                _("Not in your form: it is kept."),
                # Not there when the editor opened the record.
                base=None if base_rows is None else "—",
            )
        ],
    )


class LockedModelForm(forms.ModelForm):
    """A ModelForm with the hidden version field, the stale-copy check and the merge.

    ``lock_disabled`` is set for reversion's recover view, which re-creates
    a deleted record inside its own transaction: nobody else can have it open.
    ``merge_in_form`` is off for the change list's rows, which have no room
    to show differences: a stale row is refused until the list is reloaded.

    The ``stored_*`` and ``opened_stamp`` methods say what the form is
    checked and merged against: the database row, by default. A form that
    edits something else in the row's name (a live story's draft) overrides
    them, and the same refusal and merge serve it.
    """

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    merge_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20_000)
    lock_disabled = False
    merge_in_form = True
    conflict = None
    merge = None
    _conflict_saved = None

    # Off where the stamps name no stored revision: the refusal is two-way.
    conflict_three_way = True
    # On where a save keeps only the inline rows its form posts: stored rows
    # the form lacks are then posted back by the merge, not dropped.
    merge_reposts_added_rows = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[OPENED_VERSION_FIELD].initial = self.opened_stamp()

    def opened_stamp(self):
        """The stamp of what this form shows: the version it is opened at."""
        return record_stamp(self.instance)

    def stored_stamp(self):
        """The stamp stored now, locked until the transaction ends; None when the record is gone."""
        return stored_version(type(self.instance), self.instance.pk, lock=True)

    def stored_record(self):
        """A fresh copy of what the stamp stands for, to compare the form with ("theirs")."""
        return type(self.instance)._default_manager.get(pk=self.instance.pk)

    def stored_change(self, saved):
        """(who, when) of the save that made ``saved``."""
        return revisions.last_change(saved)

    def stored_rows(self, formset, saved):
        """The stored rows of ``formset`` when they are not its own queryset's, else None."""
        return None

    def stored_field_text(self, name, field, saved):
        return stored_text(field, saved)

    def stored_what(self, saved):
        """A word on what "theirs" is, when it is not simply the saved record."""
        return ""

    def stored_base(self, saved, stamp):
        return conflict_base(saved, stamp) if self.conflict_three_way else None

    def conflict_headline(self, values):
        """The refusal's first sentence: who saved, and when."""
        if values["when"]:
            return _("%(who)s saved this record at %(when)s, after you opened it.") % values
        return _("%(who)s saved this record after you opened it.") % values

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if has_bidi_controls(value):
                self.add_error(
                    name,
                    _(
                        "This text holds an invisible direction control (U+202A–U+202E or "
                        "U+2066–U+2069) that would show it reversed; type it again without it."
                    ),
                )
        if not self.instance.pk or self.lock_disabled:
            return cleaned
        opened_with = cleaned.get(OPENED_VERSION_FIELD)
        if not opened_with:
            raise ValidationError(
                _("This form arrived without its version number; reload the page and try again."),
                code="missing_version",
            )
        current = self.stored_stamp()
        if current is None:
            return cleaned
        merge = merge_request_read(self.data, self.instance, prefix=self.add_prefix(""))
        # What the editor's form is based on: what they opened; for a form
        # refused before, still what they first opened (the token says), not
        # the version it was refused at. A damaged token says nothing
        # trustworthy, so that refusal is two-way.
        base = opened_with if merge is None else ("" if merge.damaged else merge.base)
        if current != opened_with or (merge is not None and merge.damaged):
            self.conflict_refuse(current, base_stamp=base)
        if merge is not None:
            self.merge = merge
            if merge.missing:
                self.conflict_refuse(current, unresolved=True, base_stamp=base)
        return cleaned

    def conflict_refuse(self, current, *, unresolved=False, base_stamp=""):
        """Refuse the save; the form comes back carrying ``current`` and the differences.

        ``base_stamp`` is the version the editor's form started from; its
        stored revision, if any, makes the refusal three-way.
        """
        saved = self.stored_record()
        base = None
        # A list row shows no differences, so it needs no base.
        if self.merge_in_form and base_stamp != str(current):
            base = self.stored_base(saved, base_stamp)
        self.conflict = self.conflict_describe(current, saved, unresolved=unresolved, base=base)
        if self.merge_in_form:
            data = self.data.copy()
            data[self.add_prefix(OPENED_VERSION_FIELD)] = str(current)
            if not unresolved:
                # Choices made against an older save do not carry over.
                for key in [k for k in data if k.startswith(MERGE_CHOICE_PREFIX)]:
                    del data[key]
            data.pop(self.add_prefix(MERGE_TOKEN_FIELD), None)
            self.data = data
        raise ValidationError(self.conflict_message(), code=EDIT_CONFLICT)

    def conflict_describe(self, current, saved, *, unresolved=False, base=None):
        """The differences between ``saved`` and this form, each against ``base`` where known."""
        self._conflict_saved = saved
        who, when = self.stored_change(saved)
        items = []
        for name in self.changed_data:
            if name in (OPENED_VERSION_FIELD, MERGE_TOKEN_FIELD):
                continue
            field = _model_field(saved, name)
            if field is None:
                continue
            theirs = self.stored_field_text(name, field, saved)
            mine = submitted_text(self, name, field)
            origin, base_value = "", None
            if base is not None and name in base.values:
                raw = base.values[name]
                base_value = base_text(field, raw)
                origin = _origin(
                    theirs_changed=_stored_differs(self, saved, name, raw),
                    mine_changed=_form_differs(self, name, field, raw),
                )
            items.append(
                ConflictItem(
                    key=f"field-{self.add_prefix(name)}",
                    label=str(self.fields[name].label or field.verbose_name),
                    kind="field",
                    name=name,
                    details=[_detail("", theirs, mine, base=base_value)],
                    origin=origin,
                )
            )
        changed_by = who
        if base is not None:
            # Everyone who saved since the editor opened it, not only the last.
            changed_by = ", ".join(revisions.saved_by_since(saved, base.revision)) or who
        return Conflict(
            stamp=str(current),
            who=who,
            when=when,
            items=items,
            unresolved=unresolved,
            base=base,
            changed_by=changed_by,
            stored_what=self.stored_what(saved),
        )

    def conflict_message(self):
        conflict = self.conflict
        values = {"who": conflict.who, "when": newsroom_time_display(conflict.when, missing="")}
        if conflict.pending:
            return (
                _(
                    "Your choices between your version and the one %(who)s saved are kept below; "
                    "they apply when you save again."
                )
                % values
            )
        message = (
            self.conflict_headline(values)
            + " "
            + _(
                "Your changes have not been saved and are still in the form below; the saved "
                "version is unchanged."
            )
        )
        if not self.merge_in_form:
            return message + " " + _("Reload the list to see their change, then edit again.")
        if conflict.unresolved:
            return (
                message + " " + _("Choose theirs or mine for every difference below before saving.")
            )
        # Fields by their label, inline rows by what they are ("Quote"), once each.
        names = list(
            dict.fromkeys(
                item.label if item.kind == "field" else item.label.split(":")[0]
                for item in conflict.items
            )
        )
        if names:
            message += " " + _("The saved version now differs from your form in: %s.") % ", ".join(
                names
            )
        choosable = [item for item in conflict.items if item.needs_choice]
        waiting = [item for item in choosable if not item.default]
        if conflict.three_way and choosable and not waiting:
            return (
                message
                + " "
                + _(
                    "Nobody changed what the other changed: each difference has the side "
                    "that changed it chosen. Check the choices, then save again."
                )
            )
        if conflict.three_way and len(waiting) < len(choosable):
            message += " " + _(
                "Where only one of you changed something, that side is chosen for you."
            )
        return (
            message
            + " "
            + _("For each difference, choose whether to keep theirs or yours, then save again.")
        )

    def conflict_show(self, *, formsets, request=None):
        """Put the differences, with their choices, at the top of the re-rendered form.

        Called by the admin once the inline formsets exist, so their rows
        are compared too. A non-field error rather than a template block:
        every admin using this form gets it, whatever its change-form
        template, and it sits inside the <form> so the choices are posted.
        """
        if not self.merge_in_form or self.instance.pk is None:
            return
        if self.conflict is None:
            if self.merge is None:
                return
            # The merge was complete but another check refused the save.
            saved = self.stored_record()
            base = None
            if self.merge.base != self.merge.stamp:
                base = self.stored_base(saved, self.merge.base)
            self.conflict = self.conflict_describe(self.merge.stamp, saved, base=base)
            self.conflict.pending = True
        conflict = self.conflict
        saved = self._conflict_saved
        conflict.items.extend(
            inline_conflicts(
                formsets,
                who=conflict.who,
                base=conflict.base,
                stored_rows=lambda formset: self.stored_rows(formset, saved),
                repost_added=self.merge_reposts_added_rows,
            )
        )
        if self.merge is not None and self.merge.stamp == conflict.stamp:
            # Nobody has saved since the refusal: what differs beyond the
            # differences it listed is the editor's own typing, not a conflict.
            listed = set(self.merge.keys)
            conflict.items = [i for i in conflict.items if i.key in listed or i.kind == "added"]
        data = self.data.copy()
        data[self.add_prefix(MERGE_TOKEN_FIELD)] = merge_token_make(self.instance, conflict)
        data[self.add_prefix(OPENED_VERSION_FIELD)] = conflict.stamp
        self.data = data
        for item in conflict.items:
            posted = data.get(item.choice_name)
            item.choice = posted if posted in (THEIRS, MINE) else item.default
        panel = render_to_string(
            "admin/includes/conflict.html",
            {
                "conflict": conflict,
                "message": self.conflict_message(),
                "when": newsroom_time_display(conflict.when, missing=_("recently")),
                "THEIRS": THEIRS,
                "MINE": MINE,
                "ONLY_THEIRS": ONLY_THEIRS,
                "ONLY_MINE": ONLY_MINE,
            },
            request=request,
        )
        errors = self._errors.get(NON_FIELD_ERRORS)
        if errors is None:
            errors = self._errors[NON_FIELD_ERRORS] = self.error_class(
                error_class="nonfield", renderer=self.renderer
            )
        errors.data = [e for e in errors.data if getattr(e, "code", None) != EDIT_CONFLICT]
        # Escaped by the template: every value went through word_diff or autoescape.
        errors.data.insert(0, ValidationError(mark_safe(panel), code=EDIT_CONFLICT))


class LockedListForm(LockedModelForm):
    """A change-list row: refused when stale, with no merge in the list itself."""

    merge_in_form = False


class OptimisticLockAdminMixin:
    """Edit-conflict protection for a ModelAdmin: its change form, inlines and list_editable rows."""

    form = LockedModelForm

    def get_changelist_form(self, request, **kwargs):
        # Each editable row carries the stamp it was listed with; the
        # changelist template (templates/admin/change_list.html) renders it.
        kwargs.setdefault("form", LockedListForm)
        return super().get_changelist_form(request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not getattr(request, "_newsroom_recovering", False):
            return form
        return type(form.__name__, (form,), {"lock_disabled": True})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # The hidden version and merge token travel with the first fieldset;
        # admin renders only fields named in fieldsets.
        first_name, first_options = fieldsets[0]
        if not self.has_change_permission(request, obj):
            return fieldsets
        missing = [
            name
            for name in (OPENED_VERSION_FIELD, MERGE_TOKEN_FIELD)
            if name not in first_options["fields"]
        ]
        if missing:
            first_options = {**first_options, "fields": [*first_options["fields"], *missing]}
        return [(first_name, first_options), *fieldsets[1:]]

    def recover_view(self, request, version_id, extra_context=None):
        request._newsroom_recovering = True
        return super().recover_view(request, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            presence.open_notice(request, self.model, object_id)
        elif request.method == "POST":
            self.merge_prepare(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def merge_prepare(self, request, object_id):
        """Write "theirs" into the posted data of a complete merge, before any form is built.

        Only for a merge against the version stored now: after a third
        save the form refuses the token and shows the new differences.
        """
        if not request.POST.get(MERGE_TOKEN_FIELD):
            return  # an ordinary save: no query spent here
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            return
        merge = merge_request_read(request.POST, obj)
        if merge is None or merge.damaged or merge.missing:
            return
        # The form says what its stamp is (a live story's is its draft's).
        stored_form = self.get_form(request, obj, change=True)(instance=obj)
        stamp = (
            stored_form.opened_stamp()
            if isinstance(stored_form, LockedModelForm)
            else record_stamp(obj)
        )
        if merge.stamp != stamp:
            return
        request._newsroom_merge = merge
        theirs = [name for key, name in merge.fields if merge.takes_theirs(key)]
        if not theirs:
            return
        data = request.POST.copy()
        for name in theirs:
            if name in stored_form.fields:
                _posted_replace(data, stored_form[name])
        request.POST = data

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        merge = getattr(request, "_newsroom_merge", None)
        rows = [row for row in merge.rows if row[1] == prefix] if merge else []
        kept = [row for row in merge.kept if row[0] == prefix] if merge else []
        if not (rows or kept) or "data" not in kwargs:
            return kwargs
        data = kwargs["data"]
        formset_class = inline.get_formset(request, obj)
        pk_name = formset_class.model._meta.pk.name
        total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
        posted = {str(data.get(f"{prefix}-{i}-{pk_name}") or ""): i for i in range(total)}
        stored_formset = None
        stored_forms = None
        recreate = set()
        for key, _prefix, pk, kind in rows:
            index = posted.get(pk)
            if index is None:
                continue
            if kind == "gone":
                if merge.takes_theirs(key):
                    data[f"{prefix}-{index}-{DELETION_FIELD_NAME}"] = "on"
                else:
                    recreate.add(index)
                continue
            if not merge.takes_theirs(key):
                continue
            if stored_forms is None:
                stored_formset = formset_class(
                    instance=obj, prefix=prefix, queryset=inline.get_queryset(request)
                )
                stored_forms = {
                    str(form.instance.pk): form for form in stored_formset.initial_forms
                }
            stored = stored_forms.get(pk)
            if stored is None:
                continue
            data.pop(f"{prefix}-{index}-{DELETION_FIELD_NAME}", None)
            for name in stored.fields:
                if (
                    name in (pk_name, DELETION_FIELD_NAME)
                    or _model_field(stored._meta.model, name) is None
                ):
                    continue
                _posted_replace(data, stored[name], html_name=f"{prefix}-{index}-{name}")
        if recreate:
            _formset_rows_to_new(data, prefix, recreate, pk_name)
        if kept:
            if stored_formset is None:
                stored_formset = formset_class(
                    instance=obj, prefix=prefix, queryset=inline.get_queryset(request)
                )
            by_pk = {str(form.instance.pk): form for form in stored_formset.initial_forms}
            unkeyed = stored_formset.extra_forms
            for _prefix, pk, index in kept:
                if pk:
                    stored = by_pk.get(pk)
                else:
                    position = int(index) if index.isdecimal() else -1
                    stored = unkeyed[position] if 0 <= position < len(unkeyed) else None
                if stored is not None:
                    _formset_row_append(data, prefix, stored, pk_name)
        return kwargs

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        form = getattr(adminform, "form", None)
        if isinstance(form, LockedModelForm) and request.method == "POST":
            form.conflict_show(
                formsets=[inline.formset for inline in context.get("inline_admin_formsets", [])],
                request=request,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
