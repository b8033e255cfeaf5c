"""Further reading under an article: the editors' picks, then computed suggestions.

Everything public here starts from ``Article.objects.published()``. The scoring
happens inside one annotated query, so the cost stays flat however large the
newsroom grows; Python only looks at the handful of rows it returns.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Quote, RelatedArticle, TaggedArticle
from institutions.models import Person
from newsroom.queries import union_of_slices

# Points per shared link; see ``related_articles_for`` for the reasoning.
AGREEMENT_WEIGHT = 100
INSTITUTION_WEIGHT = 40
FAMILY_INSTITUTION_WEIGHT = 20
PERSON_WEIGHT = 15
TAG_WEIGHT = 8
SECTION_WEIGHT = 5
RECENT_WEIGHT = 3
THIS_YEAR_WEIGHT = 1
RECENT_DAYS = 30
THIS_YEAR_DAYS = 365
# How many of the newest articles sharing each kind of link are scored.
POOL_PER_LINK = 200


@dataclass(frozen=True)
class RelatedArticleSuggestion:
    article: Article
    reason: str
    curated: bool = False
    score: int = 0


def _count_subquery(queryset, *, outer_field, counted):
    """COUNT(DISTINCT counted) of ``queryset`` rows for the outer article, 0 if none."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values(outer_field)
            .annotate(n=Count(counted, distinct=True))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _first_subquery(queryset, field):
    """The smallest shared id, used to name one shared thing in the reason."""
    return Subquery(queryset.order_by(field).values(field)[:1], output_field=IntegerField())


def _people_of(article):
    """People the story is about or quotes, by id: from the prefetches when present."""
    prefetched = getattr(article, "_prefetched_objects_cache", {})
    if "people" in prefetched and "quotes" in prefetched:
        people = {p.pk: p for p in article.people.all()}
        for quote in article.quotes.all():
            people.setdefault(quote.person_id, quote.person)
        return people
    return {
        p.pk: p
        for p in Person.objects.filter(
            Q(pk__in=Article.people.through.objects.filter(article=article).values("person_id"))
            | Q(pk__in=Quote.objects.filter(article=article).values("person_id"))
        )
    }


def _source_links(article):
    """What the article is about, from what the article page has fetched anyway.

    Agreements, people and quotes come from the page's prefetches, tags from
    its aggregated column and institutions (with parents and children) from
    ``Article.institutions_with_family``; called on a bare article, each is
    one small query.
    """
    agreements = {a.pk: a for a in article.agreements.all()}
    institutions = article.institutions_with_family
    direct = {i.pk: i for i in institutions if i.direct}
    # A relative is remembered with the institution that brought it in, so
    # the reason can say how the two are connected.
    family = {}
    for institution in direct.values():
        parent = institution.parent
        if parent is not None and parent.pk not in direct:
            family.setdefault(parent.pk, (parent, "parent", institution))
    for institution in institutions:
        if not institution.direct and institution.pk not in family:
            family[institution.pk] = (institution, "child", direct[institution.parent_id])
    people = _people_of(article)
    tags = {t.pk: t for t in article.tag_list}
    return agreements, direct, family, people, tags


def _candidate_pool(article, *, agreements, direct, family, people, tags, size, now):
    """Which articles are worth scoring: a bounded set, however large the newsroom.

    The newest ``POOL_PER_LINK`` articles sharing each kind of link, plus the
    newest ``size`` in the section and on the site (the fallback when links
    are few). Lookups go through the link tables' indexes; the publication
    rule itself is applied by the caller's ``published()`` query, the
    ``published_at`` test here only keeps scheduled stories from taking room.
    """
    linked = []
    if agreements:
        linked.append(
            (Article.agreements.through.objects.filter(agreement_id__in=agreements), "article")
        )
    if direct or family:
        linked.append(
            (
                Article.institutions.through.objects.filter(institution_id__in=[*direct, *family]),
                "article",
            )
        )
    if people:
        linked.append((Article.people.through.objects.filter(person_id__in=people), "article"))
        linked.append((Quote.objects.filter(person_id__in=people), "article"))
    if tags:
        linked.append((TaggedArticle.objects.filter(tag_id__in=tags), "content_object"))
    newest = Article.objects.published(now=now).order_by("-published_at", "-pk").values("pk")
    parts = [
        RelatedArticle.objects.filter(article=article).values("related_id"),
        newest[:size],
        newest.filter(section_id=article.section_id)[:size],
    ]
    for links, field in linked:
        parts.append(
            links.filter(**{f"{field}__published_at__lte": now})
            .order_by(f"-{field}__published_at")
            .values(f"{field}_id")[:POOL_PER_LINK]
        )
    return Q(pk__in=union_of_slices(Article, parts))


def _scored_candidates(article, *, agreements, direct, family, people, tags, now, limit):
    zero = Value(0, output_field=IntegerField())
    through_agreements = Article.agreements.through.objects.filter(article=OuterRef("pk"))
    through_institutions = Article.institutions.through.objects.filter(article=OuterRef("pk"))
    through_people = Article.people.through.objects.filter(article=OuterRef("pk"))
    candidate_quotes = Quote.objects.filter(article=OuterRef("pk"))
    candidate_tags = TaggedArticle.objects.filter(content_object=OuterRef("pk"))

    annotations = {}
    if agreements:
        shared = through_agreements.filter(agreement_id__in=agreements)
        annotations["n_agreements"] = _count_subquery(
            shared, outer_field="article", counted="agreement"
        )
        annotations["first_agreement"] = _first_subquery(shared, "agreement_id")
    if direct:
        shared = through_institutions.filter(institution_id__in=direct)
        annotations["n_institutions"] = _count_subquery(
            shared, outer_field="article", counted="institution"
        )
        annotations["first_institution"] = _first_subquery(shared, "institution_id")
    if family:
        shared = through_institutions.filter(institution_id__in=family)
        annotations["n_family"] = _count_subquery(
            shared, outer_field="article", counted="institution"
        )
        annotations["first_family"] = _first_subquery(shared, "institution_id")
    if people:
        about = through_people.filter(person_id__in=people)
        quoted = candidate_quotes.filter(person_id__in=people)
        # Stories usually list the people they quote as "about" too; count each once.
        annotations["n_people"] = Greatest(
            _count_subquery(about, outer_field="article", counted="person"),
            _count_subquery(quoted, outer_field="article", counted="person"),
        )
        annotations["first_quoted"] = _first_subquery(quoted, "person_id")
        annotations["first_about"] = _first_subquery(about, "person_id")
    if tags:
        shared = candidate_tags.filter(tag_id__in=tags)
        annotations["n_tags"] = _count_subquery(shared, outer_field="content_object", counted="tag")
        annotations["first_tag"] = _first_subquery(shared, "tag_id")

    def points(name, weight):
        return F(name) * weight if name in annotations else zero

    score = (
        points("n_agreements", AGREEMENT_WEIGHT)
        + points("n_institutions", INSTITUTION_WEIGHT)
        + points("n_family", FAMILY_INSTITUTION_WEIGHT)
        + points("n_people", PERSON_WEIGHT)
        + points("n_tags", TAG_WEIGHT)
        + Case(When(section_id=article.section_id, then=SECTION_WEIGHT), default=0)
        + Case(
            When(published_at__gte=now - datetime.timedelta(days=RECENT_DAYS), then=RECENT_WEIGHT),
            When(
                published_at__gte=now - datetime.timedelta(days=THIS_YEAR_DAYS),
                then=THIS_YEAR_WEIGHT,
            ),
            default=0,
        )
    )
    return (
        Article.objects.published(now=now)
        .filter(
            _candidate_pool(
                article,
                agreements=agreements,
                direct=direct,
                family=family,
                people=people,
                tags=tags,
                size=limit + 1,
                now=now,
            )
        )
        .exclude(pk=article.pk)
        .for_cards()
        .annotate(**annotations)
        .annotate(
            score=score,
            # The editors' picks ride in the same query and sort first, in their order.
            curated_order=Subquery(
                RelatedArticle.objects.filter(article=article, related=OuterRef("pk"))
                .order_by("order", "pk")
                .values("order")[:1],
                output_field=IntegerField(),
            ),
        )
        .order_by(
            F("curated_order").asc(nulls_last=True),
            "-score",
            "-published_at",
            "-pk",
        )
    )


def _reason(candidate, article, *, agreements, direct, family, people, tags):
    if getattr(candidate, "n_agreements", 0):
        return _("Same agreement: %(title)s") % {
            "title": agreements[candidate.first_agreement].title
        }
    if getattr(candidate, "n_institutions", 0):
        return _("Also about %(name)s") % {"name": direct[candidate.first_institution].label}
    if getattr(candidate, "n_family", 0):
        relative, relation, anchor = family[candidate.first_family]
        if relation == "parent":
            phrase = _("Also about %(name)s (parent of %(other)s)")
        else:
            phrase = _("Also about %(name)s (part of %(other)s)")
        return phrase % {"name": relative.label, "other": anchor.label}
    if getattr(candidate, "n_people", 0):
        if candidate.first_quoted:
            return _("Also quotes %(name)s") % {"name": people[candidate.first_quoted].name}
        return _("Also about %(name)s") % {"name": people[candidate.first_about].name}
    if getattr(candidate, "n_tags", 0):
        return _("Also tagged %(tag)s") % {"tag": tags[candidate.first_tag].name}
    if candidate.section_id == article.section_id:
        return _("More from %(section)s") % {"section": candidate.section.name}
    return _("Latest from the newsroom")


def related_articles_for(article, *, limit=6, now=None):
    """Up to ``limit`` public articles to read next, each with a short reason.

    The editors' picks (``article.curated_links``, in their order) come first.
    The rest are ranked in the database by adding points per shared link:

    ==========================================  ======
    link shared with ``article``                points
    ==========================================  ======
    each agreement                                 100
    each institution                                40
    each parent or child of its institutions        20
    each person (quoted in or the subject of)       15
    each tag                                         8
    the same section                                 5
    published in the last 30 days                    3
    published in the last year                       1
    ==========================================  ======

    so one shared agreement outweighs anything short of three institutions,
    and the recency points only break near ties. Ties go to the newer story.
    Articles sharing nothing still rank by section and date, which fills the
    list from the latest news when the article has few links.

    Only a bounded pool is scored: the 200 newest articles sharing each kind
    of link (found through the link tables' indexes) and the newest in the
    section and on the site, so the work per call stays flat as the archive
    grows; an older story sharing only a very common tag may be passed over.

    One query whatever the newsroom's size when the article comes from
    ``Article.objects.for_article_page()``: the editors' picks and the scored
    candidates together (a bare article adds a small query per kind of link).
    """
    now = now or timezone.now()
    agreements, direct, family, people, tags = _source_links(article)
    candidates = _scored_candidates(
        article,
        agreements=agreements,
        direct=direct,
        family=family,
        people=people,
        tags=tags,
        now=now,
        limit=limit,
    )[:limit]
    suggestions = []
    for candidate in candidates:
        if candidate.curated_order is not None:
            suggestions.append(
                RelatedArticleSuggestion(
                    article=candidate, reason=_("Chosen by the editors"), curated=True
                )
            )
            continue
        suggestions.append(
            RelatedArticleSuggestion(
                article=candidate,
                reason=_reason(
                    candidate,
                    article,
                    agreements=agreements,
                    direct=direct,
                    family=family,
                    people=people,
                    tags=tags,
                ),
                score=candidate.score,
            )
        )
    return suggestions
