"""What an editor has typed into an admin form, kept on the server while they type.

static/admin/newsroom/autosave.js posts the form's fields a few seconds after
the last keystroke (and when a field loses focus); they are kept as one
``FormAutosave`` row per person and form, dropped when that form is saved.
When the person comes back to the form and the kept fields differ from what
the page shows, the page offers them back ("Restore what you typed"); filling
the form happens in the browser, so nothing here has to understand widgets.

It is a safety net for one person's typing, not a revision: nobody else sees
it, and restoring it changes nothing until the form is saved as usual. The
draft keeps the version of the record it was typed over, and restoring puts
that version back in the form, so a record saved by someone else in between
is caught by the edit-conflict check (newsroom/locking.py) rather than
overwritten.

The fields arrive as JSON: a list of ``[name, value]`` or
``[name, value, label]`` entries in the form's order, where ``value`` is a
string, a boolean (a checkbox's ticked state) or a list of strings (a
multiple choice), and ``label`` the shown text of a chosen option, which
restoring needs for choosers that load their options on demand.
"""

import functools
import json

from django.apps import apps
from django.contrib.admin.utils import quote, unquote
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from newsroom import locking, presence
from newsroom.display import newsroom_time_display
from newsroom.models import FormAutosave

# The longest story body we hold is about 120,000 characters; a form with
# several such fields still fits, and nothing larger is a form's typing.
MAX_DRAFT_CHARS = 1_000_000
MAX_FIELDS = 2_000
MAX_NAME_CHARS = 200
# FormAutosave.object_id and opened_version are 64 characters.
MAX_KEY_CHARS = 64


class DraftRefused(ValueError):
    """The posted draft is not a form's fields; the message says what is wrong."""


def _text_fits(text):
    # PostgreSQL's jsonb cannot hold NUL, and a lone surrogate (from broken
    # pasted text) cannot be encoded for it: either would be a 500 later.
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain_value(value, *, allow_bool=True):
    if isinstance(value, bool):
        return allow_bool
    if isinstance(value, str):
        return _text_fits(value)
    if isinstance(value, list):
        return len(value) <= MAX_FIELDS and all(
            isinstance(item, str) and _text_fits(item) for item in value
        )
    return False


def draft_fields_parse(raw):
    """The typed fields from the posted JSON text, or ``DraftRefused`` saying why not."""
    if not raw:
        raise DraftRefused(_("No typed fields arrived."))
    if len(raw) > MAX_DRAFT_CHARS:
        raise DraftRefused(
            _("The typed fields are too large to keep (over %(limit)s characters).")
            % {"limit": f"{MAX_DRAFT_CHARS:,}"}
        )
    try:
        fields = json.loads(raw)
    except ValueError:
        raise DraftRefused(_("The typed fields did not arrive as JSON.")) from None
    except RecursionError:
        # Lists nested thousands deep: no form sends that, and the parser gives up.
        raise DraftRefused(_("The typed fields are nested too deeply to be a form's.")) from None
    if not isinstance(fields, list):
        raise DraftRefused(_("The typed fields must be a list of [name, value] entries."))
    if len(fields) > MAX_FIELDS:
        raise DraftRefused(
            _("A form has at most %(limit)s fields to keep.") % {"limit": f"{MAX_FIELDS:,}"}
        )
    kept = []
    for entry in fields:
        if not isinstance(entry, list) or len(entry) not in (2, 3):
            raise DraftRefused(_("Each typed field must be a [name, value] entry."))
        name, value, *label = entry
        if not isinstance(name, str) or not name or len(name) > MAX_NAME_CHARS:
            raise DraftRefused(_("A typed field arrived without a usable name."))
        if not _text_fits(name) or not _plain_value(value):
            raise DraftRefused(
                _("The field %(name)s holds a value that cannot be kept.") % {"name": name[:80]}
            )
        if label and not _plain_value(label[0], allow_bool=False):
            raise DraftRefused(
                _("The field %(name)s holds a label that cannot be kept.") % {"name": name[:80]}
            )
        if "password" in name:
            # Passwords stay in the browser (the script never sends them).
            continue
        kept.append(entry)
    return kept


def _leading_number(stamp):
    head = stamp.split("-", 1)[0]
    return int(head) if head.isascii() and head.isdecimal() and len(head) <= 19 else None


def opened_before_a_save(*, obj, opened_version):
    """Whether a change form opened at ``opened_version`` has been saved over since.

    A form's stamp (newsroom/locking.py) is the record's version, or a digest
    of its row for records without one; a live story's form adds its draft's
    to the version ("12-3.4"). A stamp whose version is below the stored one,
    or a digest that differs, was typed over a record that has been saved
    since. Stamps this cannot read (none, or an unknown shape) count as current.
    """
    if obj is None or not opened_version:
        return False
    current = locking.record_stamp(obj)
    if not current or opened_version == current:
        return False
    stored, opened = _leading_number(current), _leading_number(opened_version)
    if stored is not None:
        return opened is not None and opened < stored
    return True


def autosave_store(*, user, model, object_id, fields, opened_version, now=None):
    """Keep ``fields`` as ``user``'s draft of this form (``object_id`` "" for an add form)."""
    draft, _created = FormAutosave.objects.update_or_create(
        user=user,
        model_label=model._meta.label_lower,
        object_id=object_id,
        defaults={
            "fields": fields,
            "opened_version": opened_version,
            "saved_at": now or timezone.now(),
        },
    )
    return draft


def autosave_discard(*, user, model, object_id):
    FormAutosave.objects.filter(
        user=user, model_label=model._meta.label_lower, object_id=object_id
    ).delete()


def autosave_for_form(*, user, model, object_id):
    return FormAutosave.objects.filter(
        user=user, model_label=model._meta.label_lower, object_id=object_id
    ).first()


# Endpoints -------------------------------------------------------------------


def _refused(message, status):
    return JsonResponse({"error": message}, status=status)


def _form_target(request, admin_site, model_label, object_id):
    """The model, draft key and record of a form this user may fill, or the refusal to send."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        model = None
    model_admin = admin_site._registry.get(model)
    if model_admin is None:
        return None, None, None, _refused(_("No such kind of record."), 404)
    if object_id is None:
        if not model_admin.has_add_permission(request):
            return None, None, None, _refused(_("You may not add this kind of record."), 403)
        return model, "", None, None
    obj = None
    if len(object_id) <= MAX_KEY_CHARS:
        obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        return None, None, None, _refused(_("No such record: it may have been deleted."), 404)
    if not model_admin.has_change_permission(request, obj):
        return None, None, None, _refused(_("You may not change this record."), 403)
    return model, str(obj.pk), obj, None


@require_POST
def store_view(request, *, admin_site, model_label, object_id=None):
    """Keep the posted form fields as this user's draft of the form.

    Refused (409) when the record has been saved since the form was opened:
    an autosave sent as the form was being saved ("Save and continue" after
    leaving a field) could land after the save had dropped the draft, and
    put back a stale one the next page then offered as unsaved typing.
    """
    model, key, obj, refusal = _form_target(request, admin_site, model_label, object_id)
    if refusal:
        return refusal
    opened_version = request.POST.get("opened_version", "")
    try:
        if len(opened_version) > MAX_KEY_CHARS:
            raise DraftRefused(_("The form's version number is not one we issued."))
        fields = draft_fields_parse(request.POST.get("fields", ""))
    except DraftRefused as refused:
        return _refused(str(refused), 400)
    if opened_before_a_save(obj=obj, opened_version=opened_version):
        return _refused(
            _(
                "The record was saved after this form was opened (by you or someone else), "
                "so what you type here is no longer kept as you go. Save to see how it "
                "differs from what is stored."
            ),
            409,
        )
    draft = autosave_store(
        user=request.user,
        model=model,
        object_id=key,
        fields=fields,
        opened_version=opened_version,
    )
    when = newsroom_time_display(draft.saved_at)
    return JsonResponse(
        {
            "saved_at": draft.saved_at.isoformat(),
            "message": _("What you typed was kept at %(when)s; it is not saved yet.")
            % {"when": when},
        }
    )


@require_POST
def discard_view(request, *, admin_site, model_label, object_id=None):
    """Forget this user's draft of the form."""
    model, key, _obj, refusal = _form_target(request, admin_site, model_label, object_id)
    if refusal:
        return refusal
    autosave_discard(user=request.user, model=model, object_id=key)
    return JsonResponse({"discarded": True})


# The admin's add and change views ------------------------------------------------


def _form_saved(request, response):
    """Whether an add/change POST saved: the admin redirects, or answers a popup."""
    if request.method != "POST":
        return False
    if 300 <= response.status_code < 400:
        return True
    names = getattr(response, "template_name", None) or []
    names = [names] if isinstance(names, str) else names
    return any(str(name).endswith("popup_response.html") for name in names)


def _form_stamp(context, original):
    """The version the form opens with now: the record's, or its draft's (a live story)."""
    form = getattr(context.get("adminform"), "form", None)
    field = form.fields.get(locking.OPENED_VERSION_FIELD) if form is not None else None
    if field is not None and field.initial:
        return str(field.initial)
    return locking.record_stamp(original)


def _form_context(request, model_admin, context):
    """The autosave and presence settings the change form template renders."""
    opts = model_admin.model._meta
    original = context.get("original")
    adding = context.get("add") and original is None
    allowed = context.get("has_add_permission" if adding else "has_change_permission")
    name = f"admin:newsroom-autosave-{'add' if adding else 'change'}"
    args = [opts.label_lower] if adding else [opts.label_lower, quote(original.pk)]
    extra = {}
    if allowed:
        setting = {
            "store_url": reverse(name, args=args),
            "discard_url": reverse(f"{name}-discard", args=args),
            # A re-rendered, refused form holds typing that is not saved.
            "unsaved": request.method == "POST",
            "draft": None,
        }
        draft = None
        if request.method == "GET":
            key = "" if adding else str(original.pk)
            draft = autosave_for_form(user=request.user, model=model_admin.model, object_id=key)
        if draft is not None:
            # Forms without the lock's hidden version (the user admin) keep none.
            record_changed = (
                not adding
                and bool(draft.opened_version)
                and draft.opened_version != _form_stamp(context, original)
            )
            setting["draft"] = {
                "fields": draft.fields,
                "opened_version": draft.opened_version,
                "saved_at": newsroom_time_display(draft.saved_at),
                "record_changed": record_changed,
            }
        extra["newsroom_autosave"] = setting
    if not adding and original is not None:
        extra["newsroom_presence"] = {
            "heartbeat_url": reverse("admin:newsroom-presence", args=args),
            "left_url": reverse("admin:newsroom-presence-left", args=args),
            "interval_seconds": presence.HEARTBEAT_SECONDS,
        }
    return extra


def form_view_wrap(view, model_admin):
    """Wrap a ModelAdmin's add or change view: drafts dropped on save, offered on return.

    Done from the admin site (newsroom/admin_site.py) so that every model's
    form takes part without each admin opting in.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if _form_saved(request, response):
            object_id = kwargs.get("object_id", args[0] if args else None)
            autosave_discard(
                user=request.user,
                model=model_admin.model,
                object_id="" if object_id is None else unquote(object_id),
            )
        elif (
            getattr(response, "context_data", None) is not None
            and not getattr(response, "is_rendered", True)
            and "adminform" in response.context_data
        ):
            response.context_data.update(_form_context(request, model_admin, response.context_data))
        return response

    return wrapped
