"""The institution admin's forms: slugs made on the server, warnings for records that are probably wrong."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutions.models import Agreement, AgreementParty, Person, Position
from newsroom.locking import LockedModelForm
from newsroom.text import free_slug_in
from newsroom.validation import FittingAutocompleteSelect, refuse_unless_confirmed

# The field each record's slug is made from.
SLUG_SOURCES = {"institution": "name", "person": "name", "agreement": "title"}


def _admin_links(records):
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (
                reverse(
                    f"admin:{record._meta.app_label}_{record._meta.model_name}_change",
                    args=[record.pk],
                ),
                str(record),
            )
            for record in records
        ),
    )


def free_slug_for(model, text, *, exclude_pk=None):
    """A slug for ``text`` that no other ``model`` record holds, Hangul romanised.

    "서울대학교 의과대학" gives "seouldaehakgyo-uigwadaehak", and "-2" is added
    when that is taken; a name with nothing to spell gives the model's name.
    """
    return free_slug_in(
        model._default_manager.all(),
        text or "",
        max_length=model._meta.get_field("slug").max_length,
        fallback=model._meta.model_name,
        exclude_pk=exclude_pk,
    )


class SlugFromTextForm(LockedModelForm):
    """The slug may be left empty: the server makes it from the name (or title).

    Django's browser slug maker drops Korean letters, so "김철수" left the
    slug empty and the form refused it. The slug is shown as the name is
    typed by static/admin/newsroom/slug.js, asking the admin's ``slug/``
    view (``SlugFromTextAdminMixin``), and made again on saving.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("slug")
        if field is None:
            return
        opts = self._meta.model._meta
        source = SLUG_SOURCES[opts.model_name]
        field.required = False
        field.help_text = _(
            "Part of the web address. Leave empty to make it from the %(source)s "
            "(Korean is romanised)."
        ) % {"source": opts.get_field(source).verbose_name}
        if self.instance.pk is None:
            # Filled as the name is typed, until the officer types a slug.
            field.widget.attrs.update(
                {
                    "data-slug-url": reverse(f"admin:{opts.app_label}_{opts.model_name}_slug"),
                    "data-slug-source": self.add_prefix(source),
                }
            )

    def clean_slug(self):
        """An empty slug is made from the name; one another record holds is refused with a link."""
        model = self._meta.model
        slug = self.cleaned_data.get("slug")
        if not slug:
            source = SLUG_SOURCES[model._meta.model_name]
            text = self.cleaned_data.get(source) or self.data.get(self.add_prefix(source), "")
            slug = free_slug_for(model, str(text), exclude_pk=self.instance.pk)
        holder = model._default_manager.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if holder is not None:
            raise forms.ValidationError(
                format_html(
                    _(
                        "The address “{}” is already used by {}. Choose another slug, "
                        "or leave it empty to have one made."
                    ),
                    slug,
                    _admin_links([holder]),
                ),
                code="slug_taken",
            )
        return slug


class DuplicateWarningForm(SlugFromTextForm):
    """Warns, with links, when the record looks like one that already exists."""

    duplicate_message = ""

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = self.instance
        for name, value in cleaned.items():
            if hasattr(candidate, name) and not isinstance(value, (list, tuple)):
                setattr(candidate, name, value)
        duplicates = list(candidate.possible_duplicates()[:5])
        if duplicates:
            refuse_unless_confirmed(
                self.data, [format_html(self.duplicate_message, _admin_links(duplicates))]
            )
        return cleaned


class PersonAdminForm(DuplicateWarningForm):
    duplicate_message = _(
        "Someone with this name or Korean name is already recorded: {}. "
        "Open them to check this is not the same person."
    )


class InstitutionAdminForm(DuplicateWarningForm):
    duplicate_message = _(
        "An institution with this Korean name, or whose name or alias matches this one's, "
        "is already recorded: {}. Open it to check this is not the same institution."
    )


class AgreementAdminForm(SlugFromTextForm):
    class Meta:
        model = Agreement
        fields = "__all__"


class ProposalMergeForm(forms.Form):
    """Which confirmed record a proposal duplicates, chosen as in the story form."""

    into = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("Merge into"),
        help_text=gettext_lazy(
            "The confirmed record this proposal duplicates. It keeps its own name and "
            "details; the proposal's quotes, positions, bylines and other links move to it."
        ),
        error_messages={
            "required": gettext_lazy("Choose the record to keep."),
            "invalid_choice": gettext_lazy(
                "Choose a confirmed record other than the proposal itself."
            ),
        },
    )

    def __init__(self, *args, proposal, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        model = type(proposal)
        # Any foreign key to the model will do: it only tells the chooser
        # which admin's search to ask.
        source = Position._meta.get_field("person" if model is Person else "institution")
        field = self.fields["into"]
        field.widget = FittingAutocompleteSelect(source, admin_site)
        # After the widget: setting the queryset hands the widget its choices.
        field.queryset = model.objects.confirmed().exclude(pk=proposal.pk)


class AgreementPartyForm(forms.ModelForm):
    """A party row: the institution may be left to the signatory's position.

    Entering the seed story, the officer picked each dean's school and then the
    dean, who already holds a position there: two autocomplete searches where
    one says it all.
    """

    agreement = None

    class Meta:
        model = AgreementParty
        fields = ["institution", "signatory", "title_override", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.required = False
        field.help_text = gettext_lazy(
            "Leave empty to take the signatory's institution on the signing date."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("institution") is not None or "institution" in self.errors:
            return cleaned
        signatory = cleaned.get("signatory")
        if signatory is None:
            self.add_error(
                "institution", _("Choose the institution, or a signatory to take it from.")
            )
            return cleaned
        # The agreement being edited, with the signing date typed on its form
        # (set by AgreementPartyFormSet; the row's own link is empty on an add form).
        signed_on = getattr(self.agreement, "signed_on", None)
        on = signed_on or timezone.localdate()
        position = signatory.position_on(on)
        if position is None:
            self.add_error(
                "institution",
                _(
                    "%(person)s held no recorded position on %(date)s to take the institution "
                    "from; choose it."
                )
                % {"person": signatory.name, "date": on.isoformat()},
            )
            return cleaned
        cleaned["institution"] = position.institution
        return cleaned


class AgreementPartyFormSet(forms.BaseInlineFormSet):
    """An agreement's parties: at least two, each signatory working for their party."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.agreement = self.instance
        return form

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        parties = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        warnings = []
        if len(parties) < 2:
            warnings.append(
                _("An agreement usually has at least two parties; this one has %d.") % len(parties)
            )
        signed_on = self.instance.signed_on
        for party in parties:
            signatory, institution = party.get("signatory"), party.get("institution")
            if signatory is None or institution is None or signed_on is None:
                continue
            family = institution.family_ids()
            held = signatory.positions.held_on(signed_on).filter(institution_id__in=family)
            if not held.exists():
                warnings.append(
                    _(
                        "%(person)s held no position at %(institution)s on %(date)s, "
                        "the signing date: is this the right signatory?"
                    )
                    % {
                        "person": signatory.name,
                        "institution": institution.label,
                        "date": signed_on.isoformat(),
                    }
                )
        refuse_unless_confirmed(self.data, warnings)
