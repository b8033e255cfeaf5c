"""Feeds about an institution, a person, and newly announced agreements."""

import datetime

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Length
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.feeds import ArticleFeed
from articles.models import Article
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementParty,
    Institution,
    Person,
    positions_prefetch,
)
from newsroom.syndication import (
    FEED_LENGTH,
    FeedScope,
    PoliteFeed,
    absolutize_html,
    row_marks,
    xml_safe,
)

# Stories listed under each agreement in the feed: a long-running agreement
# gathers coverage for years, and a feed item must stay small.
COVERAGE_IN_FEED = 10


class InstitutionFeed(ArticleFeed):
    """Stories about an institution or any institution beneath it."""

    def get_object(self, request, slug):
        institution = Institution.objects.confirmed().get(slug=slug)
        return FeedScope(
            request=request,
            subject=institution,
            items=Article.objects.published().about_institution(institution),
        )

    def title(self, scope):
        return f"{scope.subject.name} · {settings.NEWSROOM_NAME}"

    def link(self, scope):
        return scope.subject.get_absolute_url()

    def description(self, scope):
        return (
            f"Stories from {settings.NEWSROOM_NAME} about {scope.subject.name} "
            "and the schools, departments and centres within it."
        )


class PersonFeed(ArticleFeed):
    """Stories that are about a person or quote them."""

    def get_object(self, request, slug):
        person = Person.objects.confirmed().get(slug=slug)
        return FeedScope(
            request=request, subject=person, items=Article.objects.published().about_person(person)
        )

    def title(self, scope):
        return f"{scope.subject.name} in the news · {settings.NEWSROOM_NAME}"

    def link(self, scope):
        return scope.subject.get_absolute_url()

    def description(self, scope):
        return (
            f"Stories from {settings.NEWSROOM_NAME} that quote or are about {scope.subject.name}."
        )


class AgreementFeed(PoliteFeed):
    """Agreements as they are signed, each with its page and its coverage.

    An agreement counts as announced from its signing date; one still to be
    signed stays out of the feed even though its page may exist.
    """

    def get_object(self, request):
        return FeedScope(request=request, subject=None, items=Agreement.objects.announced())

    def title(self, scope):
        return f"Agreements · {settings.NEWSROOM_NAME}"

    def link(self, scope):
        return reverse("institutions:agreement-list")

    def description(self, scope):
        return f"Agreements newly signed by {settings.NEWSROOM_NAME} and its partners."

    def _ordered(self, scope):
        return scope.items.order_by("-signed_on", "-pk")

    def validator_rows(self, scope):
        """What each agreement's item shows: its own time, its parties and
        signatories (with the institutions of their positions), its areas,
        the agreements it renews or that renew it, and the count and last
        change of its published coverage."""
        public = Article.objects.published_condition(through="articles")
        # The feed's agreements first, then their coverage: aggregating every
        # agreement's coverage before the LIMIT read thousands of stories.
        shown = self._ordered(scope).values("pk")[:FEED_LENGTH]
        signatory_titles = (
            AgreementParty.objects.filter(agreement=OuterRef("pk"))
            .order_by()
            .values("agreement")
            .annotate(changed=Max("signatory__positions__institution__updated_at"))
            .values("changed")[:1]
        )
        return list(
            self._ordered(scope)
            .filter(pk__in=shown)
            .annotate(
                coverage_count=Count("articles", filter=public),
                coverage_updated=Max("articles__updated_at", filter=public),
                coverage_published=Max("articles__published_at", filter=public),
                party_marks=row_marks(
                    AgreementParty.objects,
                    "agreement",
                    "pk",
                    "order",
                    "title_override",
                    "institution__updated_at",
                    "institution__parent__updated_at",
                    "signatory_id",
                    "signatory__updated_at",
                ),
                signatory_titles_changed=Subquery(signatory_titles),
                area_marks=row_marks(
                    AgreementArea.objects.annotate(words=Length("description")),
                    "agreement",
                    "pk",
                    "order",
                    "words",
                ),
                renewal_marks=row_marks(Agreement.objects, "renews", "pk", "updated_at"),
            )
            .values_list(
                "pk",
                "updated_at",
                "coverage_updated",
                "coverage_published",
                "signed_on",
                "coverage_count",
                "party_marks",
                "signatory_titles_changed",
                "area_marks",
                "renews_id",
                "renews__updated_at",
                "renewal_marks",
            )[:FEED_LENGTH]
        )

    def items(self, scope):
        agreements = list(
            self._ordered(scope)
            .select_related("renews")
            .prefetch_related(
                Prefetch(
                    "party_rows",
                    queryset=AgreementParty.objects.select_related(
                        "institution__parent", "signatory"
                    ).prefetch_related(positions_prefetch("signatory__positions")),
                ),
                "areas",
                Prefetch(
                    "articles",
                    # The newest few; the agreement's page lists the rest.
                    queryset=Article.objects.published()
                    .newest_first()
                    .only("headline", "slug", "published_at", "created_at", "updated_at")[
                        :COVERAGE_IN_FEED
                    ],
                    to_attr="coverage",
                ),
                # For the renewal lines: the agreements that renew this one.
                Prefetch("renewals", queryset=Agreement.objects.order_by("signed_on", "pk")),
            )[:FEED_LENGTH]
        )
        for agreement in agreements:
            agreement.feed_base_url = scope.base_url
        return agreements

    def item_title(self, agreement):
        return xml_safe(agreement.title)

    def item_description(self, agreement):
        parties = ", ".join(party.institution.label for party in agreement.party_rows.all())
        text = agreement.summary or f"{agreement.get_kind_display()} between {parties}."
        return escape(xml_safe(text))

    def item_guid(self, agreement):
        # A tag URI from the site's own name and the row id: unchanged by
        # any later edit of the title or slug.
        host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"tag:{host},2026:agreement:{agreement.pk}"

    def item_guid_is_permalink(self, agreement):
        return False

    def item_pubdate(self, agreement):
        # The signing day, at noon in the newsroom's zone so that readers in
        # any zone print the same date.
        return timezone.make_aware(
            datetime.datetime.combine(agreement.signed_on, datetime.time(12))
        )

    def item_updateddate(self, agreement):
        moments = [self.item_pubdate(agreement), agreement.updated_at]
        moments.extend(article.updated_at for article in agreement.coverage)
        return max(moments)

    def item_categories(self, agreement):
        return [
            agreement.get_kind_display(),
            *(party.institution.label for party in agreement.party_rows.all()),
        ]

    def item_extra_kwargs(self, agreement):
        base = agreement.feed_base_url
        content = render_to_string(
            "feeds/agreement_item.html", {"agreement": agreement, "base_url": base}
        )
        return {
            "authors": [settings.NEWSROOM_NAME],
            "content_html": absolutize_html(content, base + agreement.get_absolute_url()),
            "summary_text": xml_safe(agreement.summary),
        }
