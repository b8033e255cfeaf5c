import datetime

import pytest
from django.utils import timezone

from articles.models import Article, ArticleStatus, Quote, RelatedArticle
from articles.related import _candidate_pool, _source_links, related_articles_for
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_section,
)

pytestmark = pytest.mark.django_db


def _quote(article, person):
    # Not make_quote(): its default article is built even when one is given.
    return Quote.objects.create(article=article, person=person, text="We are delighted.")


def _ago(days):
    return timezone.now() - datetime.timedelta(days=days, hours=1)


@pytest.fixture
def graph():
    """One story and one candidate per kind of link, all published the same day."""
    home = make_section(name="Research")
    other = make_section(name="Campus")
    kaist = make_institution(name="Korea Advanced Institute", short_name="KAIST")
    gsmse = make_institution(
        name="KAIST Graduate School", short_name="GSMSE", kind="graduate_school", parent=kaist
    )
    choi = make_person(name="Choi Jae-young")
    mou = make_agreement(title="Yonsei–KAIST MOU", parties=[gsmse])

    source = make_article(
        headline="Source", section=home, published_at=_ago(2), tags=["immunology"]
    )
    source.institutions.add(gsmse)
    source.agreements.add(mou)
    _quote(source, choi)

    def candidate(headline, **fields):
        fields.setdefault("section", other)
        fields.setdefault("published_at", _ago(3))
        return make_article(headline=headline, **fields)

    by_agreement = candidate("Agreement")
    by_agreement.agreements.add(mou)
    by_institution = candidate("Institution")
    by_institution.institutions.add(gsmse)
    by_parent = candidate("Parent")
    by_parent.institutions.add(kaist)
    by_person = candidate("Person")
    _quote(by_person, choi)
    by_tag = candidate("Tag", tags=["immunology"])
    by_section = candidate("Section", section=home)
    unlinked = candidate("Unlinked")
    curated = candidate("Curated", published_at=_ago(300))
    RelatedArticle.objects.create(article=source, related=curated)
    return {
        "source": source,
        "home": home,
        "kaist": kaist,
        "gsmse": gsmse,
        "choi": choi,
        "mou": mou,
        "by_agreement": by_agreement,
        "by_institution": by_institution,
        "by_parent": by_parent,
        "by_person": by_person,
        "by_tag": by_tag,
        "by_section": by_section,
        "unlinked": unlinked,
        "curated": curated,
    }


def test_related_orders_curated_then_agreement_institution_parent_person_tag_section(graph):
    suggestions = related_articles_for(graph["source"], limit=8)

    assert [(s.article.headline, s.reason) for s in suggestions] == [
        ("Curated", "Chosen by the editors"),
        ("Agreement", "Same agreement: Yonsei–KAIST MOU"),
        ("Institution", "Also about KAIST GSMSE"),
        ("Parent", "Also about KAIST (parent of KAIST GSMSE)"),
        ("Person", "Also quotes Choi Jae-young"),
        ("Tag", "Also tagged immunology"),
        ("Section", "More from Research"),
        ("Unlinked", "Latest from the newsroom"),
    ]
    assert suggestions[0].curated and not suggestions[1].curated


def test_related_scores_add_up_across_links(graph):
    both = make_article(headline="Both", published_at=_ago(40), tags=["immunology"])
    both.institutions.add(graph["gsmse"])

    suggestions = related_articles_for(graph["source"], limit=4)

    headlines = [s.article.headline for s in suggestions]
    assert headlines.index("Both") < headlines.index("Institution")
    assert next(s for s in suggestions if s.article.headline == "Both").reason == (
        "Also about KAIST GSMSE"
    )


def test_related_counts_a_child_institution_at_the_lower_weight(graph):
    source = make_article(headline="About KAIST", published_at=_ago(1))
    source.institutions.add(graph["kaist"])

    suggestions = related_articles_for(source, limit=5)

    by_name = {s.article.headline: s.reason for s in suggestions}
    assert by_name["Parent"] == "Also about KAIST"
    assert by_name["Institution"] == "Also about KAIST GSMSE (part of KAIST)"
    assert [s.article.headline for s in suggestions][:1] == ["Parent"]


def test_related_names_the_person_a_story_is_about_when_it_does_not_quote_them(graph):
    about = make_article(headline="Profile", published_at=_ago(3))
    about.people.add(graph["choi"])
    graph["by_person"].delete()

    reasons = {s.article.headline: s.reason for s in related_articles_for(graph["source"])}

    assert reasons["Profile"] == "Also about Choi Jae-young"


def test_related_prefers_the_newer_story_when_links_are_equal(graph):
    older = make_article(headline="Older tag", published_at=_ago(200), tags=["immunology"])
    newer = make_article(headline="Newer tag", published_at=_ago(5), tags=["immunology"])

    headlines = [s.article.headline for s in related_articles_for(graph["source"], limit=12)]

    assert headlines.index(newer.headline) < headlines.index(older.headline)


def test_related_never_suggests_the_article_itself_or_duplicates(graph):
    RelatedArticle.objects.create(article=graph["source"], related=graph["by_agreement"], order=1)

    suggestions = related_articles_for(graph["source"], limit=20)

    pks = [s.article.pk for s in suggestions]
    assert graph["source"].pk not in pks
    assert len(pks) == len(set(pks))
    assert suggestions[1].article == graph["by_agreement"]
    assert suggestions[1].reason == "Chosen by the editors"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ArticleStatus.DRAFT},
        {"status": ArticleStatus.REVIEW},
        {"published_at": timezone.now() + datetime.timedelta(days=1)},
        {"embargo_until": timezone.now() + datetime.timedelta(hours=2)},
    ],
    ids=["draft", "review", "scheduled", "embargoed"],
)
def test_related_never_suggests_a_non_public_article(graph, fields):
    hidden = make_article(headline="Hidden", **fields)
    hidden.agreements.add(graph["mou"])
    hidden.institutions.add(graph["gsmse"])
    RelatedArticle.objects.create(article=graph["source"], related=hidden, order=5)

    suggestions = related_articles_for(graph["source"], limit=50)

    assert hidden.pk not in {s.article.pk for s in suggestions}


def test_related_fills_from_the_latest_news_when_an_article_has_no_links():
    lonely = make_article(headline="Lonely", published_at=_ago(1))
    others = [make_article(published_at=_ago(days)) for days in (2, 3, 4, 5, 6)]

    suggestions = related_articles_for(lonely, limit=4)

    assert [s.article for s in suggestions] == others[:4]
    assert {s.reason for s in suggestions} == {"Latest from the newsroom"}


def test_related_returns_curated_only_when_they_fill_the_limit(graph):
    extra = make_article(headline="Second pick", published_at=_ago(10))
    RelatedArticle.objects.create(article=graph["source"], related=extra, order=1)

    suggestions = related_articles_for(graph["source"], limit=2)

    assert [s.article.headline for s in suggestions] == ["Curated", "Second pick"]


def test_related_articles_have_their_section_loaded(graph, django_assert_num_queries):
    suggestions = related_articles_for(graph["source"])

    with django_assert_num_queries(0):
        assert all(s.article.section.name for s in suggestions)


def _grow(graph, count):
    """More stories linked in every way, to show the query count stays put."""
    for n in range(count):
        article = make_article(
            headline=f"Grown {n}",
            section=graph["home"],
            published_at=_ago(n + 4),
            tags=["immunology", f"tag-{n}"],
        )
        article.institutions.add(graph["gsmse"], graph["kaist"])
        article.agreements.add(graph["mou"])
        _quote(article, graph["choi"])
        RelatedArticle.objects.create(article=graph["source"], related=article, order=n + 10)


def test_related_runs_a_fixed_number_of_queries(graph, django_assert_num_queries):
    # On a bare article: agreements, institutions with family, people, tags,
    # then one query for the editors' picks and the scored candidates.
    bare = Article.objects.get(pk=graph["source"].pk)
    with django_assert_num_queries(5):
        small = related_articles_for(bare, limit=30)
    _grow(graph, 25)
    bare = Article.objects.get(pk=graph["source"].pk)
    with django_assert_num_queries(5):
        large = related_articles_for(bare, limit=30)
    # As the article page fetches it (its institutions are shown anyway), the
    # whole suggestion list is one query.
    page_article = Article.objects.for_article_page().get(pk=graph["source"].pk)
    assert page_article.institution_list
    with django_assert_num_queries(1):
        assert related_articles_for(page_article, limit=30)

    assert len(small) == 8
    assert len(large) == 30


def test_related_scores_a_bounded_pool_per_kind_of_link(graph, monkeypatch):
    for n in range(6):
        make_article(headline=f"Tagged {n}", published_at=_ago(100 + n), tags=["immunology"])
    monkeypatch.setattr("articles.related.POOL_PER_LINK", 3)
    agreements, direct, family, people, tags = _source_links(graph["source"])

    pool = Article.objects.filter(
        _candidate_pool(
            graph["source"],
            agreements=agreements,
            direct=direct,
            family=family,
            people=people,
            tags=tags,
            size=1,
            now=timezone.now(),
        )
    )

    headlines = set(pool.values_list("headline", flat=True))
    # The three newest with the tag are the source, "Tag" and "Tagged 0".
    assert {"Source", "Tag", "Tagged 0"} <= headlines
    assert not {f"Tagged {n}" for n in range(1, 6)} & headlines
    # Each kind of link has a pool of its own.
    assert {"Agreement", "Institution", "Parent", "Person"} <= headlines
