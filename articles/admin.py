from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles import previews, workflow
from articles.forms import ArticleAdminForm, PreviewLinkForm, QuoteFormSet
from articles.models import (
    Article,
    ArticleStatus,
    ArticleStatusChange,
    Byline,
    PreviewLink,
    Quote,
    RelatedArticle,
    Section,
    tags_merge,
)
from institutions.models import Institution, Position, positions_prefetch
from newsroom.admin import NewsroomVersionAdmin
from newsroom.display import newsroom_time_display, newsroom_zone_label
from newsroom.locking import OptimisticLockAdminMixin
from newsroom.validation import SaneDatesAdminMixin

# Admins ---------------------------------------------------------------------


@admin.register(Section)
class SectionAdmin(OptimisticLockAdminMixin, admin.ModelAdmin):
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
    formset = QuoteFormSet
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "text", "title_on_the_day", "title_override", "order"]
    readonly_fields = ["title_on_the_day"]

    @admin.display(description=_("title printed"))
    def title_on_the_day(self, quote):
        """What readers see: the override if typed, else the position on the story's date."""
        if quote.pk is None:
            return _("Save to see the speaker's title on the story's date.")
        if quote.title_override.strip():
            return _("%(title)s (typed for this quote)") % {"title": quote.title_override}
        return quote.printed_title or _("No position on the story's date: only the name prints.")


class RelatedArticleInline(admin.TabularInline):
    model = RelatedArticle
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
class ArticleAdmin(NewsroomVersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "section",
        "public_state",
        "published_local",
        "embargo_local",
        "is_published",
        "updated_at",
        "updated_by",
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
                    zone=lazy(newsroom_zone_label, str)(),
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
            form.__name__,
            (form,),
            {
                "can_publish": workflow.user_can_publish(request.user),
                "user_can_add_tags": request.user.has_perm("taggit.add_tag"),
            },
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
                "zone": newsroom_zone_label()
            }
        return formfield

    # Read-only panels.

    @admin.display(description=_("preview"))
    def lead_image_preview(self, obj):
        if not obj.lead_image:
            return _("No image yet.")
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

    @admin.display(description=_("state"), ordering="status")
    def public_state(self, obj):
        return workflow.PUBLIC_STATES[workflow.article_state(obj)]

    @admin.display(description=_("publication time"), ordering="published_at")
    def published_local(self, obj):
        return newsroom_time_display(obj.published_at)

    @admin.display(description=_("embargoed until"), ordering="embargo_until")
    def embargo_local(self, obj):
        return newsroom_time_display(obj.embargo_until) if obj.embargo_until else "—"

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
