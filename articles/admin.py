from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.errors import RevertError
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles import live_drafts, previews, views, workflow
from articles.forms import ArticleAdminForm, BylineFormSet, PreviewLinkForm, QuoteFormSet
from articles.models import (
    Article,
    ArticleStatus,
    ArticleStatusChange,
    Byline,
    LiveDraft,
    Notification,
    PreviewLink,
    Quote,
    RelatedArticle,
    Section,
    TaggedArticle,
    tags_merge,
)
from institutions.models import Institution, Position, positions_prefetch
from newsroom import revisions
from newsroom.admin import NewsroomVersionAdmin, SlugPreviewAdminMixin
from newsroom.admin_library import LibraryImageChooser
from newsroom.display import newsroom_time_display, newsroom_zone_label
from newsroom.locking import OPENED_VERSION_FIELD, OptimisticLockAdminMixin, record_stamp
from newsroom.validation import SaneDatesAdminMixin

# Admins ---------------------------------------------------------------------


@admin.register(Section)
class SectionAdmin(OptimisticLockAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class LiveDraftInlineMixin:
    """Inline rows of a live story's form come from its draft when it has one."""

    draft_relation = None

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        rows = live_drafts.draft_rows_of(obj, self.draft_relation) if obj is not None else None
        if rows is None:
            return formset
        return type(
            formset.__name__,
            (live_drafts.DraftRowsFormSetMixin, formset),
            {"draft_rows": rows, "extra": sum(1 for row in rows if not row.get("id"))},
        )


class BylineInline(LiveDraftInlineMixin, admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    draft_relation = "bylines"
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order"]


class QuoteInline(LiveDraftInlineMixin, admin.StackedInline):
    model = Quote
    draft_relation = "quotes"
    formset = QuoteFormSet
    autocomplete_fields = ["person"]
    fields = ["person", "text", "title_on_the_day", "title_override", "order"]
    readonly_fields = ["title_on_the_day"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new story opens with a quote row ready: nearly every one quotes
        # someone. Left empty, the row is not saved.
        return 1 if obj is None else 0

    @admin.display(description=_("title printed"))
    def title_on_the_day(self, quote):
        """What readers see: the override if typed, else the position on the story's date."""
        if quote.pk is None:
            return _("Save to see the speaker's title on the story's date.")
        if quote.title_override.strip():
            return _("%(title)s (typed for this quote)") % {"title": quote.title_override}
        return quote.printed_title or _("No position on the story's date: only the name prints.")


class RelatedArticleInline(LiveDraftInlineMixin, admin.TabularInline):
    model = RelatedArticle
    draft_relation = "curated_links"
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["related"]
    fields = ["related", "order"]
    verbose_name = _("curated related article")
    verbose_name_plural = _("curated related articles (shown before computed suggestions)")


class PreviewLinkInline(SaneDatesAdminMixin, admin.TabularInline):
    """Links for a journalist under embargo or an official checking a quote."""

    model = PreviewLink
    form = PreviewLinkForm
    extra = 0
    fields = ["recipient", "expires_at", "shows_draft", "link", "state", "created_by", "revoke"]
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
            return _("revoked %s") % newsroom_time_display(obj.revoked_at)
        if not obj.is_valid():
            return _("expired")
        return _("valid")


class PublicStateFilter(admin.SimpleListFilter):
    """Where a story stands for readers, which the status alone does not say."""

    title = _("public state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(state, label) for state, label in workflow.PUBLIC_STATES.items()]

    def queryset(self, request, queryset):
        if self.value() in workflow.PUBLIC_STATES:
            return workflow.articles_in_state(queryset, self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(SlugPreviewAdminMixin, NewsroomVersionAdmin):
    form = ArticleAdminForm
    # Draft changes next to the state: at the end of the row they fell off a
    # 1366-pixel screen, and they are the only sign of unpublished edits.
    # Six columns fit a 1366-pixel laptop with the admin's sidebar open; the
    # embargo's end is said in the state, the editor beside the edit time.
    list_display = [
        "headline",
        "public_state",
        "draft_changes",
        "section",
        "published_local",
        "updated_local",
    ]
    list_filter = [
        PublicStateFilter,
        "status",
        "section",
        "published_at",
        ("tags", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["section", "updated_by"]
    search_fields = ["headline", "standfirst", "body", "slug"]
    date_hierarchy = "published_at"
    # No prepopulated_fields for the slug: Django's browser slug maker drops
    # Korean letters ("연세대 의대와 KAIST ..." gave "kaist"); slug.js shows the
    # server's slug instead (slug_view).
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
                    zone=lazy(newsroom_zone_label, str)(),
                ),
            },
        ),
        (
            _("Lead image"),
            {
                "fields": [
                    "lead_library_image",
                    "lead_image",
                    "lead_image_preview",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ],
                "description": _(
                    "Choose a picture from the media library (its alt text, caption and credit "
                    "come with it and stay in step with the library), or upload a picture for "
                    "this story alone and describe it here."
                ),
            },
        ),
        (
            _("What the story is about"),
            {
                "fields": ["institutions", "people", "agreements"],
                "description": _(
                    "The people the story quotes and the parties of the agreements it covers "
                    "are added here when you save; add anyone else it is about."
                ),
            },
        ),
        (
            _("Record"),
            {
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        drafts = LiveDraft.objects.filter(article=models.OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .prefetch_related("tags")
            .annotate(
                has_live_draft=models.Exists(drafts),
                live_draft_submitted=models.Exists(drafts.filter(submitted_for_review=True)),
            )
        )

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/draft/compare/",
                self.admin_site.admin_view(self.draft_compare_view),
                name=f"{opts.app_label}_{opts.model_name}_draft_compare",
            ),
            path(
                "<path:object_id>/draft/preview/",
                self.admin_site.admin_view(self.draft_preview_view),
                name=f"{opts.app_label}_{opts.model_name}_draft_preview",
            ),
            *super().get_urls(),
        ]

    def slug_free(self, text, *, exclude_pk):
        return Article.objects.free_slug(text, exclude_pk=exclude_pk)

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
        if workflow.article_editable_by(obj, request.user):
            return True
        # A live story's form writes its draft, never the live row.
        return live_drafts.article_is_live(obj) and workflow.article_draft_editable_by(
            obj, request.user
        )

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return workflow.article_editable_by(obj, request.user)

    def get_deleted_objects(self, objs, request):
        """What deleting these stories takes with them, and the permissions it lacks.

        A story's status history and notifications can never be deleted one
        by one (their admins refuse), yet they are the story's own: they go
        with it, so their refusal must not block deleting the story.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed -= {
            str(model._meta.verbose_name) for model in (ArticleStatusChange, Notification)
        }
        return deleted, counts, perms_needed, protected

    def has_publish_permission(self, request):
        return workflow.user_can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.user_can_publish(request.user):
            fields.extend(workflow.PUBLISHING_FIELDS)
            if getattr(obj, "in_draft_mode", False):
                fields.append("status")
        return fields

    def get_changeform_initial_data(self, request):
        """A new story starts in the section its writer used last (or the only one)."""
        initial = super().get_changeform_initial_data(request)
        if "section" not in initial:
            section = Section.objects.last_used_by(request.user)
            if section is not None:
                initial["section"] = section.pk
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(
            form.__name__,
            (form,),
            {
                "can_publish": workflow.user_can_publish(request.user),
                "user_can_add_tags": request.user.has_perm("taggit.add_tag"),
                "draft_mode": getattr(obj, "in_draft_mode", False),
                "live_draft": getattr(obj, "live_draft_row", None),
            },
        )

    # Draft changes to a live story (articles.live_drafts): its change form
    # shows and saves the draft; "Publish changes" saves the form to the story.

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None or not getattr(request, "_live_draft_editing", False):
            return obj
        draft = live_drafts.draft_of(obj)
        if draft is None and not live_drafts.edits_are_drafted(obj, request.user):
            return obj
        if draft is not None:
            live_drafts.draft_article(obj, draft.content)
            if not live_drafts.article_is_live(obj):
                # Changes prepared while the story was live, unpublished since:
                # its own form shows them, and saving makes them its content.
                obj.leftover_live_draft = draft
                return obj
        obj.in_draft_mode = True
        obj.live_draft_row = draft
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        request._live_draft_editing = True
        if request.method == "POST" and live_drafts.DISCARD_DRAFT in request.POST:
            return self._draft_discard(request, object_id)
        obj = self.get_object(request, unquote(object_id))
        context = {}
        if obj is not None and getattr(obj, "in_draft_mode", False):
            context = self._draft_context(request, obj)
        elif obj is not None and getattr(obj, "leftover_live_draft", None) is not None:
            context = {"live_draft_leftover": obj.leftover_live_draft}
        context.update(extra_context or {})
        return super().change_view(request, object_id, form_url, context)

    def _draft_context(self, request, obj):
        draft = obj.live_draft_row
        context = {
            "live_draft_mode": True,
            "live_draft": draft,
            "live_draft_can_publish": workflow.user_can_publish(request.user),
            "live_draft_read_only": not self.has_change_permission(request, obj),
            "live_draft_public": live_drafts.article_is_public(obj),
            "live_draft_compare_url": None,
            "live_draft_differs": [],
        }
        if draft is not None:
            live = Article.objects.get(pk=obj.pk)
            rows = revisions.snapshot_compare(
                Article,
                revisions.current_snapshot(live),
                revisions.current_snapshot(obj),
                child_labels=self.compare_child_labels,
            )
            context["live_draft_differs"] = [str(row["label"]) for row in rows if row["changed"]]
            context["live_draft_compare_url"] = self._draft_url(obj, "compare")
            context["live_draft_preview_url"] = self._draft_url(obj, "preview")
            context["live_draft_stale"] = draft.live_version != live.version
        return context

    def _draft_url(self, obj, view):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_draft_{view}", args=[quote(obj.pk)]
        )

    def _change_url(self, obj):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])

    def _draft_discard(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such article."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        with transaction.atomic():
            if getattr(obj, "leftover_live_draft", None) is not None:
                # Its form is the story's own, opened at the story's version.
                stored = record_stamp(Article.objects.get(pk=obj.pk))
            else:
                stored = live_drafts.draft_stamp_stored(obj.pk)
            if request.POST.get(OPENED_VERSION_FIELD) != stored:
                messages.error(
                    request,
                    gettext(
                        "The story or its draft was saved by someone else after you opened "
                        "it, so nothing was discarded. Look at the draft again first."
                    ),
                )
            elif live_drafts.live_draft_discard(article=obj):
                messages.success(
                    request,
                    gettext("Discarded the draft changes; the story is as it was stored."),
                )
            else:
                messages.info(request, gettext("There were no draft changes to discard."))
        return HttpResponseRedirect(self._change_url(obj))

    def _live_and_draft(self, request, object_id):
        """The story and its draft for the draft's own pages, or (story, redirect) without one."""
        live = self.get_object(request, unquote(object_id))
        if live is None:
            raise Http404(gettext("No such article."))
        if not self.has_view_or_change_permission(request, live):
            raise PermissionDenied
        draft = live_drafts.draft_of(live)
        if draft is None:
            messages.info(request, gettext("This story has no draft changes."))
            return live, HttpResponseRedirect(self._change_url(live))
        return live, draft

    def draft_compare_view(self, request, object_id):
        """The live version (A) beside the pending draft (B), with the history's compare page."""
        live, draft = self._live_and_draft(request, object_id)
        if isinstance(draft, HttpResponseRedirect):
            return draft
        shown = live_drafts.draft_article(Article.objects.get(pk=live.pk), draft.content)
        who = draft.updated_by
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": live,
            "object_id": quote(live.pk),
            "title": gettext("Live version and draft changes of %s") % live,
            "left_label": gettext("Live version (what the public sees)"),
            "right_label": gettext("Draft saved %(when)s by %(who)s")
            % {
                "when": newsroom_time_display(draft.updated_at),
                "who": who.get_username() if who else gettext("someone"),
            },
            "rows": revisions.snapshot_compare(
                Article,
                revisions.current_snapshot(live),
                revisions.current_snapshot(shown),
                child_labels=self.compare_child_labels,
            ),
            "restore_version": None,
        }
        return TemplateResponse(request, self.compare_template, context)

    def draft_preview_view(self, request, object_id):
        """The draft on the public page's template, for staff; never cached, never indexed."""
        live, draft = self._live_and_draft(request, object_id)
        if isinstance(draft, HttpResponseRedirect):
            return draft
        return views.draft_preview_response(request, article=live, draft=draft)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not workflow.user_can_publish(request.user):
            kwargs["choices"] = [
                (value, label)
                for value, label in ArticleStatus.choices
                if value in workflow.WRITER_EDITABLE
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "lead_library_image":
            # Chosen by looking at the pictures, not from a list of alt texts;
            # unwrapped, since the chooser links to the upload page itself.
            return db_field.formfield(
                widget=LibraryImageChooser(dialog_title=gettext("Choose the lead image")),
                **kwargs,
            )
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in workflow.PUBLISHING_FIELDS and formfield is not None:
            formfield.help_text = f"{db_field.help_text} " + gettext("In %(zone)s.") % {
                "zone": newsroom_zone_label()
            }
        return formfield

    # Read-only panels.

    @admin.display(description=_("preview"))
    def lead_image_preview(self, obj):
        if not obj.lead_image:
            return _("No image yet.")
        if not obj.lead_image._committed:
            # A form refused with a new upload: the file was never stored,
            # and browsers do not keep a chosen file across the reply.
            return _("Not saved yet: choose the file again once the form has no errors.")
        renditions = obj.lead_image_renditions or []
        ready = bool(renditions) and renditions[0].get("source") == obj.lead_image.name
        # The original through the staff-only media route (its url), never public.
        # A width attribute rather than a style: the CSP forbids inline styles.
        return format_html(
            '<img src="{}" alt="{}" width="320">{}',
            obj.lead_image.url,
            obj.lead_image_alt,
            ""
            if ready
            else format_html(
                "<p>{}</p>",
                _("The sizes readers get are still being made; pages show no image until then."),
            ),
        )

    @admin.display(description=_("draft changes"))
    def draft_changes(self, obj):
        if not getattr(obj, "has_live_draft", False):
            return "—"
        return format_html(
            '{}{} <a href="{}">{}</a>',
            _("Live version differs from draft"),
            _(" (submitted for review)") if obj.live_draft_submitted else "",
            self._draft_url(obj, "compare"),
            _("compare"),
        )

    @admin.display(description=_("state"), ordering="status")
    def public_state(self, obj):
        state = workflow.article_state(obj)
        if not obj.is_embargoed:
            return workflow.PUBLIC_STATES[state]
        until = newsroom_time_display(obj.embargo_until, short=True)
        if state == "embargoed":
            return _("Embargoed until %(when)s") % {"when": until}
        return _("%(state)s; embargoed until %(when)s") % {
            "state": workflow.PUBLIC_STATES[state],
            "when": until,
        }

    @admin.display(description=_("publication time"), ordering="published_at")
    def published_local(self, obj):
        return newsroom_time_display(obj.published_at, short=True)

    @admin.display(description=_("last edited"), ordering="updated_at")
    def updated_local(self, obj):
        when = newsroom_time_display(obj.updated_at, short=True)
        if obj.updated_by is None:
            return when
        return _("%(when)s by %(who)s") % {
            "when": when,
            "who": obj.updated_by.get_full_name() or obj.updated_by.get_username(),
        }

    @admin.display(description=_("when it goes public"))
    def schedule_summary(self, obj):
        if obj is None or not obj.pk:
            return _("Save the story first.")
        if obj.is_published():
            return _("Public since %s.") % newsroom_time_display(
                max(filter(None, [obj.published_at, obj.embargo_until]))
            )
        if obj.status != ArticleStatus.PUBLISHED:
            return _("Not public: %s.") % obj.get_status_display().lower()
        parts = []
        if obj.is_scheduled:
            parts.append(_("Scheduled for %s.") % newsroom_time_display(obj.published_at))
        if obj.is_embargoed:
            parts.append(_("Embargoed until %s.") % newsroom_time_display(obj.embargo_until))
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
                        newsroom_time_display(c.changed_at),
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
        if change and getattr(obj, "in_draft_mode", False):
            if live_drafts.draft_action(request.POST) != live_drafts.PUBLISH_CHANGES:
                # Nothing is written to the story; a new upload is stored now
                # (without its metadata, as Article.save does) for the draft to name.
                if obj.lead_image and not obj.lead_image._committed:
                    obj.lead_image.save(obj.lead_image.name, obj.lead_image.file, save=False)
                return
            # The in-memory draft rows must not stand in for the stored ones
            # while the revision collects the saved story.
            obj._prefetched_objects_cache = {}
            obj.__dict__.pop("institutions_with_family", None)
            obj.__dict__.pop("tag_list", None)
        elif change and not workflow.article_editable_by(obj, request.user):
            raise PermissionDenied
        before = None
        if change:
            before = Article.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        workflow.status_change_record(article=obj, from_status=before, user=request.user)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if change and getattr(obj, "leftover_live_draft", None) is not None:
            self._draft_rows_save(request, form, formsets, change)
            obj.implied_links_add()
            live_drafts.live_draft_discard(article=obj)
            return None
        if not (change and getattr(obj, "in_draft_mode", False)):
            super().save_related(request, form, formsets, change)
            obj.implied_links_add()
            return None
        action = live_drafts.draft_action(request.POST)
        if action == live_drafts.PUBLISH_CHANGES:
            self._draft_rows_save(request, form, formsets, change)
            obj.implied_links_add()
            live_drafts.live_draft_published(article=obj, user=request.user)
            request._live_draft_done = "published"
            return None
        for formset in formsets:
            if formset.model is PreviewLink:
                self.save_formset(request, form, formset, change)
        draft = live_drafts.live_draft_save(
            article=Article.objects.get(pk=obj.pk),
            content=live_drafts.content_from_forms(form, formsets),
            user=request.user,
            submit=action == live_drafts.SUBMIT_DRAFT,
        )
        if draft is None:
            request._live_draft_done = "unchanged"
        elif action == live_drafts.SUBMIT_DRAFT:
            request._live_draft_done = "submitted"
        else:
            request._live_draft_done = "saved"
        return None

    def _draft_rows_save(self, request, form, formsets, change):
        """Save a form showing a draft to the story, its inline rows as the draft has them."""
        obj = form.instance
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if isinstance(formset, live_drafts.DraftRowsFormSetMixin):
                # Live rows the draft removed are not in its formset.
                kept = {f.instance.pk for f in formset.forms if f.instance.pk is not None}
                formset.model._default_manager.filter(**{formset.fk.name: obj}).exclude(
                    pk__in=kept
                ).delete()

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_live_draft_done", "published") != "published":
            return []  # nothing was saved to the story (log_change words it)
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        done = getattr(request, "_live_draft_done", None)
        if done == "published":
            message = gettext("Published changes")
        elif done in ("saved", "submitted"):
            message = gettext("Saved draft changes (the live version is unchanged)")
        elif done == "unchanged":
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        done = getattr(request, "_live_draft_done", None)
        if done is None:
            return super().response_change(request, obj)
        text = {
            "published": gettext("Published the changes to “%s”: readers see them now."),
            "saved": gettext(
                "Saved the draft changes to “%s”. The public still sees the live version."
            ),
            "submitted": gettext(
                "Submitted the changes to “%s” for review. The public still sees the live "
                "version until an editor publishes them."
            ),
            "unchanged": gettext(
                "Saved “%s”: the form says what the live version says, so no draft changes "
                "are waiting."
            ),
        }[done]
        if done == "published" and not obj.is_published():
            # The changes may have taken the story offline, or it waits for its time.
            text = (
                gettext("Published the changes to “%s”: readers see them when it goes live.")
                if obj.status == ArticleStatus.PUBLISHED
                else gettext("Saved the changes to “%s”: it is no longer public.")
            )
        messages.success(request, text % obj)
        return HttpResponseRedirect(self._change_url(obj))

    def save_formset(self, request, form, formset, change):
        if formset.model is PreviewLink:
            for link_form in formset.forms:
                if not link_form.instance.pk and link_form.has_changed():
                    link_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    restore_note = _("The story's status, publication time and embargo stay as they are now.")

    def restore_keeps_current(self, request, obj):
        return workflow.article_restore_keeps(
            article=obj,
            user=request.user,
            restore_publication_state=bool(request.POST.get(workflow.RESTORE_PUBLICATION_STATE)),
        )

    def restore_options(self, request, obj):
        if not workflow.user_can_publish(request.user):
            return []
        return [
            (
                workflow.RESTORE_PUBLICATION_STATE,
                gettext(
                    "Also bring back the status, publication time and embargo of version A "
                    "(this can publish or unpublish the story)."
                ),
            )
        ]

    def restore_done(self, request, *, before, after):
        workflow.status_change_record(article=after, from_status=before.status, user=request.user)

    live_restore_note = _(
        "This story is live: restoring makes version A a draft of it, and the public keeps "
        "the live version until an editor publishes the changes."
    )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restoring into a live story makes a draft of it instead of changing it live."""
        obj = super().get_object(request, unquote(object_id))
        if obj is None or not live_drafts.edits_are_drafted(obj, request.user):
            return super().revision_view(request, object_id, version_id, extra_context)
        if request.method != "POST":
            context = {"restore_note": self.live_restore_note, "restore_options": []}
            context.update(extra_context or {})
            return super().revision_view(request, object_id, version_id, context)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(revisions.versions_of(obj), pk=version_id)
        if request.POST.get(OPENED_VERSION_FIELD) != record_stamp(obj):
            messages.error(
                request,
                gettext(
                    "Someone saved this record after you opened the comparison; "
                    "look at the current version again before restoring."
                ),
            )
            return HttpResponseRedirect(request.path)
        if request.POST.get(workflow.RESTORE_PUBLICATION_STATE):
            messages.error(
                request,
                gettext(
                    "Not restored: restoring into a live story makes a draft of its content, "
                    "and a draft never changes the status or publication times."
                ),
            )
            return HttpResponseRedirect(request.path)
        try:
            root, children = self._revision_rows(version, obj)
            draft, notes = live_drafts.live_draft_from_revision(
                article=obj, version_root=root, children=children, user=request.user
            )
        except RevertError as error:
            messages.error(request, gettext("Not restored: %s") % error)
            return HttpResponseRedirect(request.path)
        except live_drafts.DraftExists as exists:
            who = exists.draft.updated_by
            messages.error(
                request,
                gettext(
                    "Not restored: this story already has draft changes (saved %(when)s by "
                    "%(who)s). Publish or discard them first, so that nothing is lost."
                )
                % {
                    "when": newsroom_time_display(exists.draft.updated_at),
                    "who": who.get_username() if who else gettext("someone"),
                },
            )
            return HttpResponseRedirect(self._change_url(obj))
        if draft is None:
            messages.info(
                request,
                gettext(
                    "The version saved %s says what the live version says: there is nothing "
                    "to restore."
                )
                % newsroom_time_display(version.revision.date_created),
            )
            return HttpResponseRedirect(self._change_url(obj))
        messages.success(
            request,
            gettext(
                "Restored the version saved %s as draft changes to this live story. The "
                "public sees the live version until an editor publishes the changes."
            )
            % newsroom_time_display(version.revision.date_created),
        )
        for note in notes:
            messages.warning(request, note)
        return HttpResponseRedirect(self._change_url(obj))

    @staticmethod
    def _revision_rows(version, article):
        """The stored fields of the article and of its inline rows in ``version``'s revision.

        Through reversion's public ``Version.field_dict``; newsroom.revisions
        has no function returning raw rows yet.
        """
        parent = {
            "bylines": "article_id",
            "quotes": "article_id",
            "curated_links": "article_id",
            "tagged_items": "content_object_id",
        }
        models_of = {**live_drafts.INLINES, "tagged_items": TaggedArticle}
        children = {}
        for relation, model in models_of.items():
            rows = []
            for child in version.revision.version_set.get_for_model(model):
                fields = child.field_dict
                if str(fields.get(parent[relation])) == str(article.pk):
                    rows.append(fields)
            children[relation] = rows
        return version.field_dict, children

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


class QuoteInstitutionFilter(admin.SimpleListFilter):
    """Quotes by people who have held a position at an institution or any unit beneath it."""

    title = _("speaker's institution (units included)")
    parameter_name = "institution"

    def lookups(self, request, model_admin):
        return [
            (institution.pk, institution.label)
            for institution in Institution.objects.filter(positions__isnull=False)
            .select_related("parent")
            .distinct()
            .order_by("name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not (value or "").isdigit():
            return queryset
        family = Institution.objects.family_ids_sql(int(value))
        speakers = Position.objects.filter(institution_id__in=family).values("person_id")
        return queryset.filter(person_id__in=speakers)


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    """Every quote on record, to find who said what and where; edited within its story."""

    list_display = ["quoted_words", "person", "title_printed", "story", "story_date"]
    list_filter = [
        QuoteInstitutionFilter,
        ("person", admin.RelatedOnlyFieldListFilter),
        ("article__section", admin.RelatedOnlyFieldListFilter),
        ("article__published_at", admin.DateFieldListFilter),
    ]
    search_fields = ["text", "person__name", "person__korean_name", "article__headline"]
    list_select_related = ["person", "article__section"]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(positions_prefetch("person__positions"))
            .order_by("-article__published_at", "-article_id", "order")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("quoted words"))
    def quoted_words(self, quote):
        return Truncator(quote.text).chars(140)

    @admin.display(description=_("title printed"))
    def title_printed(self, quote):
        return quote.printed_title or "—"

    @admin.display(description=_("story"), ordering="article__headline")
    def story(self, quote):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[quote.article_id]),
            quote.article.headline,
        )

    @admin.display(description=_("story date"), ordering="article__published_at")
    def story_date(self, quote):
        return newsroom_time_display(quote.article.published_at)


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


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(OptimisticLockAdminMixin, TaggitTagAdmin):
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
