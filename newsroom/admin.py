"""Admin bases every app's record admins share: history, compare, restore, edit conflicts."""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from reversion.admin import VersionAdmin
from reversion.errors import RevertError

from newsroom import revisions
from newsroom.display import newsroom_time_display
from newsroom.locking import OPENED_VERSION_FIELD, OptimisticLockAdminMixin, record_stamp
from newsroom.validation import AddressInitialAdminMixin, SaneDatesAdminMixin, WarningsAdminMixin


class SlugPreviewAdminMixin:
    """The slug a record's name gets, made on the server and shown as the name is typed.

    No ``prepopulated_fields``: Django's browser slug maker drops Korean
    letters ("김철수" gave an empty slug). static/admin/newsroom/slug.js asks
    ``slug_view`` instead, and the form makes the same slug on saving when the
    field is left empty. ``slug_free`` says how the app makes a free slug.
    """

    class Media:
        js = ["admin/newsroom/slug.js"]

    def slug_free(self, text, *, exclude_pk):
        raise NotImplementedError

    def get_urls(self):
        opts = self.model._meta
        return [
            # Before the admin's own "<path:object_id>/", which would take it.
            path(
                "slug/",
                self.admin_site.admin_view(self.slug_view),
                name=f"{opts.app_label}_{opts.model_name}_slug",
            ),
            *super().get_urls(),
        ]

    def slug_view(self, request):
        """The slug a name (``?headline=``, as slug.js asks) gets, as saving would make it, as JSON."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        exclude = request.GET.get("exclude", "")
        slug = self.slug_free(
            request.GET.get("headline", "")[:1000],
            exclude_pk=int(exclude) if exclude.isascii() and exclude.isdecimal() else None,
        )
        response = JsonResponse({"slug": slug})
        response["Cache-Control"] = "private, no-store"
        return response


class RevisionAdminMixin:
    """History with side-by-side compare and a restore that keeps everything."""

    object_history_template = "admin/newsroom/object_history.html"
    compare_template = "admin/newsroom/revision_compare.html"
    compare_child_labels = {}
    history_latest_first = True

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {"newsroom_versions": list(revisions.versions_of(obj)) if obj else []}
        context.update(self.history_extra_context(request, obj))
        context.update(extra_context or {})
        return super().history_view(request, object_id, context)

    def history_extra_context(self, request, obj):
        return {}

    def _compare_side(self, obj, key):
        if key in (None, "", "current"):
            return gettext("Current"), revisions.current_snapshot(obj), None
        version = revisions.versions_of(obj).filter(pk=key).first()
        if version is None:
            raise Http404(gettext("No such revision of this record."))
        who = version.revision.user
        label = gettext("Saved %(when)s by %(who)s") % {
            "when": newsroom_time_display(version.revision.date_created),
            "who": who.get_username() if who else gettext("someone"),
        }
        return label, revisions.revision_snapshot(version), version

    def compare_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such record."))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        left_key, right_key = request.GET.get("a"), request.GET.get("b", "current")
        if not (left_key or "").isdigit() or not (right_key == "current" or right_key.isdigit()):
            raise Http404(gettext("Choose two revisions to compare."))
        return self._compare_response(request, obj, left_key, right_key, extra_context)

    def _compare_response(self, request, obj, left_key, right_key, extra_context=None):
        try:
            left_label, left, left_version = self._compare_side(obj, left_key)
            right_label, right, _right_version = self._compare_side(obj, right_key)
        except RevertError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self._history_url(obj))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": obj,
            "object_id": quote(obj.pk),
            "title": gettext("Compare versions of %s") % obj,
            "left_label": left_label,
            "right_label": right_label,
            "rows": revisions.snapshot_compare(
                self.model, left, right, child_labels=self.compare_child_labels
            ),
            "restore_version": left_version if right_key == "current" else None,
            "restore_options": self.restore_options(request, obj),
            "restore_note": self.restore_note,
            "can_restore": self.has_change_permission(request, obj),
            "opened_version": record_stamp(obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.compare_template, context)

    def _history_url(self, obj):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(obj.pk)])

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One revision against the current state; POST restores it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such record."))
        version = get_object_or_404(revisions.versions_of(obj), pk=version_id)
        if request.method != "POST":
            if not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
            return self._compare_response(request, obj, str(version.pk), "current", extra_context)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.POST.get(OPENED_VERSION_FIELD) != record_stamp(obj):
            messages.error(
                request,
                gettext(
                    "Someone saved this record after you opened the comparison; "
                    "look at the current version again before restoring."
                ),
            )
            return HttpResponseRedirect(request.path)
        before = self.model._default_manager.get(pk=obj.pk)
        keep_current = self.restore_keeps_current(request, obj)
        if keep_current is None:
            raise PermissionDenied
        try:
            restored, notes = revisions.revision_restore(
                version=version, user=request.user, keep_current=keep_current
            )
        except (revisions.RestoreRefused, RevertError) as error:
            messages.error(request, gettext("Not restored: %s") % error)
            return HttpResponseRedirect(request.path)
        self.restore_done(request, before=before, after=restored)
        messages.success(
            request,
            gettext("Restored the version saved %s, as a new revision.")
            % newsroom_time_display(version.revision.date_created),
        )
        for note in notes:
            messages.warning(request, note)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
        )

    def restore_keeps_current(self, request, obj):
        """Fields a restore leaves as they are now, or None to refuse it."""
        return ()

    def restore_options(self, request, obj):
        """Extra choices offered beside the restore button, as (name, label) pairs."""
        return []

    restore_note = ""

    def restore_done(self, request, *, before, after):
        """Hook for records that note more than a revision (article status)."""


class NewsroomVersionAdmin(
    WarningsAdminMixin,
    AddressInitialAdminMixin,
    SaneDatesAdminMixin,
    OptimisticLockAdminMixin,
    RevisionAdminMixin,
    VersionAdmin,
):
    """Revisions, compare/restore and edit-conflict protection in one base."""


class NewsroomUserAdmin(UserAdmin):
    """Accounts, with superuser powers granted and touched only by superusers.

    Django's own user admin lets anyone with the change-user permission (our
    Administrator role) tick "superuser status", their own included. Here
    the flag is read-only for them, and superuser accounts (whose password
    they could otherwise reset) are theirs to view, not to change or delete.
    """

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, id)
        if target is not None and not self.has_change_permission(request, target):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), NewsroomUserAdmin)

# The media library's admin lives in its own room; importing it registers it.
from newsroom import admin_library  # noqa: E402, F401
