"""Search over the whole story, the same cases on whichever database the tests run.

``make test`` runs them on SQLite (FTS5), and with ``DATABASE_URL`` pointing at
PostgreSQL they run unchanged against the tsvector/pg_trgm index: nothing
here is skipped on either engine.
"""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from articles.models import Article, ArticleStatus, Byline, Quote
from articles.search import (
    SearchFilterForm,
    fts5_match,
    search_articles,
    search_names,
    search_suggestion,
    search_terms,
    trigram_similarity,
)
from articles.search_index import (
    search_index_deferred,
    search_index_missing,
    search_index_pause,
    search_index_resume,
)
from institutions.models import Agreement, Institution, Person
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_quote,
    make_section,
)

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def _ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def _headlines(query, **criteria):
    return [article.headline for article in search_articles(query, **criteria)]


def _page_headlines(response):
    return [article.headline for article in response.context["articles"]]


def test_every_part_of_the_index_is_installed():
    assert search_index_missing(connection) == []


def test_the_index_is_paused_for_migrations_and_put_back_after():
    articles = apps.get_app_config("articles")
    story = make_article(headline="Before the migration", body="<p>Words.</p>")

    search_index_pause(articles, using="default", plan=[("a migration", False)])
    Article.objects.filter(pk=story.pk).update(headline="Written during the migration")
    search_index_resume(articles, using="default")

    assert search_index_missing(connection) == []
    assert _headlines("during") == ["Written during the migration"]


def test_a_bulk_load_can_defer_the_index_to_the_end():
    with transaction.atomic(), search_index_deferred(connection):
        story = make_article(headline="Loaded in bulk", body="<p>Many rows.</p>")
        make_quote(article=story, text="Indexed at the end.")

    assert search_index_missing(connection) == []
    assert _headlines("indexed end") == ["Loaded in bulk"]


def test_search_rebuild_writes_every_document_again():
    make_article(headline="Phoenix rises", body="<p>From the ashes.</p>")
    documents = (
        "articles_search_fts" if connection.vendor == "sqlite" else "articles_articlesearchdocument"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {documents}")
    assert _headlines("phoenix") == []

    call_command("search_rebuild", stdout=io.StringIO())

    assert _headlines("phoenix") == ["Phoenix rises"]


def test_search_rebuild_puts_back_a_dropped_trigger_or_names_it():
    story = make_article(headline="Quiet story", body="<p>Nothing.</p>")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # What Django's rebuild of articles_quote (an AlterField) does to it.
            cursor.execute("DROP TRIGGER articles_quote_search_insert")
        else:
            cursor.execute("DROP TRIGGER articles_search_links_added ON articles_quote")
    assert search_index_missing(connection)

    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match="articles_search_links_added on articles_quote"):
            call_command("search_rebuild", stdout=io.StringIO())
        return
    call_command("search_rebuild", stdout=io.StringIO())
    assert search_index_missing(connection) == []
    make_quote(article=story, text="An unmistakable remark.")
    assert _headlines("unmistakable") == ["Quiet story"]


# Words ----------------------------------------------------------------------


def test_mou_matches_the_word_and_never_tumours(client):
    make_article(headline="Yonsei and KAIST sign MOU", body="<p>The MOU covers exchanges.</p>")
    make_article(headline="Tumours shrink in trial", body="<p>Smaller tumours after a year.</p>")
    make_article(headline="Brain study", body="<p>Two tumours were removed.</p>")

    response = client.get(SEARCH, {"q": "MOU"})

    assert response.status_code == 200
    assert _page_headlines(response) == ["Yonsei and KAIST sign MOU"]
    assert _headlines("mou") == ["Yonsei and KAIST sign MOU"]


def test_the_last_word_also_matches_as_a_prefix_exact_words_first():
    make_article(headline="Organoid atlas", body="<p>Grown in weeks.</p>", published_at=_ago(1))
    make_article(headline="Organ donation week", body="<p>Register.</p>", published_at=_ago(5))
    make_article(headline="Unrelated", body="<p>Nothing.</p>")

    assert _headlines("organ") == ["Organ donation week", "Organoid atlas"]
    # Only the last word: "organ" before another word must be whole.
    assert _headlines("organ atlas") == []


def test_tags_are_searched():
    make_article(headline="Clinic opens", body="<p>Doors open.</p>", tags=["immunotherapy"])
    make_article(headline="Other clinic", body="<p>Doors open.</p>", tags=["surgery"])

    assert _headlines("immunotherapy") == ["Clinic opens"]


def test_agreement_titles_are_searched():
    agreement = make_agreement(title="Memorandum on a joint biobank")
    story = make_article(headline="Universities cooperate", body="<p>Signed today.</p>")
    story.agreements.add(agreement)
    make_article(headline="Other cooperation", body="<p>Signed today.</p>")

    assert _headlines("biobank") == ["Universities cooperate"]


def test_quoted_words_are_searched_as_words_and_as_a_phrase(client):
    story = make_article(headline="Data sharing pact", body="<p>Hospitals agree.</p>")
    make_quote(article=story, text="Open data is the essential foundation of modern medicine.")
    other = make_article(headline="Foundations", body="<p>An essential read.</p>")
    make_quote(article=other, text="The foundation was essential to us.")

    assert _headlines('"essential foundation"') == ["Data sharing pact"]
    assert _headlines('"foundation essential"') == []
    assert set(_headlines("essential foundation")) == {"Data sharing pact", "Foundations"}
    assert _page_headlines(client.get(SEARCH, {"q": '"essential foundation"'})) == [
        "Data sharing pact"
    ]


def test_excluded_words_leave_stories_out():
    make_article(headline="Vaccine trial in Seoul", body="<p>Phase two.</p>")
    make_article(headline="Vaccine trial in Busan", body="<p>Phase one.</p>")

    assert _headlines("vaccine -busan") == ["Vaccine trial in Seoul"]
    assert _headlines("-busan") == []


# Names ----------------------------------------------------------------------


@pytest.fixture
def choi_stories():
    choi = make_person(name="Choi Jae-young", korean_name="최재영")
    quoted = make_article(headline="Dean welcomes students", body="<p>A speech.</p>")
    Quote.objects.create(article=quoted, person=choi, text="Welcome to all of you.")
    written = make_article(headline="Column on ethics", body="<p>An essay.</p>")
    Byline.objects.create(article=written, person=choi)
    about = make_article(headline="New dean appointed", body="<p>The board decided.</p>")
    about.people.add(choi)
    make_person(name="Choi Min-ji")
    make_article(headline="Unrelated", body="<p>Young researchers.</p>")
    return choi


@pytest.mark.parametrize(
    "query",
    [
        "Jae-young Choi",
        "choi jae young",
        "Choi Jae-young",
        "Jaeyoung Choi",
        "CHOI JAEYOUNG",
        "최재영",
    ],
)
def test_names_in_any_order_with_or_without_hyphens_find_the_person_and_stories(
    client, choi_stories, query
):
    expected = {"Dean welcomes students", "Column on ethics", "New dean appointed"}

    assert set(_headlines(query)) == expected
    assert search_names(query)["people"][0] == choi_stories
    response = client.get(SEARCH, {"q": query})
    assert set(_page_headlines(response)) == expected
    assertContains(response, choi_stories.get_absolute_url())


def test_a_persons_own_stories_come_first_even_beyond_the_newest_matches(monkeypatch):
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 3)
    choi = make_person(name="Choi Jae-young")
    own = make_article(headline="Old interview", body="<p>Talk.</p>", published_at=_ago(500))
    own.people.add(choi)
    others = [make_person(name="Choi Min-ji"), make_person(name="Park Jae-young")]
    for n in range(5):
        crowd = make_article(headline=f"Panel {n}", body="<p>Panel.</p>", published_at=_ago(n + 1))
        crowd.people.add(*others)

    assert _headlines("jae-young choi")[0] == "Old interview"
    assert _headlines("choi jae young")[0] == "Old interview"


def test_a_surname_lists_everyone_with_it_whole_names_first(choi_stories):
    people = search_names("choi")["people"]

    assert {person.name for person in people} == {"Choi Jae-young", "Choi Min-ji"}
    assert [p.name for p in search_names("young choi jae")["people"]] == ["Choi Jae-young"]


def test_institutions_are_found_by_every_name_and_through_their_parents():
    kaist = make_institution(name="Korea Advanced Institute", short_name="KAIST")
    school = make_institution(
        name="Graduate School of Medical Science",
        short_name="GSMSE",
        korean_name="의과학대학원",
        aliases="Medical Science School\nKAIST Med",
        kind="graduate_school",
        parent=kaist,
    )
    story = make_article(headline="Physician-scientist track", body="<p>Applications.</p>")
    story.institutions.add(school)
    make_article(headline="Other story", body="<p>Nothing.</p>")

    for query in ("GSMSE", "의과학대학원", "KAIST GSMSE", "KAIST", "kaist med", "Korea Advanced"):
        assert _headlines(query) == ["Physician-scientist track"], query


# Korean ---------------------------------------------------------------------


def test_korean_words_with_particles_find_the_bare_word_and_the_reverse():
    make_article(headline="Korean", body="<p>연세대학교 의과대학이 새 과정을 연다.</p>")
    make_article(headline="Short name", body="<p>연세대 동문회가 열렸다.</p>")
    make_article(headline="English", body="<p>An agreement was signed.</p>")

    assert _headlines("연세대학교와") == ["Korean"]
    assert _headlines("연세대학교에서") == ["Korean"]
    assert _headlines("연세대학교") == ["Korean"]
    assert _headlines("의과대학은") == ["Korean"]
    assert _headlines("연세대학교와 의과대학") == ["Korean"]


# The document follows every change ------------------------------------------


def test_the_document_follows_links_and_renames_made_anywhere():
    story = make_article(headline="Weekly news", body="<p>Plain words.</p>")
    person = make_person(name="Kim Su-bin")
    school = make_institution(name="School of Nursing", short_name="SON")
    make_institution(name="Hanbit University", short_name="HU").children.add(school)
    agreement = make_agreement(title="Exchange of librarians")

    quote = make_quote(article=story, person=person, text="A remarkable cohort.")
    assert _headlines("remarkable") == ["Weekly news"]
    assert _headlines("subin") == ["Weekly news"]
    Quote.objects.filter(pk=quote.pk).update(text="An ordinary cohort.")
    assert _headlines("remarkable") == []
    assert _headlines("ordinary") == ["Weekly news"]

    Person.objects.filter(pk=person.pk).update(name="Kim Da-eun")
    assert _headlines("subin") == []
    assert _headlines("daeun kim") == ["Weekly news"]

    story.institutions.add(school)
    assert _headlines("hanbit") == ["Weekly news"]
    Institution.objects.filter(short_name="HU").update(name="Hanul University")
    assert _headlines("hanbit") == []
    assert _headlines("hanul") == ["Weekly news"]

    story.agreements.add(agreement)
    assert _headlines("librarians") == ["Weekly news"]
    Agreement.objects.filter(pk=agreement.pk).update(title="Exchange of archivists")
    assert _headlines("librarians") == []
    story.agreements.remove(agreement)
    assert _headlines("archivists") == []

    story.tags.add("telehealth")
    assert _headlines("telehealth") == ["Weekly news"]
    Tag.objects.filter(name="telehealth").update(name="telemedicine")
    assert _headlines("telehealth") == []
    assert _headlines("telemedicine") == ["Weekly news"]
    Tag.objects.filter(name="telemedicine").delete()
    assert _headlines("telemedicine") == []

    quote.delete()
    assert _headlines("ordinary") == []


def test_the_document_follows_bulk_writes_and_deletion():
    story = make_article(headline="Original words", body="<p>First body.</p>")

    Article.objects.filter(pk=story.pk).update(body="<p>Second <em>version</em>.</p>")
    assert _headlines("version") == ["Original words"]
    assert _headlines("first") == []
    Article.objects.bulk_create(
        [
            Article(
                headline="Bulk story",
                slug="bulk-story",
                section=story.section,
                body="<p>Loaded in bulk &amp; fast.</p>",
                status=ArticleStatus.PUBLISHED,
                published_at=_ago(1),
            )
        ]
    )
    assert _headlines("bulk fast") == ["Bulk story"]
    make_quote(article=story, text="Deleted with the story.")

    story.delete()
    assert _headlines("original") == []
    assert _headlines("deleted") == []


def test_html_tags_and_attributes_are_not_words():
    make_article(
        headline="Linked story",
        body='<p>See <a href="https://example.org/strong">the <strong>report</strong></a>.</p>',
    )

    assert _headlines("report") == ["Linked story"]
    assert _headlines("href") == []
    assert _headlines("strong") == []
    assert _headlines("example") == []


# Did you mean ---------------------------------------------------------------


def test_a_misspelt_word_gets_a_suggestion_that_finds_stories(client):
    make_article(headline="Rare disease registry opens", body="<p>For rare conditions.</p>")

    response = client.get(SEARCH, {"q": "rare desease"})

    assert _page_headlines(response) == []
    assert response.context["suggestion"] == "rare disease"
    assertContains(response, "Did you mean")
    assertContains(response, "?q=rare+disease")
    assert _headlines(response.context["suggestion"]) == ["Rare disease registry opens"]


def test_names_and_tags_are_suggested_too():
    kim = make_person(name="Kim Jae-won")
    story = make_article(headline="Award", body="<p>Prize.</p>", tags=["neuroscience"])
    story.people.add(kim)

    assert search_suggestion("neuroscence") == "neuroscience"
    assert search_suggestion("jaewan kim") == "jaewon kim"


def test_known_words_are_kept_and_good_queries_get_no_suggestion():
    make_article(headline="Disease registry", body="<p>A rare condition.</p>")

    # "rare" is in a body, not a headline: it stays, only the typo changes.
    assert search_suggestion("rare desease") == "rare disease"
    assert search_suggestion("disease") is None
    assert search_suggestion("zzzzqqq") is None


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ArticleStatus.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(days=1)},
        {"embargo_until": timezone.now() + datetime.timedelta(days=1)},
    ],
    ids=["draft", "scheduled", "embargoed"],
)
def test_a_word_only_unpublished_stories_have_is_never_suggested(fields):
    make_article(headline="Xylophone merger talks", **fields)

    assert search_suggestion("xylofone") is None


def test_the_python_trigram_similarity_is_pg_trgm_s():
    # Values pg_trgm's similarity() gives for the same pairs.
    assert trigram_similarity("desease", "disease") == pytest.approx(5 / 11)
    assert trigram_similarity("word", "word") == 1.0
    assert trigram_similarity("abc", "xyz") == 0.0


# Filters --------------------------------------------------------------------


@pytest.fixture
def filtered_newsroom():
    science, campus = make_section(name="Science", slug="science"), make_section(slug="campus")
    university = make_institution(name="Hanbit University", short_name="HU", slug="hanbit")
    school = make_institution(name="Hanbit Medical School", slug="hanbit-med", parent=university)
    lee = make_person(name="Lee Ha-na", slug="lee-ha-na")
    day = timezone.localdate() - datetime.timedelta(days=10)
    # Half past midnight in the newsroom's zone: the day before in UTC.
    early = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 30)))
    stories = {
        "science-early": make_article(
            headline="Genome study early", section=science, published_at=early
        ),
        "science-late": make_article(
            headline="Genome study late",
            section=science,
            published_at=early - datetime.timedelta(hours=1),
        ),
        "campus": make_article(
            headline="Genome week on campus", section=campus, published_at=timezone.now()
        ),
    }
    stories["science-early"].institutions.add(school)
    Byline.objects.create(article=stories["campus"], person=lee)
    return {"day": day, "science": science, "university": university, "lee": lee}


def test_filters_narrow_by_section_date_institution_and_person(client, filtered_newsroom):
    day = filtered_newsroom["day"]

    def headlines(**params):
        return sorted(_page_headlines(client.get(SEARCH, {"q": "genome", **params})))

    assert headlines(section="science") == ["Genome study early", "Genome study late"]
    assert headlines(**{"from": day.isoformat(), "to": day.isoformat()}) == ["Genome study early"]
    assert headlines(to=(day - datetime.timedelta(1)).isoformat()) == ["Genome study late"]
    # The university's page counts its schools; so does its filter.
    assert headlines(institution="hanbit") == ["Genome study early"]
    assert headlines(institution="HU") == ["Genome study early"]
    assert headlines(person="lee-ha-na") == ["Genome week on campus"]
    assert headlines(person="Ha-na Lee") == ["Genome week on campus"]
    assert headlines(section="science", institution="hanbit-med") == ["Genome study early"]


def test_filters_alone_list_the_newest_stories_they_allow(client, filtered_newsroom):
    response = client.get(SEARCH, {"section": "science"})

    assert response.status_code == 200
    assert _page_headlines(response) == ["Genome study early", "Genome study late"]
    assertContains(response, "Stories matching the filters")


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"section": "no-such-section"}, "There is no section"),
        ({"institution": "Atlantis University"}, "No institution is called"),
        ({"person": "Nobody Atall"}, "No one is called"),
        ({"from": "yesterday"}, "needs a date"),
        ({"to": "2026-02-30"}, "needs a date"),
        ({"from": "0001-01-01"}, "Give a date between"),
        ({"to": "9999-12-31"}, "Give a date between"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "end date is before"),
    ],
)
def test_unknown_filter_values_are_ignored_with_a_message(
    client, filtered_newsroom, params, notice
):
    response = client.get(SEARCH, {"q": "genome", **params})

    assert response.status_code == 200
    assert len(response.context["articles"]) == 3
    assertContains(response, notice)
    assertContains(response, 'role="status"')


def test_the_filter_form_is_labelled_and_keeps_its_values(client, filtered_newsroom):
    response = client.get(SEARCH, {"q": "genome", "section": "science", "person": "lee-ha-na"})

    for field in ("section", "from", "to", "institution", "person"):
        assertContains(response, f'<label for="search-filter-{field}">')
    assertContains(response, '<option value="science" selected>Science</option>', html=True)
    assertContains(response, 'value="lee-ha-na"')
    assertContains(response, "<legend>Narrow the search</legend>", html=True)


def test_the_filter_form_reads_filters_without_the_database_for_sections():
    science = Article._meta.get_field("section").related_model(name="Science", slug="science")
    form = SearchFilterForm({"section": "science", "from": "2026-03-01"}, sections=[science])

    assert form.criteria() == {"section": science, "since": datetime.date(2026, 3, 1)}


def test_pages_keep_the_filters(client):
    section = make_section(slug="science")
    for n in range(22):
        make_article(headline=f"Genome {n}", section=section)

    response = client.get(SEARCH, {"q": "genome", "section": "science"})

    assertContains(response, "?q=genome&amp;section=science&amp;page=2")


# The gate -------------------------------------------------------------------

UNPUBLISHED = [
    {"status": ArticleStatus.DRAFT},
    {"status": ArticleStatus.REVIEW},
    {"published_at": timezone.now() + datetime.timedelta(days=1)},
    {"embargo_until": timezone.now() + datetime.timedelta(days=1)},
]


@pytest.mark.parametrize("fields", UNPUBLISHED, ids=["draft", "review", "scheduled", "embargoed"])
def test_no_unpublished_story_is_found_by_any_of_its_parts(client, fields):
    person = make_person(name="Park Secret-keeper")
    institution = make_institution(name="Hidden Institute", slug="hidden")
    section = make_section(slug="secret-desk")
    story = make_article(
        headline="Merger plan",
        section=section,
        tags=["confidential"],
        body="<p>Quiet.</p>",
        **fields,
    )
    story.people.add(person)
    story.institutions.add(institution)
    story.agreements.add(make_agreement(title="Clandestine accord"))
    make_quote(article=story, person=person, text="Nobody may know.")

    for query in ("merger", "confidential", "clandestine", "nobody", "secretkeeper", "hidden"):
        assert _headlines(query) == [], query
        response = client.get(SEARCH, {"q": query})
        assertNotContains(response, "Merger plan")
    for params in ({"section": "secret-desk"}, {"institution": "hidden"}, {"person": person.slug}):
        assert _page_headlines(client.get(SEARCH, params)) == []
    assert search_suggestion("mergr plan") is None


# Bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "word " * 2_000,
        "!!! ??? ... ---",
        '"',
        '""',
        '"unbalanced',
        "*",
        "organ*",
        "NEAR",
        "NEAR(organ study, 3)",
        "organ NEAR study",
        "-",
        "--organ",
        "-organ -study",
        ":",
        "headline:organ",
        "^organ",
        "organ AND OR NOT study",
        "(organ",
        "organ)",
        "{organ study}",
        "organ + study",
        "'; DROP TABLE articles_article; --",
        "\\",
        "%_",
        "\u200b\ufeff",
        "😀 organ",
        "ǅemal ǃxóõ",
        "ﬁnance ⅻ ²",
    ],
)
def test_no_query_text_breaks_the_search(client, query):
    make_article(headline="Organ study", body="<p>Organ study results.</p>")

    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert all(article.is_published() for article in search_articles(query))
    assert isinstance(search_names(query), dict)
    search_suggestion(query)


def test_query_words_never_carry_fts5_syntax():
    terms = search_terms('NEAR(a b) "c d" -e f:g h* ^i')

    match = fts5_match(terms)
    for fragment in ("NEAR(", ":", "^", "h*"):
        assert fragment not in match.replace('"h"*', "")
    assert [term.words for term in terms][:2] == [("near", "a"), ("b",)]


def test_query_counts_stay_small(client):
    choi = make_person(name="Choi Jae-young")
    university = make_institution(slug="hanbit")
    for n in range(8):
        story = make_article(headline=f"Clinic story {n}", tags=["clinic"])
        story.people.add(choi)
        story.institutions.add(university)
    client.get("/")  # the section navigation, cached as on a live site

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEARCH, params).status_code == 200
        return len(queries)

    # Names (people, institutions), the count and the page.
    assert count({"q": "clinic"}) == 4
    # Each filter naming a record looks it up once.
    assert count({"q": "clinic", "institution": "hanbit", "person": choi.slug}) == 6
    # No results (so no page of rows): the word lookup and the corrected count.
    assert count({"q": "clinik"}) == 5
