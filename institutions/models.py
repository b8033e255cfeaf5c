import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from newsroom import revisions
from newsroom.images import IMAGE_VALIDATORS
from newsroom.media import PrivateImageField
from newsroom.models import EditedRecord


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    COLLEGE = "college", _("College or school")
    GRADUATE_SCHOOL = "graduate_school", _("Graduate school")
    HOSPITAL = "hospital", _("Hospital")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    COMPANY = "company", _("Company")
    GOVERNMENT = "government", _("Government body")
    OTHER = "other", _("Other")


class ProposedRecord(models.Model):
    """A person or institution a writer has proposed, until an editor confirms it.

    Writers add the people and institutions a story needs as they write it;
    a proposal stays off the public site (its page, the lists, feeds,
    sitemaps and the API) and keeps any story that names it from being
    published, until an editor confirms it or merges it into the record it
    duplicates (``proposal_merge``).
    """

    confirmed = models.BooleanField(
        _("confirmed"),
        default=True,
        help_text=_(
            "Unticked for a writer's proposal: it is not public, and stories naming it "
            "cannot be published until an editor confirms it or merges it into an existing "
            "record."
        ),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def proposal_suffix(self):
        return "" if self.confirmed else f" {_('(proposed)')}"


class ProposedQuerySet(models.QuerySet):
    def confirmed(self):
        """What the public site may show: everything but writers' unconfirmed proposals."""
        return self.filter(confirmed=True)

    def proposed(self):
        return self.filter(confirmed=False)


SUB_UNIT_KINDS = {
    InstitutionKind.COLLEGE,
    InstitutionKind.GRADUATE_SCHOOL,
    InstitutionKind.RESEARCH_INSTITUTE,
}


class InstitutionQuerySet(ProposedQuerySet):
    def family_of(self, institution):
        """The institution and every unit beneath it, at any depth, parents joined."""
        return self.filter(pk__in=self.family_ids_sql(institution.pk)).select_related("parent")

    def family_ids_sql(self, pk):
        """SQL for the ids of an institution and everything beneath it, at any depth.

        A recursive query, for use inside another (``institution_id__in=``):
        one round trip whatever the depth. UNION rather than UNION ALL, so a
        cycle typed into the admin ends the recursion instead of looping.
        """
        table = self.model._meta.db_table
        return RawSQL(
            f"WITH RECURSIVE family(id) AS (SELECT id FROM {table} WHERE id = %s UNION "
            f"SELECT child.id FROM {table} child JOIN family ON child.parent_id = family.id) "
            f"SELECT id FROM family",
            (pk,),
        )


class Institution(ProposedRecord, EditedRecord):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        blank=True,
        help_text=_("The abbreviation used in stories, such as “GSMSE” or “KAIST”."),
    )
    korean_name = models.CharField(_("Korean name"), max_length=200, blank=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names readers may search for, one per line."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=InstitutionKind, default=InstitutionKind.UNIVERSITY
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The larger institution this one belongs to, e.g. KAIST for GSMSE."),
    )
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="South Korea")
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="institutions/logos/", blank=True, validators=IMAGE_VALIDATORS
    )

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        permissions = [
            ("confirm_institution", _("Can confirm or merge proposed institutions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="institution_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("institutions:detail", kwargs={"slug": self.slug})

    @property
    def label(self):
        """The short form used in running text: "KAIST GSMSE" rather than the full name."""
        if not self.short_name:
            return self.name
        # A school's acronym alone ("GSMSE") means little without its parent's
        # ("KAIST GSMSE"), unless the parent is already part of its name.
        parent = self.parent if self.parent_id else None
        if (
            parent
            and parent.short_name
            and self.kind in SUB_UNIT_KINDS
            and not self.name.startswith(parent.name)
            and parent.short_name not in self.short_name
        ):
            return f"{parent.short_name} {self.short_name}"
        return self.short_name

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @staticmethod
    def autocomplete_rows(queryset):
        return queryset.select_related("parent__parent")

    def autocomplete_label(self):
        """Which one this is, for choosers: name, the unit it belongs to, Korean name."""
        label = self.name
        if self.parent is not None:
            label += f", part of {self.parent.label}"
        if self.korean_name:
            label += f" ({self.korean_name})"
        return label + self.proposal_suffix()

    def possible_duplicates(self):
        """Other institutions with the same Korean name, or whose name or alias is one of ours."""
        names = [self.name, *self.alias_list]
        names = [name.strip() for name in names if name.strip()]
        same = Q(name__in=names)
        if self.korean_name.strip():
            same |= Q(korean_name=self.korean_name.strip())
        for name in names:
            # Aliases are one per line: match a whole line.
            same |= Q(aliases__iregex=rf"(^|\n){re.escape(name)}(\r?\n|$)")
        return Institution.objects.filter(same).exclude(pk=self.pk)

    def family_ids(self):
        """Ids of this institution, its ancestors and its units at any depth."""
        below = Institution.objects.filter(
            pk__in=Institution.objects.family_ids_sql(self.pk)
        ).values_list("pk", flat=True)
        return {*below, *(ancestor.pk for ancestor in self.ancestors())}

    def ancestors(self):
        """Parents from the nearest outwards, stopping at any loop."""
        seen, node, chain = {self.pk}, self.parent, []
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self):
        super().clean()
        if (
            self.parent_id
            and self.pk
            and (self.parent_id == self.pk or any(a.pk == self.pk for a in self.parent.ancestors()))
        ):
            raise ValidationError(
                {"parent": _("An institution cannot be part of itself or of its own sub-units.")}
            )


class PersonQuerySet(ProposedQuerySet):
    pass


class Person(ProposedRecord, EditedRecord):
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_(
            "As written in English news; Korean names keep their order, e.g. “Choi Jae-young”."
        ),
    )
    korean_name = models.CharField(_("Korean name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    # Shown only in the admin: stored without metadata under originals/,
    # read through the staff media route (newsroom/media.py).
    photo = PrivateImageField(_("photo"), blank=True, validators=IMAGE_VALIDATORS)
    bio = models.TextField(_("short bio"), blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("confirm_person", _("Can confirm or merge proposed people"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("institutions:person-detail", kwargs={"slug": self.slug})

    @staticmethod
    def autocomplete_rows(queryset):
        return queryset.prefetch_related(positions_prefetch())

    def autocomplete_label(self):
        """Who this is, for choosers: name, Korean name, current title and institution."""
        label = self.name
        if self.korean_name:
            label += f" ({self.korean_name})"
        label += self.proposal_suffix()
        position = self.position_on(timezone.localdate())
        if position is not None:
            return f"{label} — {position.printable_title}"
        latest = max(self.positions.all(), key=Position.recency_key, default=None)
        if latest is not None:
            return f"{label} — formerly {latest.printable_title}"
        return f"{label} — no position recorded"

    def possible_duplicates(self):
        """Other people with the same name or the same Korean name."""
        same = Q(name__iexact=self.name.strip())
        if self.korean_name.strip():
            same |= Q(korean_name=self.korean_name.strip())
        return Person.objects.filter(same).exclude(pk=self.pk)

    def position_on(self, date):
        """The position held on ``date``; the most recently started wins.

        Reads the positions already fetched with ``positions_prefetch()`` when
        there are some (a page of quotes then costs one query for all their
        speakers), and asks the database otherwise.
        """
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("positions")
        if prefetched is None:
            return (
                self.positions.held_on(date)
                .select_related("institution__parent")
                .order_by("-started_on", "-pk")
                .first()
            )
        held = [position for position in prefetched if position.is_held_on(date)]
        return max(held, key=Position.recency_key, default=None)

    def title_on(self, date):
        """The printable title held on ``date``, e.g. "Dean, Yonsei University College of Medicine"."""
        position = self.position_on(date)
        return position.printable_title if position else ""


def positions_prefetch(relation="positions"):
    """Every position of the people reached through ``relation``, with their institutions."""
    return models.Prefetch(
        relation, queryset=Position.objects.select_related("institution__parent")
    )


class PositionQuerySet(models.QuerySet):
    def held_on(self, date):
        return self.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=date),
            Q(ended_on__isnull=True) | Q(ended_on__gte=date),
        )

    def current(self):
        return self.held_on(timezone.localdate())


class Position(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="positions"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("For example “Dean”."))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("Leave empty while the position is held.")
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "title"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="position_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["person", "started_on"], name="position_person_start")]

    def __str__(self):
        return f"{self.person}: {self.printable_title}"

    @property
    def printable_title(self):
        return f"{self.title}, {self.institution.name}"

    @staticmethod
    def recency_key(position):
        """Most recently started first, as ``position_on`` orders: undated starts count as oldest."""
        return (position.started_on or datetime.date.min, position.pk)

    def is_held_on(self, date):
        """Instance twin of ``PositionQuerySet.held_on``, for rows already fetched."""
        return (self.started_on is None or self.started_on <= date) and (
            self.ended_on is None or self.ended_on >= date
        )

    def clean(self):
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("A position cannot end before it starts.")})


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    MOA = "moa", _("Memorandum of agreement")
    RESEARCH = "research", _("Research collaboration agreement")
    EXCHANGE = "exchange", _("Exchange agreement")
    OTHER = "other", _("Other agreement")


class AgreementStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Not yet signed")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")


# Longer "terms" are typing slips (a 9,000-year term once reached the admin).
MAX_TERM_YEARS = 100


class AgreementQuerySet(models.QuerySet):
    def announced(self, *, on=None):
        """Agreements signed by ``on`` (today): an unsigned one is not yet news."""
        return self.filter(signed_on__lte=on or timezone.localdate())

    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.announced(on=on).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))


class Agreement(EditedRecord):
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(
        _("kind"), max_length=20, choices=AgreementKind, default=AgreementKind.MOU
    )
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    signed_on = models.DateField(_("signed on"))
    place = models.CharField(_("place of signing"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("term in years"),
        null=True,
        blank=True,
        help_text=_("Fills the expiry date when that is left empty."),
    )
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an open-ended agreement."),
    )
    parties = models.ManyToManyField(
        Institution,
        through="AgreementParty",
        related_name="agreements",
        verbose_name=_("parties"),
    )
    renews = models.ForeignKey(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
        help_text=_(
            "The earlier agreement this one renews or replaces. Both agreements' pages "
            "then link to each other."
        ),
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("signed_on")),
                name="agreement_expires_after_signing",
            ),
            models.CheckConstraint(
                condition=~Q(renews=models.F("pk")), name="agreement_not_own_renewal"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_expiry()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("institutions:agreement-detail", kwargs={"slug": self.slug})

    def status_on(self, date):
        if self.signed_on and date < self.signed_on:
            return AgreementStatus.UPCOMING
        if self.expires_on and date > self.expires_on:
            return AgreementStatus.EXPIRED
        return AgreementStatus.IN_FORCE

    @property
    def status(self):
        return self.status_on(timezone.localdate())

    def clean(self):
        super().clean()
        errors = self.renewal_problems()
        try:
            self._clean_term()
        except ValidationError as error:
            errors.update(error.error_dict)
        if errors:
            raise ValidationError(errors)

    def renewal_problems(self):
        """Field -> message for a renewal link that cannot stand.

        An agreement renews only an earlier one (or one signed the same day),
        never itself, and renewals never go round in a loop. The chain of
        earlier agreements is walked one query a step: chains are a few links.
        """
        problems = {}
        if self.pk is not None and self.signed_on:
            later = self.renewals.filter(signed_on__lt=self.signed_on).order_by("signed_on").first()
            if later is not None:
                problems["signed_on"] = _(
                    "%(title)s renews this agreement and was signed on %(signed)s: this one "
                    "cannot be signed after it."
                ) % {"title": later.title, "signed": later.signed_on.isoformat()}
        if self.renews_id is None:
            return problems
        if self.renews_id == self.pk:
            problems["renews"] = _("An agreement cannot renew itself.")
            return problems
        try:
            earlier = self.renews
        except Agreement.DoesNotExist:  # clean_fields() reports the unknown choice
            return problems
        if self.signed_on and earlier.signed_on > self.signed_on:
            problems["renews"] = _(
                "An agreement renews only an earlier one: %(title)s was signed on "
                "%(signed)s, after this one."
            ) % {"title": earlier.title, "signed": earlier.signed_on.isoformat()}
            return problems
        seen = {earlier.pk}
        while earlier.renews_id is not None and earlier.renews_id not in seen:
            if earlier.renews_id == self.pk:
                problems["renews"] = _(
                    "%(title)s already renews this agreement, directly or through others: "
                    "renewals cannot go round in a loop."
                ) % {"title": self.renews.title}
                return problems
            seen.add(earlier.renews_id)
            earlier = earlier.renews
        return problems

    def _clean_term(self):
        if self.term_years is not None and self.term_years > MAX_TERM_YEARS:
            raise ValidationError(
                {
                    "term_years": _("A term longer than %(years)s years is not an agreement term.")
                    % {"years": MAX_TERM_YEARS}
                }
            )
        try:
            self.fill_expiry()
        except ValueError:
            raise ValidationError(
                {"term_years": _("This term runs past the last date the calendar can hold.")}
            ) from None
        expected = self.expiry_for_term()
        if expected and self.expires_on and self.expires_on != expected:
            raise ValidationError(
                {
                    "expires_on": _(
                        "A %(years)s-year term signed on %(signed)s ends on %(expected)s, "
                        "not %(typed)s: correct the term or the expiry date, or leave the "
                        "expiry empty to have it filled."
                    )
                    % {
                        "years": self.term_years,
                        "signed": self.signed_on.isoformat(),
                        "expected": expected.isoformat(),
                        "typed": self.expires_on.isoformat(),
                    }
                }
            )
        if self.signed_on and self.expires_on and self.expires_on < self.signed_on:
            raise ValidationError(
                {"expires_on": _("An agreement cannot expire before it is signed.")}
            )

    def expiry_for_term(self):
        """The last day of ``term_years`` from the signing date (raises ValueError past 9999)."""
        if not (self.term_years and self.signed_on):
            return None
        try:
            anniversary = self.signed_on.replace(year=self.signed_on.year + self.term_years)
        except ValueError:  # signed on 29 February
            anniversary = self.signed_on.replace(year=self.signed_on.year + self.term_years, day=28)
        return anniversary - datetime.timedelta(days=1)

    def fill_expiry(self):
        if self.term_years and self.signed_on and not self.expires_on:
            self.expires_on = self.expiry_for_term()


class AgreementParty(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="party_rows"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    signatory = models.ForeignKey(
        Person,
        verbose_name=_("signatory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signed_agreements",
    )
    title_override = models.CharField(
        _("title override"),
        max_length=200,
        blank=True,
        help_text=_(
            "Leave empty: the signatory's position on the signing date is printed, and "
            "follows any correction. Type a title only to print something else."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "institution"], name="agreement_party_once"
            ),
        ]

    def __str__(self):
        return f"{self.institution} — {self.agreement}"

    @cached_property
    def signatory_position(self):
        """The signatory's position on the signing date, if they held one."""
        if self.signatory is None or self.agreement.signed_on is None:
            return None
        return self.signatory.position_on(self.agreement.signed_on)

    @property
    def printed_title(self):
        """The signatory's title as printed: the override, else the position held when signing."""
        override = self.title_override.strip()
        if override:
            return override
        position = self.signatory_position
        return position.printable_title if position else ""


class AgreementArea(models.Model):
    """One area of cooperation, kept in the order the agreement lists them."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="areas"
    )
    description = models.CharField(_("area of cooperation"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("area of cooperation")
        verbose_name_plural = _("areas of cooperation")

    def __str__(self):
        return self.description


def may_confirm(user, model):
    """Editors (and Administrators) confirm and merge proposals; writers only propose."""
    return user.has_perm(f"{model._meta.app_label}.confirm_{model._meta.model_name}")


def proposal_fields(user, model):
    """How a new person or institution made by ``user`` is saved, whatever the path.

    Confirmed when they may confirm; else their proposal, kept off the public
    site until an editor confirms or merges it (the admin form, the press
    release import).
    """
    if user is not None and may_confirm(user, model):
        return {"confirmed": True, "proposed_by": None}
    return {"confirmed": False, "proposed_by": user}


def unconfirmed_records(people_ids=(), institution_ids=()):
    """The proposals among these people and institutions, people first, by name.

    Also the proposed institutions where any of the people holds a position:
    a quote prints its speaker's title, institution included, so a story
    quoting a confirmed dean of a proposed school would still print the
    proposal. Either argument may be a list of ids or a ``values("pk")``
    queryset; two queries whatever their length.
    """
    people = list(Person.objects.proposed().filter(pk__in=people_ids).order_by("name", "pk"))
    institutions = list(
        Institution.objects.proposed()
        .filter(Q(pk__in=institution_ids) | Q(positions__person__in=people_ids))
        .distinct()
        .order_by("name", "pk")
    )
    return [*people, *institutions]


def unconfirmed_message(records):
    """What an editor reads when proposals keep a story from being published."""
    names = ", ".join(f"{record} ({record._meta.verbose_name})" for record in records)
    return _(
        "This story names records a writer proposed and no editor has confirmed yet: "
        "%(names)s. Confirm them, or merge them into the existing records, in People or "
        "Institutions before publishing."
    ) % {"names": names}


class ProposalRefused(Exception):
    """A confirmation or merge that cannot be done as asked; the message says why."""


def _links_to(record):
    """(model, foreign key name) of every row that points at ``record``, by field.

    Read generically from ``_meta.related_objects`` so this app need not
    know the articles app: quotes, bylines and a story's "about" links move
    as much as positions and agreement parties. A many-to-many relation
    with an automatic link table is followed into that table; one with its
    own through model is already listed through that model's foreign key.
    """
    links = []
    for relation in type(record)._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            if not through._meta.auto_created:
                continue
            links.append((through, relation.field.m2m_reverse_field_name()))
        else:
            links.append((relation.related_model, relation.field.name))
    return links


def merge_plan(*, proposal):
    """What a merge of ``proposal`` would move: (model verbose name plural, count) pairs."""
    plan = []
    for model, field_name in _links_to(proposal):
        count = model._default_manager.filter(**{field_name: proposal}).count()
        if count:
            plan.append((str(model._meta.verbose_name_plural), count))
    return plan


def proposal_merge(*, proposal, into, user):
    """Move everything that names ``proposal`` to ``into``, then delete the proposal.

    One transaction, recorded as a revision of ``into``. A moved row that
    would repeat a link ``into`` already has (the same byline twice, the same
    party to an agreement twice) is dropped rather than moved; a nullable
    link that would point a record at itself (an institution that was part of
    the proposal, now merged into it, or one that would go round in a loop) is
    emptied. Returns (moved, dropped) counts by the rows' kind.
    """
    if type(proposal) is not type(into):
        raise ProposalRefused(_("A record can only be merged into one of the same kind."))
    if proposal.pk == into.pk:
        raise ProposalRefused(_("A record cannot be merged into itself."))
    if proposal.confirmed:
        raise ProposalRefused(
            _("%(name)s is a confirmed record: only proposals are merged.") % {"name": proposal}
        )
    moved, dropped = {}, {}
    with (
        transaction.atomic(),
        revisions.recorded(
            user=user,
            comment=_("Merged the proposal “%(name)s” (no. %(pk)s) into this record.")
            % {"name": proposal, "pk": proposal.pk},
        ),
    ):
        for model, field_name in _links_to(proposal):
            label = str(model._meta.verbose_name_plural)
            field = model._meta.get_field(field_name)
            for row in model._default_manager.filter(**{field_name: proposal}):
                setattr(row, field.attname, into.pk)
                try:
                    row.validate_constraints()
                    row.validate_unique()
                    if model is type(into):
                        row.clean()  # a parent link must not go round in a loop
                except ValidationError:
                    dropped[label] = dropped.get(label, 0) + 1
                    if not field.null:
                        row.delete()
                        continue
                    setattr(row, field.attname, None)
                else:
                    moved[label] = moved.get(label, 0) + 1
                row.save(update_fields=[field_name])
        proposal.delete()
        into.refresh_from_db()
        into.save(update_fields=["updated_at", "version"])
        revisions.add_to_current(into)
    return moved, dropped


def proposal_confirm(*, record, user):
    """Confirm one proposal, as a revision; raises ProposalRefused when it cannot stand yet.

    A person is confirmed only once the institutions of their positions are,
    and an institution once its parent is: otherwise the public page of the
    confirmed record would name, and link to, a record that is not public.
    """
    if record.confirmed:
        return False
    if isinstance(record, Person):
        waiting = Institution.objects.proposed().filter(positions__person=record).distinct()
    else:
        waiting = Institution.objects.proposed().filter(pk=record.parent_id)
    waiting = list(waiting)
    if waiting:
        raise ProposalRefused(
            _(
                "%(name)s names proposals that are not confirmed yet: %(waiting)s. "
                "Confirm those first."
            )
            % {"name": record, "waiting": ", ".join(str(item) for item in waiting)}
        )
    with transaction.atomic(), revisions.recorded(user=user, comment=_("Confirmed the proposal.")):
        record.confirmed = True
        record.save()
    return True


def party_rows_prefetch():
    """Each agreement's parties with their signatories' positions, for titles as signed."""
    return models.Prefetch(
        "party_rows",
        queryset=AgreementParty.objects.select_related(
            "institution__parent", "signatory"
        ).prefetch_related(positions_prefetch("signatory__positions")),
    )


# A person's revision holds their positions; an agreement's, its parties and
# areas. The version counter is kept, so an edit conflict can find the
# revision the editor opened (newsroom.locking); compare pages skip it as
# no content, and restores renumber.
revisions.register(Institution)
revisions.register(Position)
revisions.register(Person, follow=("positions",))
revisions.register(AgreementParty)
revisions.register(AgreementArea)
revisions.register(Agreement, follow=("party_rows", "areas"))
