import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.revisions import _get_options
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles import previews, workflow
from articles.locking import LockedModelForm, OptimisticLockAdminMixin, describe_moment
from articles.models import (
    Article,
    ArticleStatus,
    ArticleStatusChange,
    Byline,
    PreviewLink,
    Quote,
    RelatedArticle,
    Section,
    TaggedArticle,
)

# Whole-story revisions: the article with everything that hangs off it. The
# tag manager and the curated M2M are left out of the article's own fields
# because their rows (tagged_items, curated_links) are followed instead.
reversion.register(Quote)
reversion.register(Byline)
reversion.register(RelatedArticle)
reversion.register(TaggedArticle)
reversion.register(
    Article,
    exclude=("tags", "related_articles", "version"),
    follow=("quotes", "bylines", "tagged_items", "curated_links"),
)


# Revisions: compare any two, restore one -------------------------------------


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
        return workflow.newsroom_time_display(value)
    if isinstance(value, FieldFile):
        return value.name or "—"
    return str(value)


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
        rows.append(
            {
                "label": field.verbose_name,
                "left": _display_value(field, left_value),
                "right": _display_value(field, right_value),
                "changed": left_value != right_value,
                "multiline": isinstance(field, models.TextField),
            }
        )
    for name, child_model, _fk in _follow_relations_of(model):
        left_rows, right_rows = left["children"][name], right["children"][name]
        rows.append(
            {
                "label": child_labels.get(name, child_model._meta.verbose_name_plural),
                "is_list": True,
                "left_list": left_rows,
                "right_list": right_rows,
                "changed": left_rows != right_rows,
            }
        )
    return rows


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
def revision_restore(*, version, user):
    """Bring an object and its inline rows back to ``version``; a new revision.

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
    blocking, notes = _missing_references(root, label=version.object_repr)
    if blocking:
        raise RestoreRefused(" ".join(blocking))
    keep = {(type(d.object), str(d.object.pk)) for _label, d in children}
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            gettext("Restored the version saved %(when)s.")
            % {"when": describe_moment(version.revision.date_created)}
        )
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

    def _versions(self, obj):
        return (
            Version.objects.get_for_object(obj)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {"newsroom_versions": list(self._versions(obj)) if obj else []}
        context.update(self.history_extra_context(request, obj))
        context.update(extra_context or {})
        return super().history_view(request, object_id, context)

    def history_extra_context(self, request, obj):
        return {}

    def _compare_side(self, obj, key):
        if key in (None, "", "current"):
            return gettext("Current"), current_snapshot(obj), None
        version = (
            Version.objects.get_for_object(obj)
            .select_related("revision__user")
            .filter(pk=key)
            .first()
        )
        if version is None:
            raise Http404(gettext("No such revision of this record."))
        who = version.revision.user
        label = gettext("Saved %(when)s by %(who)s") % {
            "when": describe_moment(version.revision.date_created),
            "who": who.get_username() if who else gettext("someone"),
        }
        return label, revision_snapshot(version), version

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
            "rows": snapshot_compare(
                self.model, left, right, child_labels=self.compare_child_labels
            ),
            "restore_version": left_version if right_key == "current" else None,
            "can_restore": self.has_change_permission(request, obj),
            "lock_version": getattr(obj, "version", None),
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
        version = get_object_or_404(
            Version.objects.get_for_object(obj).select_related("revision"), pk=version_id
        )
        if request.method != "POST":
            if not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
            return self._compare_response(request, obj, str(version.pk), "current", extra_context)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if hasattr(obj, "version") and request.POST.get("lock_version") != str(obj.version):
            messages.error(
                request,
                gettext(
                    "Someone saved this record after you opened the comparison; "
                    "look at the current version again before restoring."
                ),
            )
            return HttpResponseRedirect(request.path)
        before = self.model._default_manager.get(pk=obj.pk)
        try:
            restored, notes = revision_restore(version=version, user=request.user)
        except (RestoreRefused, RevertError) as error:
            messages.error(request, gettext("Not restored: %s") % error)
            return HttpResponseRedirect(request.path)
        self.restore_done(request, before=before, after=restored)
        messages.success(
            request,
            gettext("Restored the version saved %s, as a new revision.")
            % describe_moment(version.revision.date_created),
        )
        for note in notes:
            messages.warning(request, note)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
        )

    def restore_done(self, request, *, before, after):
        """Hook for records that note more than a revision (article status)."""


class NewsroomVersionAdmin(OptimisticLockAdminMixin, RevisionAdminMixin, VersionAdmin):
    """Revisions, compare/restore and edit-conflict protection in one base."""


# The review queue on the admin index ---------------------------------------


def review_queue_context(user):
    if not workflow.user_can_publish(user):
        return {}
    queue = workflow.review_queue()
    return {"review_queue": queue[:20], "review_queue_count": queue.count()}


_default_index = admin.site.index


def index_with_review_queue(request, extra_context=None):
    """The default site's index, given the editors' review queue.

    Wrapping the bound view keeps ``admin.site`` the stock AdminSite that
    every app registers with.
    """
    context = {**review_queue_context(request.user), **(extra_context or {})}
    return _default_index(request, extra_context=context)


admin.site.index = index_with_review_queue


# Admins ---------------------------------------------------------------------


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order"]


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "text", "speaker_title", "order"]


class RelatedArticleInline(admin.TabularInline):
    model = RelatedArticle
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["related"]
    fields = ["related", "order"]
    verbose_name = _("curated related article")
    verbose_name_plural = _("curated related articles (shown before computed suggestions)")


class PreviewLinkForm(forms.ModelForm):
    revoke = forms.BooleanField(
        label=_("revoke"), required=False, help_text=_("Tick and save to withdraw the link.")
    )

    class Meta:
        model = PreviewLink
        fields = ["recipient", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["expires_at"].initial = previews.preview_link_default_expiry()
        self.fields["expires_at"].help_text = _(
            "In %(zone)s. Seven days unless you choose otherwise."
        ) % {"zone": workflow.newsroom_zone_label()}

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if "expires_at" in self.changed_data and expires_at <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return expires_at

    def save(self, commit=True):
        if self.cleaned_data.get("revoke") and self.instance.revoked_at is None:
            self.instance.revoked_at = timezone.now()
        return super().save(commit=commit)


class PreviewLinkInline(admin.TabularInline):
    """Links for a journalist under embargo or an official checking a quote."""

    model = PreviewLink
    form = PreviewLinkForm
    extra = 0
    fields = ["recipient", "expires_at", "link", "state", "created_by", "revoke"]
    readonly_fields = ["link", "state", "created_by"]
    verbose_name = _("preview link")
    verbose_name_plural = _("preview links (read without login until they expire or are revoked)")

    @admin.display(description=_("address to send"))
    def link(self, obj):
        if not obj.pk:
            return _("Save to create the address.")
        url = previews.preview_link_url(obj)
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    @admin.display(description=_("state"))
    def state(self, obj):
        if not obj.pk:
            return "—"
        if obj.revoked_at:
            return _("revoked %s") % workflow.newsroom_time_display(obj.revoked_at)
        if not obj.is_valid():
            return _("expired")
        return _("valid")


class ArticleAdminForm(LockedModelForm):
    """Server-side workflow rules; the hidden widgets are not the only guard."""

    can_publish = False

    class Meta:
        model = Article
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status", self.instance.status)
        if not self.can_publish:
            if status == ArticleStatus.PUBLISHED:
                self.add_error("status", _("Only an editor can publish a story."))
            # These fields are read-only for writers, so a value in the POST
            # was typed into a crafted request: refuse it rather than ignore it.
            crafted = [
                key
                for key in self.data
                for name in workflow.PUBLISHING_FIELDS
                if key in (name, f"{name}_0", f"{name}_1") and self.data.get(key)
            ]
            if crafted:
                raise forms.ValidationError(
                    _("Only an editor can schedule, publish or embargo a story."),
                    code="publishing_not_allowed",
                )
        if status == ArticleStatus.PUBLISHED:
            candidate = Article(
                headline=cleaned.get("headline", ""),
                body=cleaned.get("body", ""),
                lead_image=cleaned.get("lead_image", self.instance.lead_image),
                lead_image_alt=cleaned.get("lead_image_alt", ""),
                section=cleaned.get("section"),
            )
            for name, message in workflow.article_publish_problems(candidate).items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
        return cleaned


@admin.register(Article)
class ArticleAdmin(NewsroomVersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "section",
        "status",
        "published_local",
        "embargo_local",
        "is_published",
        "updated_at",
        "updated_by",
    ]
    list_filter = ["status", "section", "published_at", ("tags", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["section", "updated_by"]
    search_fields = ["headline", "standfirst", "body", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "institutions", "people", "agreements"]
    readonly_fields = [
        "lead_image_preview",
        "schedule_summary",
        "status_history",
        "old_addresses",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ]
    inlines = [BylineInline, QuoteInline, RelatedArticleInline]
    actions = ["publish_selected", "unpublish_selected", "submit_for_review"]
    compare_child_labels = {
        "tagged_items": _("tags"),
        "curated_links": _("curated related articles"),
    }

    fieldsets = [
        (None, {"fields": ["headline", "slug", "section", "standfirst", "body", "tags"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "embargo_until",
                    "schedule_summary",
                    "status_history",
                    "old_addresses",
                ],
                "description": format_lazy(
                    _(
                        "Times are in {zone}. A story is public when it is Published, its "
                        "publication time has passed and its embargo has lifted."
                    ),
                    zone=lazy(workflow.newsroom_zone_label, str)(),
                ),
            },
        ),
        (
            _("Lead image"),
            {
                "fields": [
                    "lead_image",
                    "lead_image_preview",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        (_("What the story is about"), {"fields": ["institutions", "people", "agreements"]}),
        (
            _("Record"),
            {
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if obj is not None:
            inlines.append(PreviewLinkInline)
        return inlines

    # Permissions: the role rules, enforced on every admin path.

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return workflow.article_editable_by(obj, request.user)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return workflow.article_editable_by(obj, request.user)

    def has_publish_permission(self, request):
        return workflow.user_can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.user_can_publish(request.user):
            fields.extend(workflow.PUBLISHING_FIELDS)
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(
            form.__name__, (form,), {"can_publish": workflow.user_can_publish(request.user)}
        )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not workflow.user_can_publish(request.user):
            kwargs["choices"] = [
                (value, label)
                for value, label in ArticleStatus.choices
                if value in workflow.WRITER_EDITABLE
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in workflow.PUBLISHING_FIELDS and formfield is not None:
            formfield.help_text = f"{db_field.help_text} " + gettext("In %(zone)s.") % {
                "zone": workflow.newsroom_zone_label()
            }
        return formfield

    # Read-only panels.

    @admin.display(description=_("preview"))
    def lead_image_preview(self, obj):
        if not obj.lead_image:
            return _("No image yet.")
        # A width attribute rather than a style: the CSP forbids inline styles.
        return format_html(
            '<img src="{}" alt="{}" width="320">', obj.lead_image.url, obj.lead_image_alt
        )

    @admin.display(description=_("publication time"), ordering="published_at")
    def published_local(self, obj):
        return workflow.newsroom_time_display(obj.published_at)

    @admin.display(description=_("embargoed until"), ordering="embargo_until")
    def embargo_local(self, obj):
        return workflow.newsroom_time_display(obj.embargo_until) if obj.embargo_until else "—"

    @admin.display(description=_("when it goes public"))
    def schedule_summary(self, obj):
        if obj is None or not obj.pk:
            return _("Save the story first.")
        if obj.is_published():
            return _("Public since %s.") % workflow.newsroom_time_display(
                max(filter(None, [obj.published_at, obj.embargo_until]))
            )
        if obj.status != ArticleStatus.PUBLISHED:
            return _("Not public: %s.") % obj.get_status_display().lower()
        parts = []
        if obj.is_scheduled:
            parts.append(_("Scheduled for %s.") % workflow.newsroom_time_display(obj.published_at))
        if obj.is_embargoed:
            parts.append(
                _("Embargoed until %s.") % workflow.newsroom_time_display(obj.embargo_until)
            )
        return " ".join(str(p) for p in parts)

    @admin.display(description=_("status changes"))
    def status_history(self, obj):
        if obj is None or not obj.pk:
            return "—"
        changes = obj.status_changes.select_related("changed_by")[:10]
        if not changes:
            return _("No status changes yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} → {}, {} ({})</li>",
                (
                    (
                        c.get_from_status_display() or "—",
                        c.get_to_status_display(),
                        c.changed_by.get_username() if c.changed_by else _("unknown"),
                        workflow.newsroom_time_display(c.changed_at),
                    )
                    for c in changes
                ),
            ),
        )

    @admin.display(description=_("old addresses (redirect here)"))
    def old_addresses(self, obj):
        if obj is None or not obj.pk:
            return "—"
        old = list(obj.old_urls.all()[:20])
        if not old:
            return _("None: the address has not changed.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((str(u),) for u in old))
        )

    # Recovering a deleted story re-creates it as it was, perhaps published:
    # an editor's decision, whatever reversion's add-permission check allows.

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.user_can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.user_can_publish(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    # Saving.

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = Article.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        workflow.status_change_record(article=obj, from_status=before, user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is PreviewLink:
            for link_form in formset.forms:
                if not link_form.instance.pk and link_form.has_changed():
                    link_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def restore_done(self, request, *, before, after):
        workflow.status_change_record(article=after, from_status=before.status, user=request.user)

    def history_extra_context(self, request, obj):
        if obj is None:
            return {}
        return {"status_changes": obj.status_changes.select_related("changed_by")}

    # Actions: each checks the role again, per article.

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        """Publish what is ready; name what is not, instead of failing silently."""
        published, refused = 0, []
        for article in queryset.select_related("section"):
            problems = workflow.article_publish(article=article, user=request.user)
            if problems:
                refused.append(
                    f"{article.headline or article.pk} ({' '.join(map(str, problems.values()))})"
                )
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("Published %d article.", "Published %d articles.", published) % published,
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request, gettext("Not published: %s") % "; ".join(refused), messages.WARNING
            )

    @admin.action(
        description=_("Unpublish selected articles (back to draft)"), permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        count = sum(
            workflow.article_unpublish(article=article, user=request.user) for article in queryset
        )
        self.message_user(
            request,
            ngettext("Moved %d article back to draft.", "Moved %d articles back to draft.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Submit selected drafts for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        submitted, skipped = 0, []
        for article in queryset:
            if workflow.article_submit_for_review(article=article, user=request.user):
                submitted += 1
            else:
                skipped.append(article.headline)
        if submitted:
            self.message_user(
                request,
                ngettext(
                    "Submitted %d draft for review.", "Submitted %d drafts for review.", submitted
                )
                % submitted,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext("Not submitted (not your draft, or not a draft): %s") % "; ".join(skipped),
                messages.WARNING,
            )


@admin.register(ArticleStatusChange)
class ArticleStatusChangeAdmin(admin.ModelAdmin):
    """Read-only: the record is written by the workflow, never by hand."""

    list_display = ["article", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    list_select_related = ["article", "changed_by"]
    search_fields = ["article__headline"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def tags_merge(*, tags, user):
    """Fold ``tags`` into the most used of them; return (kept tag, stories moved).

    Each story that changes gets a revision, so the merge can be undone story
    by story from its history.
    """
    tags = sorted(tags, key=lambda t: (-t.articles_count, t.name.lower()))
    keep, others = tags[0], tags[1:]
    moved = set()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(
            gettext("Tags merged into “%(tag)s”: %(others)s.")
            % {"tag": keep.name, "others": ", ".join(t.name for t in others)}
        )
        for row in TaggedArticle.objects.filter(tag__in=others).select_related("content_object"):
            if not TaggedArticle.objects.filter(
                content_object=row.content_object_id, tag=keep
            ).exists():
                TaggedArticle.objects.create(content_object_id=row.content_object_id, tag=keep)
            moved.add(row.content_object)
        Tag.objects.filter(pk__in=[t.pk for t in others]).delete()
        for article in moved:
            reversion.add_to_revision(article)
    return keep, len(moved)


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    """Tags as our stories use them, through TaggedArticle.

    taggit's own admin shows and merges its generic TaggedItem rows, which
    this project does not use; its merge would leave every story on the old
    tag. This one counts and merges the rows our stories really have.
    """

    inlines = []
    list_display = ["name", "slug", "articles_count"]
    actions = ["merge_selected"]

    def get_urls(self):
        # Skip taggit's merge-tags page: it works on the generic table only.
        return admin.ModelAdmin.get_urls(self)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(articles_count=models.Count("articles_taggedarticle_items"))
        )

    @admin.display(description=_("stories"), ordering="articles_count")
    def articles_count(self, obj):
        return obj.articles_count

    @admin.action(
        description=_("Merge selected tags into the most used of them"), permissions=["delete"]
    )
    def merge_selected(self, request, queryset):
        tags = list(queryset)
        if len(tags) < 2:
            self.message_user(
                request, gettext("Select at least two tags to merge."), messages.WARNING
            )
            return
        keep, moved = tags_merge(tags=tags, user=request.user)
        self.message_user(
            request,
            ngettext(
                "Merged into “%(tag)s”; %(count)d story now carries it.",
                "Merged into “%(tag)s”; %(count)d stories now carry it.",
                moved,
            )
            % {"tag": keep.name, "count": moved},
            messages.SUCCESS,
        )
