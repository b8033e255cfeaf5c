from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Article, ArticleStatus, Byline, Quote, RelatedArticle, Section


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "headline",
        "section",
        "status",
        "published_at",
        "embargo_until",
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
    readonly_fields = ["lead_image_preview", "created_at", "updated_at", "created_by", "updated_by"]
    inlines = [BylineInline, QuoteInline, RelatedArticleInline]
    actions = ["publish_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "section", "standfirst", "body", "tags"]}),
        (
            _("Publication"),
            {
                "fields": ["status", "published_at", "embargo_until"],
                "description": _(
                    "Times are in the newsroom's time zone. A story is public when it is "
                    "Published, its publication time has passed and its embargo has lifted."
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

    @admin.display(description=_("preview"))
    def lead_image_preview(self, obj):
        if not obj.lead_image:
            return _("No image yet.")
        return format_html(
            '<img src="{}" alt="{}" style="max-width: 320px; height: auto;">',
            obj.lead_image.url,
            obj.lead_image_alt,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected articles"), permissions=["change"])
    def publish_selected(self, request, queryset):
        """Publish what is ready; name what is not, instead of failing silently."""
        published, refused = 0, []
        now = timezone.now()
        for article in queryset:
            if not article.body.strip() or (article.lead_image and not article.lead_image_alt):
                refused.append(article.headline)
                continue
            article.status = ArticleStatus.PUBLISHED
            article.published_at = article.published_at or now
            article.updated_by = request.user
            article.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
            published += 1
        if published:
            self.message_user(
                request,
                ngettext("Published %d article.", "Published %d articles.", published) % published,
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("Not published (needs a body, and alt text for its image): %s")
                % "; ".join(refused),
                messages.WARNING,
            )

    @admin.action(
        description=_("Unpublish selected articles (back to draft)"), permissions=["change"]
    )
    def unpublish_selected(self, request, queryset):
        count = queryset.exclude(status=ArticleStatus.DRAFT).update(
            status=ArticleStatus.DRAFT, updated_by=request.user, updated_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("Moved %d article back to draft.", "Moved %d articles back to draft.", count)
            % count,
            messages.SUCCESS,
        )
