from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView

from articles.models import Article, Quote
from articles.views import ArticleViewMixin
from institutions.models import (
    Agreement,
    AgreementParty,
    Institution,
    Person,
    Position,
    party_rows_prefetch,
    positions_prefetch,
)

# The newest few; each person's page lists all of theirs.
QUOTES_ON_INSTITUTION_PAGE = 10


def agreement_timeline(institution, family_ids):
    """Agreements of the institution or its units, oldest first, each with its partners.

    ``via`` names the unit that is the party when it is not the institution
    itself ("via GSMSE" on KAIST's page). One query over the party rows
    rather than agreements plus a prefetch: every row brings its agreement
    and institution along.
    """
    rows = (
        AgreementParty.objects.filter(
            agreement__in=Agreement.objects.filter(
                party_rows__institution_id__in=family_ids
            ).values("pk")
        )
        .select_related("agreement", "institution__parent")
        .order_by("agreement__signed_on", "agreement__title", "agreement_id", "order", "pk")
    )
    timeline = {}
    for row in rows:
        entry = timeline.setdefault(
            row.agreement_id, {"agreement": row.agreement, "partners": [], "via": []}
        )
        if row.institution_id not in family_ids:
            entry["partners"].append(row.institution)
        elif row.institution_id != institution.pk:
            entry["via"].append(row.institution)
    return list(timeline.values())


# Writers' unconfirmed proposals have no public page and are in no list: each
# view below starts from ``confirmed()``, and a confirmed record's page names
# a proposal it is linked to (a unit, a colleague) only once it is confirmed.


class InstitutionListView(ListView):
    queryset = Institution.objects.confirmed().select_related("parent").order_by("name")
    context_object_name = "institutions"
    paginate_by = 60


class InstitutionDetailView(ArticleViewMixin, ListView):
    """An institution with its family, people, agreements and the stories about it.

    Stories about a child institution (a school within a university) count for
    the parent too: ``about_institution`` walks down the tree.
    """

    template_name = "institutions/institution_detail.html"

    def get_queryset(self):
        self.institution = get_object_or_404(
            Institution.objects.confirmed().select_related("parent__parent"),
            slug=self.kwargs["slug"],
        )
        return super().get_queryset().about_institution(self.institution)

    def get_context_data(self, **kwargs):
        institution = self.institution
        family = {unit.pk: unit for unit in Institution.objects.family_of(institution)}
        positions = (
            Position.objects.current()
            .filter(institution_id__in=family, person__confirmed=True)
            .select_related("person", "institution__parent")
            .order_by("person__name", "title")
        )
        speakers = Position.objects.filter(institution_id__in=family).values("person_id")
        quotes = (
            Quote.objects.filter(
                person_id__in=speakers,
                person__confirmed=True,
                article__in=Article.objects.published().values("pk"),
            )
            # Names and stories only, no titles: one query whatever the data
            # (each quote's title at the time is on its story and its person).
            .select_related("person", "article")
            .order_by("-article__published_at", "-article_id", "order")[:QUOTES_ON_INSTITUTION_PAGE]
        )
        return super().get_context_data(
            institution=institution,
            quotes=quotes,
            children=[
                unit
                for unit in family.values()
                if unit.parent_id == institution.pk and unit.confirmed
            ],
            positions=positions,
            agreements=agreement_timeline(institution, set(family)),
            **kwargs,
        )


class PersonListView(ListView):
    queryset = (
        Person.objects.confirmed()
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.current().select_related("institution"),
                to_attr="current_positions",
            )
        )
        .order_by("name")
    )
    context_object_name = "people"
    paginate_by = 60


class PersonDetailView(ArticleViewMixin, ListView):
    """A person's positions over time, what they said in public stories, and those stories."""

    template_name = "institutions/person_detail.html"

    def get_queryset(self):
        self.person = get_object_or_404(Person.objects.confirmed(), slug=self.kwargs["slug"])
        return super().get_queryset().about_person(self.person)

    def get_context_data(self, **kwargs):
        person = self.person
        today = timezone.localdate()
        positions = person.positions.select_related("institution__parent").order_by(
            "-started_on", "title"
        )
        context = super().get_context_data(
            person=person,
            positions=positions,
            current_positions=[p for p in positions if p.is_held_on(today)],
            **kwargs,
        )
        # Quotes follow the stories' pagination: a long-serving dean may have
        # thousands, and one page must stay small. The stories are already public.
        context["quotes"] = (
            Quote.objects.filter(person=person, article__in=list(context["object_list"]))
            .select_related("article", "person")
            .prefetch_related(positions_prefetch("person__positions"))
            .order_by("-article__published_at", "article_id", "order", "pk")
        )
        return context


class AgreementListView(ListView):
    queryset = Agreement.objects.prefetch_related(party_rows_prefetch()).order_by(
        "-signed_on", "title"
    )
    context_object_name = "agreements"
    paginate_by = 30


class AgreementDetailView(ArticleViewMixin, ListView):
    """An agreement's parties, signatories, areas and term, with its coverage."""

    template_name = "institutions/agreement_detail.html"

    def get_queryset(self):
        self.agreement = get_object_or_404(
            Agreement.objects.select_related("renews").prefetch_related(
                party_rows_prefetch(), "areas", "renewals"
            ),
            slug=self.kwargs["slug"],
        )
        return super().get_queryset().filter(agreements=self.agreement)

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, **kwargs)
