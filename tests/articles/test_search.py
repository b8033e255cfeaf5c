import datetime

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.utils import timezone

from articles.models import Article, ArticleSearchDocument, ArticleStatus, Quote
from articles.search import (
    MAX_QUERY_LENGTH,
    search_articles,
    search_names,
    search_text_clean,
    snippet_from_headline,
    snippet_from_text,
)
from tests.support.factories import make_article, make_institution, make_person

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only"
)


def _ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def _headlines(query):
    return [article.headline for article in search_articles(query)]


def test_search_finds_words_in_headline_standfirst_and_body():
    make_article(headline="Organoid predicts pancreatic cancer")
    make_article(headline="Standfirst story", standfirst="A new organoid model for surgeons.")
    make_article(headline="Body story", body="<p>The <em>organoid</em> grew in weeks.</p>")
    make_article(headline="Unrelated", body="<p>Nothing to see.</p>")

    assert set(_headlines("organoid")) == {
        "Organoid predicts pancreatic cancer",
        "Standfirst story",
        "Body story",
    }


def test_search_needs_every_word():
    make_article(headline="Hearing implant milestone", body="<p>Three thousand surgeries.</p>")
    make_article(headline="Hearing test for newborns", body="<p>Screening.</p>")

    assert _headlines("hearing surgeries") == ["Hearing implant milestone"]


def test_search_ranks_a_headline_match_above_a_body_match():
    make_article(
        headline="Weekly update", body="<p>The ablation team met.</p>", published_at=_ago(1)
    )
    make_article(
        headline="Ablation hub opens", body="<p>Training begins.</p>", published_at=_ago(50)
    )

    assert _headlines("ablation") == ["Ablation hub opens", "Weekly update"]


def test_search_finds_an_article_by_a_quoted_persons_name():
    choi = make_person(name="Choi Jae-young", korean_name="최재영")
    quoting = make_article(headline="Dean welcomes students", body="<p>A speech.</p>")
    Quote.objects.create(article=quoting, person=choi, text="Welcome.")
    make_article(headline="Other", body="<p>No dean here.</p>")

    assert _headlines("Choi Jae-young") == ["Dean welcomes students"]
    assert _headlines("최재영") == ["Dean welcomes students"]


def test_search_finds_an_article_about_an_institution_by_short_and_korean_name():
    kaist = make_institution(name="Korea Advanced Institute", short_name="KAIST")
    gsmse = make_institution(
        name="Graduate School of Medical Science",
        short_name="GSMSE",
        korean_name="의과학대학원",
        kind="graduate_school",
        parent=kaist,
    )
    about = make_article(headline="Physician-scientist track", body="<p>Applications.</p>")
    about.institutions.add(gsmse)
    make_article(headline="Other story", body="<p>Nothing.</p>")

    assert _headlines("GSMSE") == ["Physician-scientist track"]
    assert _headlines("의과학대학원") == ["Physician-scientist track"]
    assert _headlines("KAIST GSMSE") == ["Physician-scientist track"]
    # An article about a school is found under its parent institution too.
    assert _headlines("KAIST") == ["Physician-scientist track"]


def test_search_finds_korean_text_in_the_body():
    make_article(
        headline="Korean story",
        body="<p>연세대학교와 카이스트가 공동 연구 협약을 맺었다.</p>",
    )
    make_article(headline="English story", body="<p>An agreement was signed.</p>")

    assert _headlines("연세대학교") == ["Korean story"]
    assert _headlines("공동 연구") == ["Korean story"]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ArticleStatus.DRAFT},
        {"status": ArticleStatus.REVIEW},
        {"published_at": timezone.now() + datetime.timedelta(days=1)},
        {"embargo_until": timezone.now() + datetime.timedelta(days=1)},
    ],
    ids=["draft", "review", "scheduled", "embargoed"],
)
def test_search_never_returns_a_non_public_article(fields):
    make_article(headline="Secret merger talks", **fields)

    assert _headlines("merger") == []


@pytest.mark.parametrize("query", ["", "   ", "\n\t", None])
def test_search_with_an_empty_query_finds_nothing(query):
    make_article(headline="Anything")

    assert list(search_articles(query)) == []
    assert search_names(query) == {"people": [], "institutions": []}


def test_search_cuts_a_very_long_query():
    make_article(headline="Organoid study with filler")
    query = "organoid" + " filler" * 40 + " absent"

    assert len(search_text_clean(query)) == MAX_QUERY_LENGTH
    # "absent" falls beyond the cut, so the story still matches.
    assert _headlines(query) == ["Organoid study with filler"]
    assert _headlines("x" * 10_000) == []


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE articles_article; --",
        '"unbalanced quote',
        "a' OR '1'='1",
        "& | ! :* <-> ()",
        "100%_ match",
        "nul\x00byte",
        "<script>alert(1)</script>",
        "\\",
    ],
)
def test_search_is_safe_with_hostile_queries(query):
    make_article(headline="Ordinary story")

    results = list(search_articles(query))

    assert all(article.is_published() for article in results)
    assert Article.objects.filter(headline="Ordinary story").exists()


def test_search_snippet_marks_matches_and_escapes_the_content():
    make_article(
        headline="Fish supper",
        body="<p>Fish &amp; chips, not &lt;script&gt;alert(1)&lt;/script&gt; chips.</p>",
    )

    [article] = search_articles("chips")

    assert "<mark>chips</mark>" in article.snippet
    assert "&lt;script&gt;" in article.snippet
    assert "<script>" not in article.snippet
    assert "&amp;amp;" not in article.snippet


def test_search_snippet_escapes_html_typed_in_the_query():
    make_article(headline="Tags in text", body="<p>Write &lt;b&gt; for bold.</p>")

    for article in search_articles("<b> bold"):
        assert "<b>" not in article.snippet
    snippet = snippet_from_text("Write <b> for bold", ["<b>"])
    assert snippet == "Write <mark>&lt;b&gt;</mark> for bold"


def test_snippet_from_text_centres_on_the_first_match_and_adds_ellipses():
    text = "word " * 100 + "target here " + "word " * 100

    snippet = snippet_from_text(text, ["target"], length=80)

    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>target</mark>" in snippet
    assert len(snippet) < 120


def test_snippet_from_headline_turns_markers_into_marks_and_escapes_the_rest():
    raw = "R&amp;D at \ue000KAIST\ue001 <img src=x onerror=alert(1)> \ue001stray"

    snippet = snippet_from_headline(raw)

    assert snippet == "R&amp;D at <mark>KAIST</mark> &lt;img src=x onerror=alert(1)&gt; stray"


def test_search_results_keep_snippets_when_sliced_for_a_page():
    for n in range(3):
        make_article(
            headline=f"Story {n}", body="<p>A seminar series.</p>", published_at=_ago(n + 1)
        )

    page = search_articles("seminar")[1:3]

    assert [article.headline for article in page] == ["Story 1", "Story 2"]
    assert all("<mark>seminar</mark>" in article.snippet for article in page)


def test_search_names_lists_people_and_institutions():
    make_person(name="Park Su-hyung", korean_name="박수형")
    make_institution(name="Severance Hospital", short_name="Severance", korean_name="세브란스병원")
    for n in range(12):
        make_person(name=f"Parker {n}")

    assert [p.name for p in search_names("박수형")["people"]] == ["Park Su-hyung"]
    assert [i.name for i in search_names("세브란스")["institutions"]] == ["Severance Hospital"]
    assert [i.name for i in search_names("severance")["institutions"]] == ["Severance Hospital"]
    assert len(search_names("Park")["people"]) == 10


@postgres_only
def test_search_on_postgres_matches_word_forms():
    make_article(headline="Schools sign agreement", body="<p>They signed it on Wednesday.</p>")

    assert _headlines("signing agreements") == ["Schools sign agreement"]


@postgres_only
def test_search_on_postgres_ranks_headline_over_standfirst_over_body():
    make_article(headline="Body", body="<p>Immunology news.</p>", published_at=_ago(1))
    make_article(
        headline="Standfirst", standfirst="Immunology news.", body="<p>x</p>", published_at=_ago(2)
    )
    make_article(headline="Immunology head", body="<p>x</p>", published_at=_ago(3))

    assert _headlines("immunology") == ["Immunology head", "Standfirst", "Body"]


@postgres_only
def test_search_on_postgres_finds_korean_words_with_particles_by_their_stem():
    make_article(headline="Korean", body="<p>세브란스병원은 새 응급실을 열었다.</p>")

    assert _headlines("세브란스병원") == ["Korean"]


@postgres_only
def test_search_on_postgres_can_use_the_gin_index():
    make_article(headline="Indexed story")
    # What the search's text-match EXISTS asks of the documents; for a rare
    # word in a large archive PostgreSQL answers it from the GIN index.
    documents = ArticleSearchDocument.objects.filter(
        vector=SearchQuery("indexed", config="english")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = documents.explain()

    assert "article_search_doc_gin" in plan
    assert _headlines("indexed") == ["Indexed story"]


@postgres_only
def test_search_document_follows_every_kind_of_change():
    article = make_article(headline="Original words", body="<p>First body.</p>")
    assert _headlines("original") == ["Original words"]

    Article.objects.filter(pk=article.pk).update(headline="Replacement words")
    assert _headlines("original") == []
    assert _headlines("replacement") == ["Replacement words"]

    Article.objects.bulk_create(
        [
            Article(
                headline="Bulk story",
                slug="bulk-story",
                section=article.section,
                body="<p>Loaded in bulk.</p>",
                status=ArticleStatus.PUBLISHED,
                published_at=_ago(1),
            )
        ]
    )
    assert _headlines("bulk") == ["Bulk story"]

    article.delete()
    assert not ArticleSearchDocument.objects.filter(pk=article.pk).exists()


@postgres_only
def test_common_words_rank_only_the_newest_matches_and_the_page_says_so(client, monkeypatch):
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 3)
    for n in range(5):
        make_article(headline=f"Vaccine study {n}", published_at=_ago(10 - n))

    assert sorted(_headlines("vaccine")) == [
        "Vaccine study 2",
        "Vaccine study 3",
        "Vaccine study 4",
    ]
    response = client.get("/search/", {"q": "vaccine"})
    assert response.status_code == 200
    assert b"the newest 3 matches, best first" in response.content
    assert b"Many more stories use these words" in response.content
