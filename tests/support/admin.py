"""Posting through the real admin forms, exactly as a browser would."""

from django.urls import reverse
from reversion.models import Version

from newsroom.validation import WARNINGS_CONFIRMED


def change_url(obj):
    """The admin change page of ``obj``."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def admin_form_data(response, **changes):
    """The POST data an admin add/change page would send back untouched.

    Reads the forms and inline formsets from the response context, so a
    test posts through the real admin URL exactly as a browser would;
    ``changes`` then overrides single fields by their HTML name.
    """
    from django.forms import CheckboxInput, MultiWidget
    from taggit.forms import TagWidget

    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(inline.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or getattr(widget, "input_type", None) == "file":
                continue
            if isinstance(widget, CheckboxInput):
                if value:
                    data[key] = "on"
            elif isinstance(widget, MultiWidget):
                parts = value if isinstance(value, list | tuple) else widget.decompress(value)
                for index, (subwidget, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                    data[f"{key}_{index}"] = subwidget.format_value(part) or ""
            elif isinstance(widget, TagWidget):
                data[key] = widget.format_value(value) or ""
            elif isinstance(value, list | tuple):
                data[key] = [str(getattr(item, "pk", item)) for item in value]
            else:
                data[key] = str(getattr(value, "pk", value))
    data.update(changes)
    return data


def post_change(client, obj, *, files=None, **changes):
    """Open ``obj``'s change page and send it back with ``changes`` (and ``files``)."""
    page = client.get(change_url(obj))
    assert page.status_code == 200
    data = admin_form_data(page, **changes)
    data.update(files or {})
    return client.post(change_url(obj), data)


def field_errors(response, name):
    """The errors a re-rendered admin form shows on field ``name``."""
    return response.context["adminform"].form.errors.get(name, [])


def save_change(client, obj, **changes):
    """``post_change`` that must save: the redirect, or a failure naming the form's errors.

    Ticks "Save anyway", as an editor would after reading a warning: tests
    of the warnings themselves post with ``post_change``.
    """
    changes.setdefault(WARNINGS_CONFIRMED, "on")
    response = post_change(client, obj, **changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def versions_of(obj):
    """Every stored revision of ``obj``, oldest first."""
    return list(Version.objects.get_for_object(obj).order_by("pk"))


def restore(client, obj, version):
    """Open ``version`` of ``obj`` in the admin and restore it over the stored record."""
    url = reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_revision", args=[obj.pk, version.pk]
    )
    page = client.get(url)
    assert page.status_code == 200
    current = type(obj)._default_manager.get(pk=obj.pk).version
    return client.post(url, {"opened_version": str(current)})
