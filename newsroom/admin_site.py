"""The admin site: Django's own, with choosers that say who is who.

A person chooser listing bare names ("Kim" gave two Kims and no way to tell
them apart) let editors pick the wrong official. Records that define
``autocomplete_label()`` are listed by it, e.g. "Kim Young-tae (김영태) —
President, Yonsei University"; ``autocomplete_rows(queryset)`` on the model
fetches what the labels read, so a page of choices stays one or two queries.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


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

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
