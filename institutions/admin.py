from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.models import Quote
from institutions.expiry import AgreementExpiryFilter
from institutions.forms import (
    AgreementAdminForm,
    AgreementPartyForm,
    AgreementPartyFormSet,
    InstitutionAdminForm,
    PersonAdminForm,
    ProposalMergeForm,
    free_slug_for,
)
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementParty,
    Institution,
    Person,
    Position,
    ProposalRefused,
    may_confirm,
    merge_plan,
    proposal_confirm,
    proposal_fields,
    proposal_merge,
)
from newsroom.admin import NewsroomVersionAdmin, SlugPreviewAdminMixin
from newsroom.locking import OptimisticLockAdminMixin
from newsroom.validation import AddressInitialAdminMixin, SaneDatesAdminMixin

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


def is_own_proposal(user, record):
    return not record.confirmed and record.proposed_by_id == user.pk


def may_edit_record(user, record):
    """Whether ``user`` may change ``record``: editors any, writers their own proposals."""
    return may_confirm(user, type(record)) or is_own_proposal(user, record)


def writer_refusal(record):
    """Why a writer may not change ``record``, and what they may do instead."""
    if record.confirmed:
        return gettext(
            "%(name)s is a confirmed record: only editors correct it. Writers may propose "
            "new people and institutions and change their own proposals until an editor "
            "confirms them; ask an editor for this correction."
        ) % {"name": record}
    return gettext(
        "%(name)s is another writer's proposal: only they, or an editor, may change it. "
        "You may still choose it in your stories, and propose new people and institutions."
    ) % {"name": record}


class SlugFromTextAdminMixin(SlugPreviewAdminMixin):
    """Institutions, people and agreements: the slug from the name (``SlugFromTextForm``)."""

    def slug_free(self, text, *, exclude_pk):
        return free_slug_for(self.model, text, exclude_pk=exclude_pk)


class ProposalFilter(admin.SimpleListFilter):
    title = _("proposals")
    parameter_name = "proposal"

    def lookups(self, request, model_admin):
        return [
            ("proposed", _("Proposed, not yet confirmed")),
            ("mine", _("My proposals")),
            ("confirmed", _("Confirmed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "proposed":
            return queryset.filter(confirmed=False)
        if self.value() == "mine":
            return queryset.filter(confirmed=False, proposed_by=request.user)
        if self.value() == "confirmed":
            return queryset.filter(confirmed=True)
        return queryset


class ProposalAdminMixin:
    """Writers propose people and institutions; editors confirm them or merge them away.

    A writer's new record is saved unconfirmed, with its proposer. Writers
    change only their own unconfirmed proposals and view everything else
    (the story form's choosers list every record); a refusal is the admin's
    403 page saying what a writer may do. Editors get a "Proposed" filter
    and badge, a "Confirm" action, and a merge page.
    """

    change_form_template = "admin/institutions/proposal_change_form.html"
    merge_template = "admin/institutions/proposal_merge.html"
    actions = ["confirm_selected", "merge_selected"]

    def has_confirm_permission(self, request):
        return may_confirm(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_edit_record(request.user, obj)

    def get_list_display(self, request):
        return [*super().get_list_display(request), "proposal_badge"]

    def get_list_filter(self, request):
        return [ProposalFilter, *super().get_list_filter(request)]

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name=f"{prefix}_confirm",
            ),
            path(
                "<path:object_id>/merge/",
                self.admin_site.admin_view(self.merge_view),
                name=f"{prefix}_merge",
            ),
            *super().get_urls(),
        ]

    def _editors_only(self, request):
        if not self.has_confirm_permission(request):
            raise PermissionDenied(
                gettext(
                    "Only editors bring back deleted people and institutions. Writers "
                    "propose new ones and change their own proposals until an editor "
                    "confirms them."
                )
            )

    def recoverlist_view(self, request, extra_context=None):
        # Writers may add records now, which reversion takes as leave to
        # recover deleted ones: a merged-away proposal among them.
        self._editors_only(request)
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self._editors_only(request)
        return super().recover_view(request, version_id, extra_context)

    def restore_keeps_current(self, request, obj):
        """An old revision's words come back; whether the record is confirmed stays."""
        kept = super().restore_keeps_current(request, obj)
        return None if kept is None else (*kept, "confirmed", "proposed_by")

    def save_model(self, request, obj, form, change):
        if not change:
            for name, value in proposal_fields(request.user, self.model).items():
                setattr(obj, name, value)
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and not self.has_change_permission(request, obj):
                raise PermissionDenied(writer_refusal(obj))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.proposal_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def proposal_context(self, request, obj):
        """The panel above the form: what a proposal is, or why this one is read-only."""
        may_confirm_here = self.has_confirm_permission(request)
        context = {"proposal_may_confirm": may_confirm_here, "proposal_record": obj}
        if obj is None:
            if not may_confirm_here:
                context["proposal_note"] = gettext(
                    "You are proposing a new record: it is saved unconfirmed, stays off the "
                    "public site, and an editor confirms it (or merges it into an existing "
                    "record) before a story naming it is published. Until then you may "
                    "change it."
                )
            return context
        if not may_edit_record(request.user, obj):
            context["proposal_note"] = writer_refusal(obj)
        if not obj.confirmed:
            opts = self.model._meta
            prefix = f"admin:{opts.app_label}_{opts.model_name}"
            context.update(
                proposal_duplicates=list(obj.possible_duplicates().confirmed()[:5]),
                proposal_confirm_url=reverse(f"{prefix}_confirm", args=[quote(obj.pk)]),
                proposal_merge_url=reverse(f"{prefix}_merge", args=[quote(obj.pk)]),
            )
        return context

    @admin.display(description=_("proposal"))
    def proposal_badge(self, obj):
        if obj.confirmed:
            return ""
        who = obj.proposed_by.get_username() if obj.proposed_by else gettext("a writer")
        return format_html(
            '<span class="proposal-badge">{}</span>', gettext("Proposed by %s") % who
        )

    def _proposal_or_404(self, request, object_id):
        if not self.has_confirm_permission(request):
            raise PermissionDenied(
                gettext(
                    "Only editors confirm proposals or merge them into existing records. "
                    "Writers propose people and institutions and change their own proposals "
                    "until then."
                )
            )
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such record."))
        return obj

    def _change_url(self, obj):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])

    def confirm_view(self, request, object_id):
        """POST only: confirm one proposal from its change page."""
        obj = self._proposal_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(obj))
        self._confirm(request, [obj])
        return HttpResponseRedirect(self._change_url(obj))

    def _confirm(self, request, records):
        confirmed = 0
        for record in records:
            try:
                if proposal_confirm(record=record, user=request.user):
                    confirmed += 1
            except ProposalRefused as refusal:
                messages.error(request, str(refusal))
        if confirmed:
            messages.success(
                request,
                ngettext("Confirmed %d proposal.", "Confirmed %d proposals.", confirmed)
                % confirmed,
            )
        elif not any(not record.confirmed for record in records):
            messages.info(request, gettext("Nothing to confirm: these records were confirmed."))

    @admin.action(description=_("Confirm the selected proposals"), permissions=["confirm"])
    def confirm_selected(self, request, queryset):
        self._confirm(request, list(queryset.order_by("pk")))

    @admin.action(
        description=_("Merge the selected proposal into an existing record"),
        permissions=["confirm"],
    )
    def merge_selected(self, request, queryset):
        records = list(queryset[:2])
        if len(records) != 1 or records[0].confirmed:
            messages.error(request, gettext("Select exactly one proposal to merge."))
            return None
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_merge", args=[records[0].pk])
        )

    def merge_view(self, request, object_id):
        """Merge a proposal into the record it duplicates, after showing what moves."""
        proposal = self._proposal_or_404(request, object_id)
        if proposal.confirmed:
            messages.error(
                request, gettext("%s is confirmed: only proposals are merged.") % proposal
            )
            return HttpResponseRedirect(self._change_url(proposal))
        form = ProposalMergeForm(
            request.POST or None, proposal=proposal, admin_site=self.admin_site
        )
        if request.method == "POST" and form.is_valid():
            into = form.cleaned_data["into"]
            try:
                moved, dropped = proposal_merge(proposal=proposal, into=into, user=request.user)
            except ProposalRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                done = ", ".join(f"{count} {label}" for label, count in moved.items())
                messages.success(
                    request,
                    gettext("Merged “%(proposal)s” into this record; moved: %(moved)s.")
                    % {"proposal": proposal, "moved": done or gettext("nothing")},
                )
                if dropped:
                    messages.info(
                        request,
                        gettext("Links this record already had were not repeated: %s.")
                        % ", ".join(f"{count} {label}" for label, count in dropped.items()),
                    )
                return HttpResponseRedirect(self._change_url(into))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": proposal,
            "title": gettext("Merge the proposal “%s” into an existing record") % proposal,
            "form": form,
            "media": self.media + form.media,
            "plan": merge_plan(proposal=proposal),
            "duplicates": list(proposal.possible_duplicates().confirmed()[:10]),
            "change_url": self._change_url(proposal),
        }
        return TemplateResponse(request, self.merge_template, context)


class PositionInline(SaneDatesAdminMixin, admin.TabularInline):
    """A person's positions, editable wherever the person is (a writer's own proposal)."""

    model = Position
    autocomplete_fields = ["institution"]
    fields = ["institution", "title", "started_on", "ended_on"]

    def get_extra(self, request, obj=None, **kwargs):
        # A person is added to be quoted with a title: the row is there at
        # once (left empty, it is not saved).
        return 1 if obj is None else 0

    def _person_editable(self, request, obj):
        return obj is None or may_edit_record(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._person_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._person_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._person_editable(request, obj)


@admin.register(Institution)
class InstitutionAdmin(SlugFromTextAdminMixin, ProposalAdminMixin, NewsroomVersionAdmin):
    form = InstitutionAdminForm
    list_display = ["name", "short_name", "kind", "parent", "city", "country", "updated_at"]
    list_filter = ["kind", "country"]
    list_select_related = ["parent", "proposed_by"]
    search_fields = ["name", "short_name", "korean_name", "aliases"]
    autocomplete_fields = ["parent"]
    # Eight kinds: one click on a visible choice rather than opening a list.
    radio_fields = {"kind": admin.HORIZONTAL}
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
class PersonAdmin(SlugFromTextAdminMixin, ProposalAdminMixin, NewsroomVersionAdmin):
    form = PersonAdminForm
    list_display = ["name", "korean_name", "current_title", "updated_at"]
    search_fields = ["name", "korean_name", "slug"]
    inlines = [PositionInline]
    readonly_fields = ["quotes_given"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["name", "korean_name", "slug", "photo", "bio", "quotes_given"]})
    ]

    def get_queryset(self, request):
        # Under its own name: the chooser's search adds ``positions_prefetch()``
        # (``Person.autocomplete_rows``), and two prefetches of "positions"
        # with different querysets are refused.
        return (
            super()
            .get_queryset(request)
            .select_related("proposed_by")
            .prefetch_related(
                Prefetch(
                    "positions",
                    queryset=Position.objects.select_related("institution"),
                    to_attr="listed_positions",
                )
            )
        )

    @admin.display(description=_("current title"))
    def current_title(self, obj):
        today = timezone.localdate()
        positions = getattr(obj, "listed_positions", None)
        if positions is None:
            positions = obj.positions.all()
        held = [
            p
            for p in positions
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
class PositionAdmin(
    AddressInitialAdminMixin, SaneDatesAdminMixin, OptimisticLockAdminMixin, admin.ModelAdmin
):
    list_display = ["person", "title", "institution", "started_on", "ended_on"]
    list_filter = ["institution__kind"]
    list_select_related = ["person", "institution"]
    search_fields = ["person__name", "title", "institution__name", "institution__short_name"]
    autocomplete_fields = ["person", "institution"]
    date_hierarchy = "started_on"

    # A position is part of its person: writers give titles only to the people
    # they proposed, until an editor confirms them; editors edit any.

    def _may_edit_any(self, request):
        return may_confirm(request.user, Person)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_edit_record(request.user, obj.person)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or may_edit_record(request.user, obj.person)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and not self.has_change_permission(request, obj):
                raise PermissionDenied(writer_refusal(obj.person))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "person" and not self._may_edit_any(request):
            field.queryset = field.queryset.filter(confirmed=False, proposed_by=request.user)
            field.error_messages["invalid_choice"] = gettext(
                "Writers give positions only to the people they proposed, until an editor "
                "confirms them; ask an editor to record a new title for anyone else."
            )
        return field


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    form = AgreementPartyForm
    formset = AgreementPartyFormSet
    min_num = 1
    autocomplete_fields = ["institution", "signatory"]
    fields = ["institution", "signatory", "title_override", "order"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new agreement opens with two party rows: nearly all have two parties.
        return 1 if obj is None else 0


class AgreementAreaInline(admin.TabularInline):
    model = AgreementArea
    extra = 0
    fields = ["description", "order"]


@admin.register(Agreement)
class AgreementAdmin(SlugFromTextAdminMixin, NewsroomVersionAdmin):
    form = AgreementAdminForm
    list_display = ["title", "kind", "signed_on", "expires_on", "status_label", "party_names"]
    list_filter = ["kind", AgreementExpiryFilter, "signed_on"]
    search_fields = ["title", "summary", "parties__name", "parties__short_name"]
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
