from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles.models import Quote
from institutions.expiry import AgreementExpiryFilter
from institutions.forms import AgreementPartyFormSet, InstitutionAdminForm, PersonAdminForm
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementParty,
    Institution,
    Person,
    Position,
)
from newsroom.admin import NewsroomVersionAdmin
from newsroom.locking import OptimisticLockAdminMixin
from newsroom.validation import SaneDatesAdminMixin

# People keep their positions and agreements their parties and areas in
# every revision, so a restore brings the whole record back.


def admin_links(objects, *, label=str):
    """A comma-separated list of change-page links, for read-only panels."""
    objects = list(objects)
    if not objects:
        return _("None yet.")
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (
                reverse(f"admin:{o._meta.app_label}_{o._meta.model_name}_change", args=[o.pk]),
                label(o),
            )
            for o in objects
        ),
    )


class PositionInline(SaneDatesAdminMixin, admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["institution"]
    fields = ["institution", "title", "started_on", "ended_on"]


@admin.register(Institution)
class InstitutionAdmin(NewsroomVersionAdmin):
    form = InstitutionAdminForm
    list_display = ["name", "short_name", "kind", "parent", "city", "country", "updated_at"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name", "korean_name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    date_hierarchy = "created_at"
    readonly_fields = ["child_institutions", "people_here", "agreements_signed"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "short_name", "korean_name", "aliases", "slug", "kind", "parent"]},
        ),
        (_("Details"), {"fields": ["website", "city", "country", "description", "logo"]}),
        (_("Connections"), {"fields": ["child_institutions", "people_here", "agreements_signed"]}),
    ]

    @admin.display(description=_("child institutions"))
    def child_institutions(self, obj):
        return admin_links(obj.children.all()) if obj.pk else "—"

    @admin.display(description=_("people"))
    def people_here(self, obj):
        if not obj.pk:
            return "—"
        positions = obj.positions.select_related("person").order_by("person__name")
        return admin_links(dict.fromkeys(p.person for p in positions))

    @admin.display(description=_("agreements"))
    def agreements_signed(self, obj):
        return admin_links(obj.agreements.all()) if obj.pk else "—"


@admin.register(Person)
class PersonAdmin(NewsroomVersionAdmin):
    form = PersonAdminForm
    list_display = ["name", "korean_name", "current_title", "updated_at"]
    search_fields = ["name", "korean_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PositionInline]
    readonly_fields = ["quotes_given"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["name", "korean_name", "slug", "photo", "bio", "quotes_given"]})
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("positions__institution")

    @admin.display(description=_("current title"))
    def current_title(self, obj):
        today = timezone.localdate()
        held = [
            p
            for p in obj.positions.all()
            if (p.started_on is None or p.started_on <= today)
            and (p.ended_on is None or p.ended_on >= today)
        ]
        return held[0].printable_title if held else "—"

    @admin.display(description=_("quotes"))
    def quotes_given(self, obj):
        if not obj.pk:
            return "—"
        quotes = (
            Quote.objects.filter(person=obj)
            .select_related("article")
            .order_by("-article__published_at")
        )
        if not quotes:
            return _("Not quoted yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>“{}” — <a href="{}">{}</a> ({})</li>',
                (
                    (
                        q.text[:120],
                        reverse("admin:articles_article_change", args=[q.article_id]),
                        q.article.headline,
                        q.printed_title or "—",
                    )
                    for q in quotes
                ),
            ),
        )


@admin.register(Position)
class PositionAdmin(SaneDatesAdminMixin, OptimisticLockAdminMixin, admin.ModelAdmin):
    list_display = ["person", "title", "institution", "started_on", "ended_on"]
    list_filter = ["institution__kind"]
    list_select_related = ["person", "institution"]
    search_fields = ["person__name", "title", "institution__name", "institution__short_name"]
    autocomplete_fields = ["person", "institution"]
    date_hierarchy = "started_on"


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    formset = AgreementPartyFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ["institution", "signatory"]
    fields = ["institution", "signatory", "title_override", "order"]


class AgreementAreaInline(admin.TabularInline):
    model = AgreementArea
    extra = 0
    fields = ["description", "order"]


@admin.register(Agreement)
class AgreementAdmin(NewsroomVersionAdmin):
    list_display = ["title", "kind", "signed_on", "expires_on", "status_label", "party_names"]
    list_filter = ["kind", AgreementExpiryFilter, "signed_on"]
    search_fields = ["title", "summary", "parties__name", "parties__short_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["renews"]
    readonly_fields = ["renewed_by"]
    date_hierarchy = "signed_on"
    inlines = [AgreementPartyInline, AgreementAreaInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "signed_on",
                    "place",
                    "summary",
                    "term_years",
                    "expires_on",
                    "renews",
                    "renewed_by",
                ]
            },
        )
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("parties__parent")

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.status.label

    @admin.display(description=_("parties"))
    def party_names(self, obj):
        return ", ".join(party.label for party in obj.parties.all())

    @admin.display(description=_("renewed by"))
    def renewed_by(self, obj):
        return admin_links(obj.renewals.order_by("signed_on", "pk")) if obj.pk else "—"
