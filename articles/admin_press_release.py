"""Admin pages for "Import press release": paste or upload, review, create the draft.

Three addresses under ``admin/import/press-release/`` (newsroom/urls.py
includes ``urlpatterns`` below): the form, the review page that Analyse
shows, and the create step. Nothing is written before the editor presses
Create draft; then ``articles.press_release.press_release_import`` does it
all in one transaction. The review page carries the release text in a hidden
field and analyses it again on Create, so the pages keep no state.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import DatabaseError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.extraction import MAX_CHARS
from articles.models import Section
from articles.press_release import (
    AgreementPlan,
    DraftPlan,
    InstitutionPlan,
    PartyPlan,
    PersonPlan,
    PressReleaseError,
    QuotePlan,
    press_release_import,
    press_release_propose,
    press_release_read,
)
from institutions.models import (
    MAX_TERM_YEARS,
    AgreementKind,
    Institution,
    InstitutionKind,
    Person,
    Position,
)

ADD_PERMISSION = "articles.add_article"
# Paragraph kinds ticked for the draft and shown as its body; the rest are kept apart.
BODY_KINDS = ("body", "subheading")


class ImportForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Press release text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text=gettext_lazy("Paste the whole release: headline, body, captions, contacts."),
    )
    upload = forms.FileField(
        label=gettext_lazy("…or a file"),
        required=False,
        help_text=gettext_lazy("A .txt, .docx or .html file; HTML is cleaned like the editor's."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.html,.htm"}),
    )
    published = forms.DateField(
        label=gettext_lazy("Release date"),
        help_text=gettext_lazy("Dates in the text such as “on Wednesday” are read from this day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["source"] = press_release_read(
                text=cleaned.get("text", ""), upload=cleaned.get("upload")
            )
        except PressReleaseError as error:
            raise ValidationError(str(error)) from None
        return cleaned


def _choice_new(label, allowed):
    if allowed:
        return ("new", label)
    return ("new", _("%(label)s (you may not add this: ask an editor)") % {"label": label})


class ReviewForm(forms.Form):
    """Every proposal of a ``Proposal`` as a checkbox, edit fields and, for
    matches, a select of the alternatives. Field names carry the proposal
    keys ("i0-name", "p1-record", "q2-use")."""

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.user = user
        self.may_add_institution = user.has_perm("institutions.add_institution")
        self.may_add_person = user.has_perm("institutions.add_person")
        self.may_add_position = user.has_perm("institutions.add_position")
        self.may_add_agreement = user.has_perm("institutions.add_agreement")
        add = self.fields.__setitem__
        add("source", forms.CharField(widget=forms.HiddenInput, strip=False))
        add("published", forms.DateField(widget=forms.HiddenInput))
        add(
            "section",
            forms.ModelChoiceField(
                Section.objects.all(), label=_("Section"), initial=Section.objects.first()
            ),
        )
        add(
            "headline",
            forms.CharField(
                label=_("Headline"),
                max_length=200,
                initial=proposal.headline,
                widget=forms.TextInput(attrs={"size": 90}),
            ),
        )
        add(
            "standfirst-use",
            forms.BooleanField(
                label=_("Use"),
                required=False,
                initial=bool(proposal.standfirst) and not proposal.standfirst_derived,
            ),
        )
        add(
            "standfirst",
            forms.CharField(
                label=_("Standfirst"),
                required=False,
                max_length=600,
                initial=proposal.standfirst,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
            ),
        )
        for n, paragraph in enumerate(proposal.paragraphs):
            add(
                f"b{n}-use",
                forms.BooleanField(
                    label=_("Use"), required=False, initial=paragraph.kind in BODY_KINDS
                ),
            )
            add(
                f"b{n}-text",
                forms.CharField(
                    label=paragraph.kind,
                    required=False,
                    initial=paragraph.text,
                    widget=forms.Textarea(attrs={"rows": 3, "cols": 90}),
                ),
            )
        institution_refs = [(i.key, i.name) for i in proposal.institutions]
        for institution in proposal.institutions:
            self._institution_fields(institution, institution_refs)
        person_refs = [("", _("— nobody —"))] + [(p.key, p.name) for p in proposal.people]
        for person in proposal.people:
            self._person_fields(person, institution_refs)
        for n, quote in enumerate(proposal.quotes):
            speaker = proposal.person(quote.speaker_key)
            usable = speaker is not None and (speaker.match is not None or self.may_add_person)
            add(f"q{n}-use", forms.BooleanField(label=_("Use"), required=False, initial=usable))
            add(
                f"q{n}-text",
                forms.CharField(
                    label=_("Quote"),
                    initial=quote.text,
                    widget=forms.Textarea(attrs={"rows": 3, "cols": 90}),
                ),
            )
            add(
                f"q{n}-speaker",
                forms.ChoiceField(
                    label=_("Speaker"),
                    choices=person_refs,
                    required=False,
                    initial=quote.speaker_key,
                ),
            )
            add(
                f"q{n}-title_override",
                forms.CharField(
                    label=_("Title override"),
                    required=False,
                    max_length=250,
                    help_text=_(
                        "Leave empty to print the speaker's position (recorded from the title "
                        "and institution above); type only to print something else."
                    ),
                ),
            )
        self._agreement_fields(proposal.agreement, institution_refs, person_refs)

    # Field groups --------------------------------------------------------

    def _record_fields(self, proposed, stored_choices, *, may_add, use, name_size):
        """Use, Name and Record: the fields a proposed institution and a proposed
        person share. Record offers a new record or one of ``stored_choices``."""
        add = self.fields.__setitem__
        key = proposed.key
        records = [
            _choice_new(_("Create new: %(name)s") % {"name": proposed.name}, may_add),
            *stored_choices,
        ]
        add(f"{key}-use", forms.BooleanField(label=_("Use"), required=False, initial=use))
        add(
            f"{key}-name",
            forms.CharField(
                label=_("Name"),
                max_length=200,
                initial=proposed.name,
                widget=forms.TextInput(attrs={"size": name_size}),
            ),
        )
        add(
            f"{key}-record",
            forms.ChoiceField(
                label=_("Record"),
                choices=records,
                initial=f"e:{proposed.match.pk}" if proposed.match else "new",
            ),
        )

    def _institution_fields(self, institution, refs):
        add = self.fields.__setitem__
        key = institution.key
        self._record_fields(
            institution,
            [(f"e:{stored.pk}", _institution_label(stored)) for stored in institution.matches],
            may_add=self.may_add_institution,
            use=institution.match is not None
            or ((institution.listed or institution.parent_only) and self.may_add_institution),
            name_size=70,
        )
        add(
            f"{key}-short_name",
            forms.CharField(
                label=_("Short name"), required=False, max_length=40, initial=institution.short_name
            ),
        )
        add(
            f"{key}-kind",
            forms.ChoiceField(
                label=_("Kind"), choices=InstitutionKind.choices, initial=institution.kind
            ),
        )
        parents = [("", _("— none —"))] + [
            (k, _("proposed: %(name)s") % {"name": n}) for k, n in refs if k != key
        ]
        if institution.parent_key.startswith("e:"):
            parents.append((institution.parent_key, institution.parent_name))
        add(
            f"{key}-parent",
            forms.ChoiceField(
                label=_("Part of"), choices=parents, required=False, initial=institution.parent_key
            ),
        )

    def _person_fields(self, person, institution_refs):
        add = self.fields.__setitem__
        key = person.key
        self._record_fields(
            person,
            [(f"e:{stored.pk}", _person_label(stored)) for stored in person.matches]
            + [
                (
                    f"e:{stored.pk}",
                    _("%(person)s — same name, a different institution")
                    % {"person": _person_label(stored)},
                )
                for stored in person.near_duplicates
            ],
            may_add=self.may_add_person,
            use=person.match is not None or self.may_add_person,
            name_size=40,
        )
        add(
            f"{key}-title",
            forms.CharField(label=_("Title"), required=False, max_length=200, initial=person.title),
        )
        add(
            f"{key}-institution",
            forms.ChoiceField(
                label=_("At"),
                choices=[("", _("— not said —")), *institution_refs],
                required=False,
                initial=person.institution_key,
            ),
        )
        positions = [
            ("auto", _("Found or new: title at that institution")),
            ("none", _("Do not record a position")),
        ]
        initial_position = "auto"
        if person.match is not None:
            for stored in person.match.positions.select_related("institution"):
                positions.append(
                    (
                        f"e:{stored.pk}",
                        _("Held: %(position)s") % {"position": stored.printable_title},
                    )
                )
            if person.position is not None:
                initial_position = f"e:{person.position.pk}"
        add(
            f"{key}-position",
            forms.ChoiceField(label=_("Position"), choices=positions, initial=initial_position),
        )

    def _agreement_fields(self, agreement, institution_refs, person_refs):
        if agreement is None:
            return
        add = self.fields.__setitem__
        add(
            "a-use",
            forms.BooleanField(label=_("Use"), required=False, initial=self.may_add_agreement),
        )
        add(
            "a-title",
            forms.CharField(
                label=_("Title"), max_length=250, required=False, initial=agreement.title
            ),
        )
        add(
            "a-kind",
            forms.ChoiceField(
                label=_("Kind"), choices=AgreementKind.choices, initial=agreement.kind
            ),
        )
        add(
            "a-signed_on",
            forms.DateField(
                label=_("Signed on"),
                required=False,
                initial=agreement.signed_on,
                widget=forms.DateInput(attrs={"type": "date"}),
                help_text=(_("The text says “%(phrase)s”.") % {"phrase": agreement.date_phrase})
                if agreement.date_phrase
                else _("The text gives no signing date."),
            ),
        )
        add(
            "a-term_years",
            forms.IntegerField(
                label=_("Term in years"),
                required=False,
                min_value=1,
                max_value=MAX_TERM_YEARS,
                initial=agreement.term_years,
            ),
        )
        add(
            "a-areas",
            forms.CharField(
                label=_("Areas of cooperation"),
                required=False,
                initial="\n".join(agreement.areas),
                widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
                help_text=_("One per line."),
            ),
        )
        rows = [*list(agreement.parties), None]
        for m, party in enumerate(rows):
            add(
                f"a{m}-institution",
                forms.ChoiceField(
                    label=_("Party"),
                    choices=[("", _("— none —")), *institution_refs],
                    required=False,
                    initial=party.institution_key if party else "",
                ),
            )
            add(
                f"a{m}-signatory",
                forms.ChoiceField(
                    label=_("Signed by"),
                    choices=person_refs,
                    required=False,
                    initial=party.signatory_key if party else "",
                ),
            )
            add(
                f"a{m}-title_override",
                forms.CharField(
                    label=_("Title override"),
                    required=False,
                    max_length=200,
                    help_text=(_("As written: %(title)s") % {"title": party.signatory_title})
                    if party and party.signatory_title
                    else "",
                ),
            )
        self.party_rows = len(rows)

    # Validation ----------------------------------------------------------

    def used(self, prefix):
        return bool(self.cleaned_data.get(f"{prefix}-use"))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        proposal = self.proposal
        for institution in proposal.institutions:
            key = institution.key
            if (
                self.used(key)
                and cleaned.get(f"{key}-record") == "new"
                and not self.may_add_institution
            ):
                self.add_error(
                    f"{key}-record",
                    _("You may not add institutions: choose a stored one or untick it."),
                )
            parent = cleaned.get(f"{key}-parent")
            if self.used(key) and parent and not parent.startswith("e:") and not self.used(parent):
                other = proposal.institution(parent)
                if other is not None and not other.matches:
                    self.add_error(
                        f"{key}-parent",
                        _("Tick “%(name)s” too, or choose no parent.") % {"name": other.name},
                    )
        for person in proposal.people:
            key = person.key
            if not self.used(key):
                continue
            record = cleaned.get(f"{key}-record")
            position = cleaned.get(f"{key}-position") or "auto"
            if record == "new" and not self.may_add_person:
                self.add_error(
                    f"{key}-record", _("You may not add people: choose a stored person or untick.")
                )
                continue
            if position.startswith("e:"):
                owner = (
                    Position.objects.filter(pk=int(position[2:]))
                    .values_list("person_id", flat=True)
                    .first()
                )
                if record == "new" or owner != int(record[2:]):
                    self.add_error(f"{key}-position", _("That position belongs to someone else."))
        for n, _quote in enumerate(proposal.quotes):
            if not self.used(f"q{n}"):
                continue
            speaker = cleaned.get(f"q{n}-speaker")
            if not speaker:
                self.add_error(
                    f"q{n}-speaker", _("A quote needs a speaker: choose one or untick the quote.")
                )
            elif not self.used(speaker):
                self.add_error(
                    f"q{n}-speaker", _("Tick this speaker in People too, or untick the quote.")
                )
        if proposal.agreement is not None and self.used("a"):
            if not self.may_add_agreement:
                self.add_error("a-use", _("You may not add agreements: untick it."))
            if not cleaned.get("a-signed_on"):
                self.add_error("a-signed_on", _("Give the signing date, or untick the agreement."))
            if not cleaned.get("a-title"):
                self.add_error("a-title", _("Give the agreement a title."))
            parties = [cleaned.get(f"a{m}-institution") for m in range(self.party_rows)]
            if not [p for p in parties if p]:
                self.add_error("a0-institution", _("An agreement needs its parties."))
            for m, party in enumerate(parties):
                if party and not self.used(party):
                    self.add_error(f"a{m}-institution", _("Tick this institution too."))
                signatory = cleaned.get(f"a{m}-signatory")
                if signatory and not self.used(signatory):
                    self.add_error(f"a{m}-signatory", _("Tick this person in People too."))
        return cleaned

    # The plan ------------------------------------------------------------

    def plan(self):
        cleaned = self.cleaned_data
        proposal = self.proposal
        institutions = []
        for institution in proposal.institutions:
            key = institution.key
            if not self.used(key):
                continue
            institutions.append(
                InstitutionPlan(
                    key=key,
                    existing=self._chosen_record(Institution, key),
                    name=cleaned[f"{key}-name"],
                    short_name=cleaned[f"{key}-short_name"],
                    kind=cleaned[f"{key}-kind"],
                    parent=self._parent(cleaned.get(f"{key}-parent") or ""),
                    link=not institution.parent_only,
                )
            )
        used_institutions = {i.key for i in institutions}
        people = []
        for person in proposal.people:
            key = person.key
            if not self.used(key):
                continue
            position = cleaned[f"{key}-position"]
            if position == "auto" and not self.may_add_position:
                position = "held"  # a held position is linked, none is created
            people.append(
                PersonPlan(
                    key=key,
                    existing=self._chosen_record(Person, key),
                    name=cleaned[f"{key}-name"],
                    title=cleaned[f"{key}-title"],
                    institution=cleaned[f"{key}-institution"]
                    if cleaned[f"{key}-institution"] in used_institutions
                    else "",
                    position=position,
                )
            )
        quotes = [
            QuotePlan(
                text=cleaned[f"q{n}-text"],
                person=cleaned[f"q{n}-speaker"],
                title_override=cleaned[f"q{n}-title_override"],
            )
            for n, _quote in enumerate(proposal.quotes)
            if self.used(f"q{n}")
        ]
        paragraphs = [
            (p.kind, cleaned[f"b{n}-text"])
            for n, p in enumerate(proposal.paragraphs)
            if self.used(f"b{n}") and cleaned[f"b{n}-text"].strip()
        ]
        agreement = None
        if proposal.agreement is not None and self.used("a"):
            agreement = AgreementPlan(
                title=cleaned["a-title"],
                kind=cleaned["a-kind"],
                signed_on=cleaned["a-signed_on"],
                term_years=cleaned.get("a-term_years"),
                areas=[line.strip() for line in cleaned["a-areas"].splitlines() if line.strip()],
                parties=[
                    PartyPlan(
                        institution=cleaned[f"a{m}-institution"],
                        signatory=cleaned.get(f"a{m}-signatory") or "",
                        title_override=cleaned.get(f"a{m}-title_override") or "",
                    )
                    for m in range(self.party_rows)
                    if cleaned.get(f"a{m}-institution")
                ],
            )
        return DraftPlan(
            headline=cleaned["headline"],
            section=cleaned["section"],
            standfirst=cleaned["standfirst"] if self.used("standfirst") else "",
            paragraphs=paragraphs,
            institutions=institutions,
            people=people,
            quotes=quotes,
            agreement=agreement,
        )

    def _chosen_record(self, model, key):
        """The stored record chosen in ``{key}-record``, or None for a new one."""
        record = self.cleaned_data[f"{key}-record"]
        return model.objects.get(pk=int(record[2:])) if record.startswith("e:") else None

    def _parent(self, value):
        if not value or value.startswith("e:"):
            return value
        if self.used(value):
            return value
        other = self.proposal.institution(value)
        return f"e:{other.match.pk}" if other is not None and other.match else ""

    # Rendering help ------------------------------------------------------

    def rows(self, prefix_items, names):
        """(item, {name: bound field}) pairs for the template."""
        return [
            (item, {name: self[f"{key}-{name}"] for name in names}) for key, item in prefix_items
        ]


def _institution_label(institution):
    parent = f" — {_('part of')} {institution.parent.name}" if institution.parent_id else ""
    return f"{institution.name} ({institution.label}){parent}"


def _person_label(person):
    positions = ", ".join(p.printable_title for p in person.positions.all()[:3])
    return (
        f"{person.name} ({positions})"
        if positions
        else f"{person.name} ({_('no position stored')})"
    )


# --------------------------------------------------------------------- views


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


def _require_add(request):
    if not request.user.has_perm(ADD_PERMISSION):
        raise PermissionDenied


def press_release_start(request):
    """The paste-or-upload form (GET), and Analyse (POST), which shows the review page."""
    _require_add(request)
    if request.method != "POST":
        form = ImportForm(initial={"published": timezone.localdate()})
        return render(
            request,
            "admin/press_release/start.html",
            _context(request, form=form, title=_("Import press release")),
        )
    try:
        form = ImportForm(request.POST, request.FILES)
        valid = form.is_valid()
    except RequestDataTooBig:
        form = ImportForm(initial={"published": timezone.localdate()})
        messages.error(
            request,
            _(
                "The pasted text is too large to send (more than 5 MB). Paste only the press release, or upload it as a file."
            ),
        )
        return render(
            request,
            "admin/press_release/start.html",
            _context(request, form=form, title=_("Import press release")),
            status=413,
        )
    if not valid:
        return render(
            request,
            "admin/press_release/start.html",
            _context(request, form=form, title=_("Import press release")),
        )
    source = form.cleaned_data["source"]
    published = form.cleaned_data["published"]
    proposal = press_release_propose(text=source, published=published, user=request.user)
    if len(source) > MAX_CHARS:
        source = source[:MAX_CHARS]
    review = ReviewForm(
        proposal=proposal,
        user=request.user,
        initial={"source": source, "published": published},
    )
    return _review(request, review)


def press_release_create(request):
    """Create draft (POST from the review page): all or nothing, then the article's change page."""
    _require_add(request)
    if request.method != "POST":
        return redirect("press-release:start")
    source = request.POST.get("source", "")
    published = _date(request.POST.get("published"))
    if not source.strip() or published is None:
        messages.error(request, _("The review page was incomplete; start again."))
        return redirect("press-release:start")
    proposal = press_release_propose(
        text=source[:MAX_CHARS], published=published, user=request.user
    )
    review = ReviewForm(request.POST, proposal=proposal, user=request.user)
    if not review.is_valid():
        messages.error(request, _("Nothing was created: correct the fields marked below."))
        return _review(request, review, status=400)
    try:
        article = press_release_import(plan=review.plan(), user=request.user)
    except PermissionDenied:
        messages.error(request, _("Nothing was created: you lack a permission this import needs."))
        return _review(request, review, status=403)
    except (DatabaseError, ValidationError) as error:
        messages.error(request, _("Nothing was created: %(error)s") % {"error": _error_text(error)})
        return _review(request, review, status=409)
    messages.success(
        request, _("Draft created from the press release. Check it, then save or submit it.")
    )
    return redirect(reverse("admin:articles_article_change", args=[article.pk]))


def _error_text(error):
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return _("the database refused a record (%(error)s).") % {"error": error.__class__.__name__}


def _date(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _review(request, review, status=200):
    proposal = review.proposal
    context = _context(
        request,
        title=_("Review the press release"),
        form=review,
        proposal=proposal,
        standfirst_use=review["standfirst-use"],
        agreement_fields=[
            review[name]
            for name in ("a-use", "a-title", "a-kind", "a-signed_on", "a-term_years", "a-areas")
            if name in review.fields
        ],
        paragraphs=_paragraph_rows(review, body=True),
        apart=_paragraph_rows(review, body=False),
        institutions=review.rows(
            [(i.key, i) for i in proposal.institutions],
            ["use", "name", "record", "short_name", "kind", "parent"],
        ),
        people=review.rows(
            [(p.key, p) for p in proposal.people],
            ["use", "name", "record", "title", "institution", "position"],
        ),
        quotes=review.rows(
            [(f"q{n}", q) for n, q in enumerate(proposal.quotes)],
            ["use", "text", "speaker", "title_override"],
        ),
        parties=review.rows(
            [(f"a{m}", m) for m in range(getattr(review, "party_rows", 0))],
            ["institution", "signatory", "title_override"],
        ),
    )
    return render(request, "admin/press_release/review.html", context, status=status)


def _paragraph_rows(review, *, body):
    """(paragraph, use field, text field) for the body paragraphs, or for those kept apart."""
    return [
        (p, review[f"b{n}-use"], review[f"b{n}-text"])
        for n, p in enumerate(review.proposal.paragraphs)
        if (p.kind in BODY_KINDS) == body
    ]


urlpatterns = [
    path("", admin.site.admin_view(press_release_start), name="start"),
    path("create/", admin.site.admin_view(press_release_create), name="create"),
]
