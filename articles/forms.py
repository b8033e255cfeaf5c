"""The article admin's forms: the workflow rules enforced on the server."""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles import live_drafts, previews, workflow
from articles.models import Article, ArticleStatus, PreviewLink, links_implied
from institutions.models import AgreementParty, unconfirmed_message, unconfirmed_records
from newsroom.display import newsroom_time_display, newsroom_zone_label
from newsroom.locking import LockedModelForm
from newsroom.validation import refuse_unless_confirmed

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


class PreviewLinkForm(forms.ModelForm):
    revoke = forms.BooleanField(
        label=_("revoke"), required=False, help_text=_("Tick and save to withdraw the link.")
    )

    class Meta:
        model = PreviewLink
        fields = ["recipient", "expires_at", "shows_draft"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["expires_at"].initial = previews.preview_link_default_expiry()
        self.fields["expires_at"].help_text = _(
            "In %(zone)s. Seven days unless you choose otherwise."
        ) % {"zone": newsroom_zone_label()}

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if "expires_at" in self.changed_data and expires_at <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return expires_at

    def save(self, commit=True):
        if self.cleaned_data.get("revoke"):
            self.instance.revoke()
        return super().save(commit=commit)


def goes_public_on_save(article, data, *, status=None):
    """Whether saving ``article`` as posted (``data``) makes what the form holds public.

    A published story saved directly (or a scheduled one, at its time), or
    a live story's draft sent with "Publish changes"; a draft of a live
    story saved as a draft does not. ``status`` is the one the form chose,
    where the instance does not carry it yet.
    """
    if (status or article.status) != ArticleStatus.PUBLISHED:
        return False
    if getattr(article, "in_draft_mode", False):
        return live_drafts.draft_action(data) == live_drafts.PUBLISH_CHANGES
    return True


def proposals_refuse(*, people_ids=(), institution_ids=()):
    """Refuse a save that would publish a writer's proposal, naming it.

    Judged on what the form submits: the stored rows alone let a proposal
    quoted, credited or linked in the publishing save itself go out.
    """
    proposals = unconfirmed_records(people_ids=people_ids, institution_ids=institution_ids)
    if proposals:
        raise forms.ValidationError(unconfirmed_message(proposals), code="unconfirmed_records")


def _row_people(formset):
    return [
        form.cleaned_data["person"].pk
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get("person") is not None
    ]


class ArticleAdminForm(LockedModelForm):
    """Server-side workflow rules; the hidden widgets are not the only guard."""

    can_publish = False
    user_can_add_tags = False
    # A live story's form (articles.live_drafts): saving writes its draft,
    # and the version check is the draft's.
    draft_mode = False
    live_draft = None

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The form and its formsets judge proposals on the submitted records
        # (goes_public_on_save); the model's check would judge the stored ones.
        self.instance.proposals_judged_on_submission = True
        if self.draft_mode:
            content = getattr(self.instance, "draft_content", None)
            if content is not None and "tags" in self.fields:
                # The tag manager reads the stored tags, not the draft's.
                self.initial["tags"] = [Tag(name=name) for name in content.get("tags", [])]
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = _(
                "A time in the future schedules the story; it goes live on its own. "
                "Left empty, publishing means now."
            )
        if "slug" in self.fields:
            # Made from the headline on the server when left empty, and
            # shown as the headline is typed (static/admin/newsroom/slug.js):
            # Django's browser slug maker drops Korean letters.
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Part of the web address. Leave empty to make it from the headline "
                "(Korean is romanised). Changing it later keeps old links working."
            )
            if self.instance.pk is None:
                # Filled as the headline is typed, until the officer types a slug.
                self.fields["slug"].widget.attrs.update(
                    {
                        "data-slug-url": reverse("admin:articles_article_slug"),
                        "data-slug-source": self.add_prefix("headline"),
                    }
                )

    # The edit-conflict check and merge (newsroom.locking) against a live
    # story's draft: "theirs" is the stored draft, or the live story without
    # one, and the stamp changes with either. Drafts keep no revisions of
    # their own, so the refusal is two-way.

    @property
    def conflict_three_way(self):
        return not self.draft_mode

    @property
    def merge_reposts_added_rows(self):
        # A draft holds only the rows its form sends (live_drafts.content_from_forms).
        return self.draft_mode

    def opened_stamp(self):
        if self.draft_mode:
            return live_drafts.draft_stamp(self.instance, self.live_draft)
        return super().opened_stamp()

    def stored_stamp(self):
        if self.draft_mode:
            return live_drafts.draft_stamp_stored(self.instance.pk)
        return super().stored_stamp()

    def stored_record(self):
        if not self.draft_mode:
            return super().stored_record()
        return live_drafts.draft_stored(self.instance.pk)

    def stored_change(self, saved):
        draft = getattr(saved, "live_draft_row", None) if self.draft_mode else None
        if draft is None or draft.updated_by is None:
            return super().stored_change(saved)
        return (
            draft.updated_by.get_full_name() or draft.updated_by.get_username(),
            draft.updated_at,
        )

    def stored_rows(self, formset, saved):
        if not self.draft_mode:
            return None
        return live_drafts.draft_stored_rows(saved, formset.model)

    def stored_field_text(self, name, field, saved):
        content = getattr(saved, "draft_content", None) if self.draft_mode else None
        if name == "tags" and content is not None:
            # The tag manager reads the stored tags, not the draft's.
            return ", ".join(sorted(content.get("tags", []))) or "—"
        return super().stored_field_text(name, field, saved)

    def stored_what(self, saved):
        if not self.draft_mode:
            return ""
        if getattr(saved, "live_draft_row", None) is not None:
            return str(_("the draft"))
        return str(_("the live story"))

    def conflict_describe(self, current, saved, **kwargs):
        """The differences, less links that only their stored quotes and agreements imply.

        A save links everyone a story quotes and every party of its
        agreements (``Article.implied_links_add``), so a colleague's new quote
        also shows up as a new person among the links; that is the quote row's
        difference, which the editor chooses on its own, and the save implies
        the link again from whichever rows are kept.
        """
        conflict = super().conflict_describe(current, saved, **kwargs)
        content = getattr(saved, "draft_content", None) or live_drafts.content_of(saved)
        implied = links_implied(
            quoted=[row.get("person") for row in content["inlines"].get("quotes", [])],
            agreements=content["m2m"].get("agreements", []),
        )
        conflict.items = [
            item
            for item in conflict.items
            if not self._differs_only_by_implied_links(item, content, implied)
        ]
        return conflict

    def _differs_only_by_implied_links(self, item, content, implied):
        cleaned = getattr(self, "cleaned_data", {})
        if item.kind != "field" or item.name not in implied or item.name not in cleaned:
            return False
        theirs = set(content["m2m"].get(item.name, []))
        mine = {linked.pk for linked in cleaned[item.name]}
        return bool(theirs ^ mine) and (theirs ^ mine) <= set(implied[item.name])

    def conflict_headline(self, values):
        if not self.draft_mode:
            return super().conflict_headline(values)
        if not values["when"]:
            return str(_("%(who)s saved this story or its draft after you opened it.") % values)
        return str(
            _("%(who)s saved this story or its draft at %(when)s, after you opened it.") % values
        )

    def clean_slug(self):
        """A slug taken by another story is refused with a link to that story."""
        slug = self.cleaned_data.get("slug") or self._slug_from_headline()
        holder = Article.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if holder is not None:
            raise forms.ValidationError(
                format_html(
                    _(
                        'The address “{}” is already used by “<a href="{}">{}</a>”. Choose another slug.'
                    ),
                    slug,
                    reverse("admin:articles_article_change", args=[holder.pk]),
                    holder.headline,
                ),
                code="slug_taken",
            )
        return slug

    def _slug_from_headline(self):
        return Article.objects.free_slug(
            self.data.get(self.add_prefix("headline"), ""), exclude_pk=self.instance.pk
        )

    @staticmethod
    def _tag_names_as_stored(names):
        """``names`` spelt as the tags already stored, once each whatever the case.

        "KAIST" typed where "kaist" exists is that tag: a writer was refused
        for coining it, and an editor typing "KAIST, Kaist" made two more.
        """
        stored = {}
        query = Q()
        for name in {name.lower() for name in names}:
            query |= Q(name__iexact=name)
        if query:
            for name in Tag.objects.filter(query).order_by("pk").values_list("name", flat=True):
                stored.setdefault(name.lower(), name)
        result, seen = [], set()
        for name in names:
            key = name.lower()
            if key not in seen:
                seen.add(key)
                result.append(stored.get(key, name))
        return result

    def clean_tags(self):
        """Tag names fit the tag table, and only editors coin new tags.

        A 101-character name used to fail in the database and lose the
        writer's input; a writer typing a new word would create a tag
        without the add-tag permission.
        """
        names = self.cleaned_data.get("tags") or []
        too_long = [name for name in names if len(name) > TAG_NAME_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("A tag has at most %(limit)d characters: “%(name)s…” is longer.")
                % {"limit": TAG_NAME_MAX_LENGTH, "name": too_long[0][:40]}
            )
        names = self._tag_names_as_stored(names)
        if not self.user_can_add_tags:
            existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
            new = [name for name in names if name not in existing]
            if new:
                raise forms.ValidationError(
                    _("Writers choose from the existing tags; ask an editor to add: %(names)s.")
                    % {"names": ", ".join(new)}
                )
        return names

    def clean(self):
        cleaned = super().clean()
        if self.draft_mode:
            self._draft_clean()
        status = cleaned.get("status", self.instance.status)
        if not self.can_publish:
            # A writer's draft of a live story leaves the status alone.
            if status == ArticleStatus.PUBLISHED and not self.draft_mode:
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
        if (
            self.can_publish
            and status == ArticleStatus.PUBLISHED
            and "published_at" in self.fields
            and "published_at" not in self.errors
            and not cleaned.get("published_at")
        ):
            # Published with the time left empty means now, as in WordPress
            # and Wagtail; the editor asked for it and the field says so.
            cleaned["published_at"] = timezone.now().replace(microsecond=0)
        if not self.errors and goes_public_on_save(self.instance, self.data, status=status):
            agreements = [agreement.pk for agreement in cleaned.get("agreements") or []]
            proposals_refuse(
                people_ids=[person.pk for person in cleaned.get("people") or []],
                institution_ids=[
                    *(institution.pk for institution in cleaned.get("institutions") or []),
                    *AgreementParty.objects.filter(agreement__in=agreements).values_list(
                        "institution_id", flat=True
                    ),
                ],
            )
        published_at = cleaned.get("published_at", self.instance.published_at)
        embargo_until = cleaned.get("embargo_until", self.instance.embargo_until)
        if not self.errors and published_at and embargo_until and embargo_until < published_at:
            refuse_unless_confirmed(
                self.data,
                [
                    _(
                        "The embargo ends (%(embargo)s) before the publication time "
                        "(%(published)s), so it holds nothing back: move it or clear it."
                    )
                    % {
                        "embargo": newsroom_time_display(embargo_until),
                        "published": newsroom_time_display(published_at),
                    }
                ],
            )
        return cleaned

    def _draft_clean(self):
        """The rules of a live story's form: who may publish, and what a draft may hold.

        Whether someone saved in between is LockedModelForm.clean's check,
        with the draft's stamp (``stored_stamp``).
        """
        action = live_drafts.draft_action(self.data)
        if action == live_drafts.PUBLISH_CHANGES and not self.can_publish:
            raise forms.ValidationError(
                _(
                    "Only an editor can publish changes to a live story. Your changes are "
                    "still in the form: save them as a draft and submit them for review."
                ),
                code="publish_changes_not_allowed",
            )
        if action != live_drafts.PUBLISH_CHANGES:
            moved = [
                str(self.fields[name].label)
                for name in workflow.PUBLICATION_STATE
                if name in self.fields and name in self.changed_data
            ]
            if moved:
                raise forms.ValidationError(
                    _(
                        "Draft changes hold the story's words, pictures and links, not "
                        "%(fields)s: an editor changes those with “Publish changes”. To save "
                        "the draft, set them back as they were."
                    )
                    % {"fields": ", ".join(moved)},
                    code="publication_in_draft",
                )


class BylineFormSet(forms.BaseInlineFormSet):
    """Rows naming people (bylines, quotes): a writer's proposal goes out only once confirmed."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if goes_public_on_save(self.instance, self.data):
            proposals_refuse(people_ids=_row_people(self))


class QuoteFormSet(BylineFormSet):
    """Quotes whose speaker held no recorded position on the story's date print a bare name."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        day = self.instance.quote_date()
        warnings = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or data.get("title_override", "").strip():
                continue
            person = data.get("person")
            if person is not None and person.position_on(day) is None:
                warnings.append(
                    _(
                        "%(person)s held no recorded position on %(day)s, the story's date: "
                        "the quote will print the name alone. Add the position to their "
                        "record, or type a title override."
                    )
                    % {"person": person.name, "day": day.isoformat()}
                )
        refuse_unless_confirmed(self.data, warnings)
