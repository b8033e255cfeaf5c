"""Whole-record revisions: what a revision held, two of them side by side, a restore.

The only module that reaches into django-reversion's internals (the
registered options, a version's deserialised object); everything else asks
these functions. A revision holds a record with the inline rows it
``follow``s (an article's quotes, bylines, tags and curated links), and a
restore brings both back as a new revision.
"""

import contextlib
import dataclasses
import datetime
import difflib
import html
import json
import re

import reversion
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django_prose_editor.fields import ProseEditorField
from reversion.errors import RevertError
from reversion.models import Version
from reversion.revisions import _get_options

from newsroom.display import newsroom_time_display


def register(model, *, follow=(), exclude=()):
    """Keep revisions of ``model``, with the inline rows named in ``follow``."""
    if not reversion.is_registered(model):
        reversion.register(model, follow=follow, exclude=exclude)


@contextlib.contextmanager
def recorded(*, user, comment):
    """Everything saved inside is one revision, by ``user``, saying ``comment``."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        yield


def add_to_current(obj):
    """Put ``obj`` into the revision being recorded (after an ``update()``, say)."""
    reversion.add_to_revision(obj)


def versions_of(obj):
    """Every stored revision of ``obj``, newest first, with who saved it."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def last_change(obj):
    """(user name, time) of the latest save of ``obj``, for conflict messages."""
    version = None
    if reversion.is_registered(type(obj)):
        version = versions_of(obj).first()
    user = getattr(obj, "updated_by", None)
    when = getattr(obj, "updated_at", None)
    if version is not None:
        user = version.revision.user or user
        when = version.revision.date_created
    name = (user.get_full_name() or user.get_username()) if user else gettext("someone")
    return name, when


def display_value(field, value):
    """A value of ``field`` as an editor reads it (names, not ids; zones, not UTC; words, not HTML).

    ``value`` is raw: a primary key for a link, a list of them for a
    many-to-many field, the stored string or date otherwise.
    """
    if isinstance(field, ProseEditorField) and value:
        return html_as_text(value)
    return _display_value(field, value)


def _display_value(field, value):
    """A stored value as an editor reads it (names, not ids; zones, not UTC)."""
    if value in (None, "", []):
        return "—"
    if field.many_to_many:
        found = {o.pk: str(o) for o in field.related_model._default_manager.filter(pk__in=value)}
        return ", ".join(
            found.get(
                pk,
                gettext("deleted %(what)s #%(pk)s")
                % {"what": field.related_model._meta.verbose_name, "pk": pk},
            )
            for pk in value
        )
    if field.is_relation:
        found = field.related_model._default_manager.filter(pk=value).first()
        if found is None:
            return gettext("deleted %(what)s #%(pk)s") % {
                "what": field.related_model._meta.verbose_name,
                "pk": value,
            }
        return str(found)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        return newsroom_time_display(value)
    if isinstance(value, FieldFile):
        return value.name or "—"
    return str(value)


# Words, runs of spaces and single punctuation marks: a changed comma is
# highlighted alone, not with the word beside it.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
# The tags after which a reader sees a new line.
_LINE_BREAKS = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|figcaption|tr|ul|ol|table|figure)\s*>|<br\s*/?>|<hr[^>]*>",
    re.IGNORECASE,
)
# Beyond this many tokens a side, difflib's matcher (quadratic at worst)
# compares lines instead of words: a whole book pasted into a body still
# gets its compare page in well under a second.
WORD_DIFF_MAX_TOKENS = 20_000


def html_as_text(value):
    """Rich-text HTML as the words a reader sees, one paragraph a line.

    Only for comparing: the result is plain text and is escaped again
    wherever it is shown.
    """
    text = html.unescape(strip_tags(_LINE_BREAKS.sub("\n", value)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def word_diff(old, new):
    """``old`` and ``new`` as escaped HTML, removed words in <del>, inserted ones in <ins>.

    Both are plain text (staff input, perhaps hostile): every piece is
    escaped, and the only markup in the result is our own <del> and <ins>.
    """
    old, new = str(old), str(new)
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    if max(len(a), len(b)) > WORD_DIFF_MAX_TOKENS:
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, inserted = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal" or (removed.isspace() and inserted.isspace()):
            left.append(escape(removed))
            right.append(escape(inserted))
            continue
        if removed:
            left.append(format_html("<del>{}</del>", removed))
        if inserted:
            right.append(format_html("<ins>{}</ins>", inserted))
    return mark_safe("".join(left)), mark_safe("".join(right))  # every part escaped above


def word_diff_from(base, *others):
    """``base``, and each of ``others``, as escaped HTML marked against ``base``.

    For a three-way view (what a record was, and two later versions of
    it): each of ``others`` has the words it put in <ins>, and ``base`` has
    in <del> the words any of them took out. Returns ``(base_html,
    [other_html, ...])``; escaped as ``word_diff`` escapes.
    """
    base, others = str(base), [str(other) for other in others]
    texts = [base, *others]
    pieces = [_TOKENS.findall(text) for text in texts]
    if max(len(tokens) for tokens in pieces) > WORD_DIFF_MAX_TOKENS:
        pieces = [text.splitlines(keepends=True) for text in texts]
    a, removed, marked = pieces[0], set(), []
    for b in pieces[1:]:
        right = []
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            gone, put = "".join(a[i1:i2]), "".join(b[j1:j2])
            if op == "equal" or (gone.isspace() and put.isspace()):
                right.append(escape(put))
                continue
            removed.update(range(i1, i2))
            if put:
                right.append(format_html("<ins>{}</ins>", put))
        marked.append(mark_safe("".join(right)))  # every part escaped above
    left, run = [], []
    for index, token in enumerate(a):
        if index in removed:
            run.append(token)
            continue
        if run:
            left.append(format_html("<del>{}</del>", "".join(run)))
            run = []
        left.append(escape(token))
    if run:
        left.append(format_html("<del>{}</del>", "".join(run)))
    return mark_safe("".join(left)), marked  # every part escaped above


def list_diff(old, new):
    """Two lists of lines (inline rows) as (html, state) pairs a side.

    Rows only on the left are "removed", only on the right "added"; rows
    that took each other's place are paired and their changed words shown.
    """
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.extend((escape(line), "same") for line in old[i1:i2])
            right.extend((escape(line), "same") for line in new[j1:j2])
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for offset in range(pairs):
            was, now = word_diff(old[i1 + offset], new[j1 + offset])
            left.append((was, "changed"))
            right.append((now, "changed"))
        left.extend(
            (format_html("<del>{}</del>", line), "removed") for line in old[i1 + pairs : i2]
        )
        right.extend((format_html("<ins>{}</ins>", line), "added") for line in new[j1 + pairs : j2])
    return left, right


def _field_values(instance, m2m_data, field_names):
    """Raw values of the versioned fields; M2M as sorted primary keys."""
    values = {}
    for name in field_names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            if m2m_data is None:
                raw = [o.pk for o in getattr(instance, name).all()]
            else:
                raw = m2m_data.get(name, [])
            values[name] = sorted(int(pk) if str(pk).isdigit() else pk for pk in raw)
        else:
            raw = field.value_from_object(instance)
            values[name] = raw.name if isinstance(raw, FieldFile) else raw
    return values


def _follow_relations_of(model):
    """(follow name, child model, FK attname to the parent) for a registered model."""
    result = []
    for name in _get_options(model).follow:
        relation = model._meta.get_field(name)
        result.append((name, relation.related_model, relation.field.attname))
    return result


def _child_summary(child, parent_fk):
    """One line per inline row, built from its versioned fields."""
    options = _get_options(type(child))
    parts = []
    for name in options.fields:
        field = child._meta.get_field(name)
        if field.primary_key or field.attname == parent_fk:
            continue
        parts.append(
            f"{field.verbose_name}: {_display_value(field, getattr(child, field.attname))}"
        )
    return "; ".join(parts)


def revision_snapshot(version):
    """What a revision held for one object: its fields and its inline rows."""
    model = version._model
    deserialized = version._object_version
    names = [n for n in _get_options(model).fields if n != model._meta.pk.name]
    snapshot = {"values": _field_values(deserialized.object, deserialized.m2m_data, names)}
    by_model = {}
    for other in version.revision.version_set.exclude(pk=version.pk):
        try:
            by_model.setdefault(other._model, []).append(other._object_version.object)
        except RevertError:
            continue
    children = {}
    for name, child_model, fk in _follow_relations_of(model):
        rows = [
            o
            for o in by_model.get(child_model, [])
            if str(getattr(o, fk)) == str(version.object_id)
        ]
        children[name] = sorted(_child_summary(o, fk) for o in rows)
    snapshot["children"] = children
    return snapshot


def current_snapshot(obj):
    model = type(obj)
    names = [n for n in _get_options(model).fields if n != model._meta.pk.name]
    snapshot = {"values": _field_values(obj, None, names), "children": {}}
    for name, _child, fk in _follow_relations_of(model):
        snapshot["children"][name] = sorted(_child_summary(o, fk) for o in getattr(obj, name).all())
    return snapshot


def snapshot_compare(model, left, right, *, child_labels=None):
    """Rows for the side-by-side page: label, left, right, changed.

    ``left``/``right`` are the values as text; ``left_html``/``right_html``
    the same, escaped, with the changed words marked (``word_diff``); inline
    rows come as ``left_items``/``right_items`` from ``list_diff``.

    Fields editors cannot edit (stored image sizes, timestamps, the feed id)
    are left out: the revision header already says who saved and when.
    """
    rows = []
    child_labels = child_labels or {}
    for name, left_value in left["values"].items():
        field = model._meta.get_field(name)
        if not field.editable:
            continue
        right_value = right["values"].get(name)
        left_text, right_text = display_value(field, left_value), display_value(field, right_value)
        changed = left_value != right_value
        if changed:
            left_html, right_html = word_diff(left_text, right_text)
        else:
            left_html, right_html = escape(left_text), escape(right_text)
        rows.append(
            {
                "label": field.verbose_name,
                "left": left_text,
                "right": right_text,
                "left_html": left_html,
                "right_html": right_html,
                "changed": changed,
                "multiline": isinstance(field, models.TextField),
            }
        )
    for name, child_model, _fk in _follow_relations_of(model):
        left_rows, right_rows = left["children"][name], right["children"][name]
        left_items, right_items = list_diff(left_rows, right_rows)
        rows.append(
            {
                "label": child_labels.get(name, child_model._meta.verbose_name_plural),
                "is_list": True,
                "left_list": left_rows,
                "right_list": right_rows,
                "left_items": left_items,
                "right_items": right_items,
                "changed": left_rows != right_rows,
            }
        )
    return rows


# How far back a conflict looks for the revision an editor opened: past
# this many saves since, the refusal compares two ways, as it did before
# revisions held the version number.
REVISION_AT_VERSION_SCAN = 200


def _held_version(version):
    """The ``version`` counter the stored revision holds, None when it holds none.

    Read from the JSON itself: a revision stored before the counter was
    recorded deserialises with the field's default, which would pass for
    a real number.
    """
    if version.format != "json":
        return None
    try:
        held = json.loads(version.serialized_data)[0]["fields"].get("version")
    except (ValueError, LookupError, TypeError, AttributeError):
        return None
    return held if isinstance(held, int) and not isinstance(held, bool) else None


def revision_at_version(obj, stamp):
    """The stored revision of ``obj`` saved at version ``stamp`` (its ``version`` counter), or None.

    The newest such revision: a save that leaves the counter alone (derived
    image sizes) records the same number again, with what the row then held.
    None when ``stamp`` is no counter, the model's revisions do not hold
    the counter, or no revision was stored at that version (a record
    imported or made outside a revision).
    """
    model = type(obj)
    if obj.pk is None or not reversion.is_registered(model):
        return None
    if "version" not in _get_options(model).fields:
        return None
    try:
        wanted = int(str(stamp))
    except ValueError:
        return None
    if wanted < 1:
        return None
    for version in versions_of(obj)[:REVISION_AT_VERSION_SCAN]:
        held = _held_version(version)
        # Newest first, and the counter only rises: once below, or at a
        # revision stored before the counter was kept, there is none.
        if held is None or held < wanted:
            return None
        if held == wanted:
            return version
    return None


def saved_by_since(obj, version):
    """Who saved ``obj`` after ``version`` was stored: names, latest first, each once."""
    names = []
    later = versions_of(obj).filter(pk__gt=version.pk)
    for other in later[:REVISION_AT_VERSION_SCAN]:
        user = other.revision.user
        name = (user.get_full_name() or user.get_username()) if user else gettext("someone")
        if name not in names:
            names.append(name)
    return names


def _as_held(value):
    """A value as a revision's JSON holds it: times to the millisecond."""
    if isinstance(value, datetime.datetime | datetime.time) and value.microsecond % 1000:
        return value.replace(microsecond=value.microsecond - value.microsecond % 1000)
    return value


def record_values(obj, names):
    """Raw values of ``names`` on ``obj`` as stored now, comparable with ``revision_held``'s.

    Links as primary keys, many-to-many as sorted keys, files as names,
    times cut to the millisecond as reversion's JSON keeps them.
    """
    return {name: _as_held(value) for name, value in _field_values(obj, None, names).items()}


@dataclasses.dataclass
class HeldRecord:
    """What one stored revision held for a record, raw (see ``record_values``).

    ``values`` by field name; ``rows`` by follow name (an article's
    "quotes"), each ``{row primary key as text: {field name: value}}``. A
    many-to-many field kept through followed rows rather than in the record
    (an article's tags, in its tagged_items) is in ``values`` too. A follow
    whose rows could not all be read is left out of ``rows``.
    """

    version: Version
    values: dict
    rows: dict


def _through_values(model, follows, by_model, object_id):
    """Many-to-many fields left out of the record but kept through followed rows, as sorted keys.

    ``by_model`` holds the revision's readable rows by model: a followed
    model missing from it had no rows then (an article without tags).
    """
    values = {}
    stored = set(_get_options(model).fields)
    for field in model._meta.get_fields():
        if not field.many_to_many or field.auto_created or field.name in stored:
            continue
        through = getattr(field.remote_field, "through", None)
        parent_fk = next((fk for _name, child, fk in follows if child is through), None)
        if through is None or parent_fk is None or by_model.get(through) is None:
            continue
        target = next(
            (
                f
                for f in through._meta.concrete_fields
                if f.is_relation
                and f.related_model is field.related_model
                and f.attname != parent_fk
            ),
            None,
        )
        if target is None:
            continue
        pks = [
            getattr(row, target.attname)
            for row in by_model[through]
            if str(getattr(row, parent_fk)) == str(object_id)
        ]
        values[field.name] = sorted(int(pk) if str(pk).isdigit() else pk for pk in pks)
    return values


def revision_held(version):
    """The record and its followed inline rows as ``version``'s revision stored them; None if unreadable."""
    model = version._model
    try:
        deserialized = version._object_version
    except RevertError:
        return None
    names = [n for n in _get_options(model).fields if n != model._meta.pk.name]
    try:
        values = _field_values(deserialized.object, deserialized.m2m_data, names)
    except (LookupError, ValueError, TypeError):
        return None
    follows = _follow_relations_of(model)
    child_models = {child for _name, child, _fk in follows}
    by_model, unreadable = {}, set()
    for other in version.revision.version_set.exclude(pk=version.pk):
        other_model = other._model
        if other_model not in child_models:
            continue
        try:
            by_model.setdefault(other_model, []).append(other._object_version)
        except RevertError:
            unreadable.add(other_model)
    objects = {
        child: None if child in unreadable else [d.object for d in by_model.get(child, [])]
        for child in child_models
    }
    values.update(_through_values(model, follows, objects, version.object_id))
    rows = {}
    for name, child_model, fk in follows:
        if child_model in unreadable:
            continue
        child_names = [
            n for n in _get_options(child_model).fields if n != child_model._meta.pk.name
        ]
        rows[name] = {
            str(row.object.pk): _field_values(row.object, row.m2m_data, child_names)
            for row in by_model.get(child_model, [])
            if str(getattr(row.object, fk)) == str(version.object_id)
        }
    return HeldRecord(version=version, values=values, rows=rows)


class RestoreRefused(Exception):
    pass


def _missing_references(deserialized, *, label):
    """Clear dangling optional links in place; return (blocking, notes) messages.

    ``label`` is the stored description: the object itself may not print
    once a record it points to is gone.
    """
    obj = deserialized.object
    label = f"{obj._meta.verbose_name} “{label}”"
    blocking, notes = [], []
    for field in obj._meta.concrete_fields:
        if not field.is_relation:
            continue
        value = getattr(obj, field.attname)
        if value is None or field.related_model._default_manager.filter(pk=value).exists():
            continue
        what = gettext("%(what)s #%(pk)s, which has been deleted") % {
            "what": field.related_model._meta.verbose_name,
            "pk": value,
        }
        if field.null:
            setattr(obj, field.attname, None)
            notes.append(
                gettext("%(obj)s: left %(field)s empty (%(what)s).")
                % {"obj": label, "field": field.verbose_name, "what": what}
            )
        else:
            blocking.append(
                gettext("%(obj)s was not restored: it points to %(what)s.")
                % {"obj": label, "what": what}
            )
    for name, pks in list((deserialized.m2m_data or {}).items()):
        field = obj._meta.get_field(name)
        existing = set(
            field.related_model._default_manager.filter(pk__in=pks).values_list("pk", flat=True)
        )
        gone = [pk for pk in pks if int(pk) not in existing]
        if gone:
            deserialized.m2m_data[name] = [pk for pk in pks if int(pk) in existing]
            notes.append(
                gettext("%(obj)s: %(field)s left out: %(what)s #%(pks)s, deleted since.")
                % {
                    "obj": label,
                    "field": field.verbose_name,
                    "what": field.related_model._meta.verbose_name,
                    "pks": ", #".join(str(pk) for pk in gone),
                }
            )
    return blocking, notes


@transaction.atomic
def revision_restore(*, version, user, keep_current=()):
    """Bring an object and its inline rows back to ``version``; a new revision.

    Fields named in ``keep_current`` keep the values the record has now
    (a story's status and publication times: restoring old words must not
    publish or unpublish it).

    Rows added since are removed, rows from the revision are written back.
    A row that points to a record deleted since (a quote by a deleted person)
    is skipped and named in the returned notes, instead of failing the whole
    restore at commit time on a foreign key.
    """
    model = version._model
    obj = model._default_manager.select_for_update().filter(pk=version.object_id).first()
    if obj is None:
        raise RestoreRefused(gettext("This record no longer exists."))
    follow = _follow_relations_of(model)
    child_models = {child for _name, child, _fk in follow}
    root, children = None, []
    for other in version.revision.version_set.all():
        other_model = other._model
        if other_model is model and str(other.object_id) == str(version.object_id):
            root = other._object_version
        elif other_model in child_models:
            deserialized = other._object_version
            fk = next(f for _n, c, f in follow if c is other_model)
            if str(getattr(deserialized.object, fk)) == str(version.object_id):
                children.append((other.object_repr, deserialized))
    if root is None:
        raise RestoreRefused(gettext("This revision does not hold the record itself."))
    for name in keep_current:
        field = model._meta.get_field(name)
        setattr(root.object, field.attname, getattr(obj, field.attname))
    blocking, notes = _missing_references(root, label=version.object_repr)
    if blocking:
        raise RestoreRefused(" ".join(blocking))
    keep = {(type(d.object), str(d.object.pk)) for _label, d in children}
    comment = gettext("Restored the version saved %(when)s.") % {
        "when": newsroom_time_display(version.revision.date_created)
    }
    with recorded(user=user, comment=comment):
        for name, _child, _fk in follow:
            for row in getattr(obj, name).all():
                if (type(row), str(row.pk)) not in keep:
                    row.delete()
        try:
            with transaction.atomic():
                root.save()
        except IntegrityError as error:
            raise RestoreRefused(
                gettext("The old version clashes with another record (%s).") % error
            ) from None
        for label, deserialized in children:
            child_blocking, child_notes = _missing_references(deserialized, label=label)
            notes.extend(child_notes)
            if child_blocking:
                notes.extend(child_blocking)
                continue
            try:
                with transaction.atomic():
                    deserialized.save()
            except IntegrityError:
                notes.append(
                    gettext("%(obj)s was not restored: it clashes with a current record.")
                    % {"obj": label}
                )
        restored = model._default_manager.get(pk=obj.pk)
        reversion.add_to_revision(restored)
    return restored, notes
