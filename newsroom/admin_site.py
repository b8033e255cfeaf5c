"""The admin site: Django's own, with choosers that say who is who.

A person chooser listing bare names ("Kim" gave two Kims and no way to tell
them apart) let editors pick the wrong official. Records that define
``autocomplete_label()`` are listed by it, e.g. "Kim Young-tae (김영태) —
President, Yonsei University"; ``autocomplete_rows(queryset)`` on the model
fetches what the labels read, so a page of choices stays one or two queries.

Every model's add and change form also keeps what the editor types
(newsroom/autosave.py) and tells who else has the record open
(newsroom/presence.py); the site wires both in, so no admin has to opt in.
Likewise every admin and inline registered here refuses related ids that no
record can have (``?section=abc``, an id past 64 bits) on the field or with
the list's "?e=1", rather than failing (newsroom/validation.py).
"""

import functools

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.urls import path

from newsroom import autosave, presence, validation


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def get_queryset(self):
        queryset = super().get_queryset()
        rows = getattr(queryset.model, "autocomplete_rows", None)
        return rows(queryset) if rows else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(obj, "autocomplete_label", None)
        if callable(label):
            result["text"] = label()
        return result


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Communications office"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = validation.fitting_admin(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def admin_view(self, view, cacheable=False):
        # ModelAdmin.get_urls passes its bound add_view and change_view here.
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin) and view.__name__ in (
            "add_view",
            "change_view",
        ):
            view = autosave.form_view_wrap(view, model_admin)
        return super().admin_view(view, cacheable)

    def get_urls(self):
        def endpoint(view, **bound):
            return self.admin_view(functools.partial(view, admin_site=self, **bound))

        return [
            # Ahead of Django's own: its app-index pattern would answer first.
            path(
                "form-drafts/<str:model_label>/add/",
                endpoint(autosave.store_view),
                name="newsroom-autosave-add",
            ),
            path(
                "form-drafts/<str:model_label>/add/discard/",
                endpoint(autosave.discard_view),
                name="newsroom-autosave-add-discard",
            ),
            path(
                "form-drafts/<str:model_label>/<str:object_id>/",
                endpoint(autosave.store_view),
                name="newsroom-autosave-change",
            ),
            path(
                "form-drafts/<str:model_label>/<str:object_id>/discard/",
                endpoint(autosave.discard_view),
                name="newsroom-autosave-change-discard",
            ),
            path(
                "presence/<str:model_label>/<str:object_id>/",
                endpoint(presence.heartbeat_view),
                name="newsroom-presence",
            ),
            path(
                "presence/<str:model_label>/<str:object_id>/left/",
                endpoint(presence.left_view),
                name="newsroom-presence-left",
            ),
            *super().get_urls(),
        ]
