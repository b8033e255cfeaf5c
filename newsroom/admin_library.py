"""The media library in the admin: upload once, describe once, choose from the body editor.

Every picture shown here is a rendition or the metadata-free original,
always at the staff route (``/admin/media/…``, checked against the session
on each request), never at a public address. The focal point is chosen by
clicking on the picture (static/admin/newsroom/library-admin.js).

The chooser (``choose/``) answers an HTML fragment of matching pictures for
the body editor's "Insert image from library" button
(static/admin/newsroom/library-editor.js) and for ``LibraryImageChooser``,
the widget of a foreign key to the library (a story's lead image); like
every admin view it is for signed-in staff only, and it also needs the
permission to view the library.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from newsroom.library import library_image_in_public_use, library_image_renditions
from newsroom.media import staff_media_url
from newsroom.models import LibraryImage

CHOOSER_LIMIT = 30
THUMBNAIL_WIDTH = 480


def library_thumbnail_url(image, *, width=THUMBNAIL_WIDTH):
    """A staff address of the picture about ``width`` wide; the original while renditions are made."""
    jpegs = sorted(
        (item for item in library_image_renditions(image) if item["format"] == "jpg"),
        key=lambda item: item["width"],
    )
    if jpegs:
        fitting = [item for item in jpegs if item["width"] >= width]
        return staff_media_url((fitting[0] if fitting else jpegs[-1])["name"])
    if image.image:
        return staff_media_url(image.image.name)
    return ""


def library_search(queryset, query):
    """Pictures whose alt text, caption or credit contain every word of ``query``."""
    for word in query.split():
        queryset = queryset.filter(
            Q(alt_text__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
        )
    return queryset


class LibraryImageChooser(forms.HiddenInput):
    """A library picture chosen by looking at it: its thumbnail and alt text,
    "Choose from library" (the chooser dialog) and "Remove".

    The value is the picture's id in a hidden input, so the form posts what a
    select would. Rendering reads the chosen picture (one query, none
    without a value).
    """

    template_name = "admin/newsroom/library/chooser_field.html"
    input_type = "hidden"
    # Not hidden in the admin's sense: the field row, label and help show.
    is_hidden = False

    def __init__(self, attrs=None, *, dialog_title=None):
        super().__init__(attrs)
        self.dialog_title = dialog_title or _("Choose a picture from the library")

    @property
    def media(self):
        return forms.Media(
            js=["admin/newsroom/library-chooser.js", "admin/newsroom/library-field.js"],
            css={"all": ["admin/newsroom/library.css"]},
        )

    def _render(self, template_name, context, renderer=None):
        # The project's template engine: the form renderer reads Django's
        # own widget templates only, and this one sits with the admin's.
        return mark_safe(render_to_string(template_name, context))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picture = None
        if value not in (None, "") and str(value).isascii() and str(value).isdecimal():
            picture = LibraryImage.objects.filter(pk=int(value)).first()
        try:
            chooser_url = reverse("admin:newsroom_libraryimage_choose")
        except NoReverseMatch:
            chooser_url = ""
        context["library"] = {
            "picture": picture,
            "thumbnail": library_thumbnail_url(picture) if picture else "",
            "chooser_url": chooser_url,
            "dialog_title": self.dialog_title,
        }
        return context


@admin.register(LibraryImage)
class LibraryImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "caption", "credit", "uploaded_by", "created_at"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    list_filter = ["created_at"]
    readonly_fields = [
        "focal_point_picker",
        "public_use",
        "size",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["image", "alt_text", "caption", "credit"]}),
        (
            _("Focal point"),
            {
                "fields": ["focal_point_picker", "focal_x", "focal_y"],
                "description": _(
                    "Click the subject of the picture: a cropped copy keeps that point in view."
                ),
            },
        ),
        (
            _("Record"),
            {"fields": ["public_use", "size", "uploaded_by", "created_at", "updated_at"]},
        ),
    ]

    class Media:
        js = ["admin/newsroom/library-admin.js"]
        css = {"all": ["admin/newsroom/library.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_alter(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_alter(request, obj)

    def _may_alter(self, request, obj):
        """Whether ``request.user`` may change ``obj`` as readers would see it.

        A picture that public stories show changes them at once, so only
        holders of ``change_public_libraryimage`` (editors) may alter it; a
        writer who could otherwise replace the picture of a live story they
        may not edit would publish alone.
        """
        if obj is None or obj.pk is None:
            return True
        if request.user.has_perm("newsroom.change_public_libraryimage"):
            return True
        # Asked several times for one page; the answer is one query per source.
        known = request.__dict__.setdefault("_library_public_use", {})
        if obj.pk not in known:
            known[obj.pk] = library_image_in_public_use(obj.pk)
        return not known[obj.pk]

    def save_model(self, request, obj, form, change):
        if not change and obj.uploaded_by_id is None:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        url = library_thumbnail_url(obj)
        if not url:
            return "—"
        return format_html(
            '<img class="library-thumbnail" src="{}" alt="" width="120" loading="lazy"'
            ' data-focal-x="{}" data-focal-y="{}">',
            url,
            obj.focal_x,
            obj.focal_y,
        )

    @admin.display(description=_("focal point"))
    def focal_point_picker(self, obj):
        url = library_thumbnail_url(obj, width=800) if obj and obj.pk else ""
        if not url:
            return _("Save the picture first, then click its subject here.")
        return format_html(
            '<div class="library-focal" data-focal-x="{}" data-focal-y="{}">'
            '<img class="library-focal__image" src="{}" alt="{}">'
            '<span class="library-focal__marker" aria-hidden="true"></span></div>',
            obj.focal_x,
            obj.focal_y,
            url,
            obj.alt_text,
        )

    @admin.display(description=_("on public pages"))
    def public_use(self, obj):
        """Said before an edit or a deletion: both show on public stories at once."""
        if not (obj and obj.pk):
            return "—"
        if library_image_in_public_use(obj.pk):
            return _(
                "Shown by a public story: changes here show there at once, and deleting"
                " the picture takes it out of the story, so only editors may do either."
            )
        return _("Not shown by any public story; readers cannot fetch it.")

    @admin.display(description=_("size"))
    def size(self, obj):
        if obj and obj.width and obj.height:
            return f"{obj.width} × {obj.height} px"
        return _("Renditions are being made.") if obj and obj.pk else "—"

    def get_urls(self):
        return [
            path(
                "choose/",
                self.admin_site.admin_view(self.chooser_view),
                name="newsroom_libraryimage_choose",
            ),
            *super().get_urls(),
        ]

    def chooser_view(self, request):
        """The pictures matching ``?q=``, newest first, as a fragment for the body editor."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:200]
        found = library_search(self.get_queryset(request), query)
        picture_id = request.GET.get("id", "")
        if picture_id:
            # One picture, for a field whose value was set from elsewhere.
            found = (
                found.filter(pk=int(picture_id))
                if picture_id.isascii() and picture_id.isdecimal() and len(picture_id) < 19
                else found.none()
            )
        images = list(found[: CHOOSER_LIMIT + 1])
        choices = [
            {"image": image, "thumbnail": library_thumbnail_url(image)}
            for image in images[:CHOOSER_LIMIT]
        ]
        add_url = (
            reverse("admin:newsroom_libraryimage_add") if self.has_add_permission(request) else ""
        )
        response = TemplateResponse(
            request,
            "admin/newsroom/library/chooser_results.html",
            {
                "choices": choices,
                "query": query,
                "more": len(images) > CHOOSER_LIMIT,
                "add_url": add_url,
                "changelist_url": reverse("admin:newsroom_libraryimage_changelist"),
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response
