"""The benchmark's seeder, its safety rule and the flat query counts it shows."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Quote
from bench import vocabulary as vocab
from bench.guard import bench_database_refusal
from bench.management.commands.seed_bench import Command as SeedBenchCommand
from bench.pages import bench_pages_discover, bench_pages_measure
from bench.run import BenchError, bench_config, with_statement_timeout
from bench.seed import bench_data_clear, bench_newsroom_seed, bench_seeded
from institutions.models import Agreement, Institution, Person

NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 30))


@pytest.fixture
def bench_media(settings, tmp_path_factory):
    """One media folder for the whole module, so the shared images are made once."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "bench-media"
    return settings.MEDIA_ROOT


def _seed(articles, **options):
    return bench_newsroom_seed(articles=articles, images=2, now=NOW, **options)


def _fingerprint():
    return [
        (article.slug, article.headline, sorted(tag.name for tag in article.tags.all()))
        for article in Article.objects.order_by("slug").prefetch_related("tags")
    ]


@pytest.mark.django_db
def test_seeding_builds_the_promised_newsroom(bench_media):
    report = _seed(30)

    assert report["articles"] == Article.objects.count() == 30
    assert 0 < report["public_articles"] <= 30
    assert Tag.objects.count() == 200
    assert Person.objects.count() == 500
    assert Institution.objects.count() == 300
    assert Institution.objects.filter(parent__isnull=True).count() == 30
    assert Institution.objects.filter(parent__parent__isnull=False).count() == 30
    assert Agreement.objects.count() == 150
    for agreement in Agreement.objects.prefetch_related("party_rows"):
        assert 2 <= len(agreement.party_rows.all()) <= 3
    for article in Article.objects.prefetch_related("tags", "quotes", "bylines"):
        assert 3 <= len(article.tags.all()) <= 5
        assert 1 <= len(article.quotes.all()) <= 3
        assert article.bylines.all()
        assert article.body.count("<p>") == 8
        assert 540 <= len(re.sub(r"<[^>]+>", " ", article.body).split()) <= 680
    assert Article.objects.exclude(lead_image="").count() >= 15
    assert bench_seeded(articles=30, seed=2026)
    assert not bench_seeded(articles=31, seed=2026)


@pytest.mark.django_db
def test_seeded_quotes_carry_the_title_held_on_the_day(bench_media):
    _seed(20)

    for quote in Quote.objects.select_related("article", "person")[:20]:
        assert quote.title_override == ""
        assert quote.printed_title == quote.person.title_on(quote.article.quote_date())


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_newsroom(bench_media):
    _seed(30, seed=7, batch_size=7)
    first = _fingerprint()
    bench_data_clear()
    _seed(30, seed=7, batch_size=1000)
    second = _fingerprint()
    bench_data_clear()
    _seed(30, seed=8)

    assert first == second
    assert len(first) == 30
    assert _fingerprint() != first


@pytest.mark.django_db
def test_the_rare_search_word_is_in_a_few_stories_only(bench_media):
    _seed(40)

    assert 1 <= Article.objects.filter(body__contains=vocab.RARE_WORD).count() <= 5
    assert Article.objects.filter(body__icontains="clinical").count() > 30


@pytest.mark.django_db
def test_seeding_refuses_a_database_that_already_has_articles(bench_media):
    _seed(5)

    with pytest.raises(ValueError, match="already holds articles"):
        _seed(5)


@pytest.mark.django_db
def test_seed_command_refuses_a_database_not_named_for_the_benchmark(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "newsroom")
    monkeypatch.delenv("BENCH_ALLOW_DB", raising=False)

    with pytest.raises(CommandError, match="Refusing to put benchmark data"):
        call_command(SeedBenchCommand(), "--articles", "3")
    assert not Article.objects.exists()


def test_only_databases_named_bench_are_used_unless_allowed():
    assert bench_database_refusal("nr_bench", environ={}) is None
    assert bench_database_refusal("/srv/build/bench.sqlite3", environ={}) is None
    assert bench_database_refusal("/srv/bench/db.sqlite3", environ={}) is not None
    assert "BENCH_ALLOW_DB=1" in bench_database_refusal("newsroom", environ={})
    assert bench_database_refusal("newsroom", environ={"BENCH_ALLOW_DB": "1"}) is None


def test_bench_run_defaults_to_its_own_sqlite_file_and_refuses_other_databases():
    config = bench_config({})
    assert config["database_url"].endswith("build/bench.sqlite3")
    assert config["articles"] == 2000

    with pytest.raises(BenchError, match="Refusing"):
        bench_config({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/newsroom"})
    with pytest.raises(BenchError, match="BENCH_ARTICLES"):
        bench_config({"BENCH_ARTICLES": "many"})


def test_benchmark_server_stops_runaway_postgresql_statements():
    url = "postgres://postgres@127.0.0.1:5432/nr_bench"

    assert with_statement_timeout(url, 10) == f"{url}?options=-c%20statement_timeout%3D10000"
    assert with_statement_timeout(f"{url}?sslmode=disable", 5).endswith(
        "&options=-c%20statement_timeout%3D5000"
    )
    assert (
        with_statement_timeout("sqlite:///build/bench.sqlite3", 10)
        == "sqlite:///build/bench.sqlite3"
    )


def _page_costs():
    rows, _notes = bench_pages_discover()
    measured, _notes = bench_pages_measure(rows)
    return {row["page"]: (row["status"], row["queries"], row["queries_warm"]) for row in measured}


@pytest.mark.django_db
def test_query_counts_stay_flat_as_the_archive_grows(bench_media):
    _seed(20)
    small = _page_costs()
    bench_data_clear()
    cache.clear()  # cold caches for both sizes, as in a fresh benchmark run
    _seed(80)
    large = _page_costs()

    assert {"article", "home", "person", "institution", "agreement"} <= set(small)
    assert set(small) == set(large)
    for page, (status, _cold, _warm) in large.items():
        assert status == (304 if page == "feed 304" else 200), page
    assert {page: counts[1:] for page, counts in small.items()} == {
        page: counts[1:] for page, counts in large.items()
    }


def test_flat_cost_report_compares_each_page_at_both_sizes():
    from bench.report import flat_cost_markdown

    def run(articles, rows):
        return {
            "articles": articles,
            "pages": [
                {"page": page, "ratio": ratio, "queries": queries, "queries_warm": queries}
                for page, ratio, queries in rows
            ],
        }

    table = flat_cost_markdown(
        run(2000, [("article", 0.40, 7), ("home", 0.50, 5)]),
        run(100000, [("article", 0.38, 7), ("home", 0.30, 6)]),
    )

    assert "| article | 0.400 | 0.380 | 0.95 | 7 (7) → 7 (7) |" in table
    assert "| home | 0.500 | 0.300 | 0.60 ✗ | 5 (5) → 6 (6) ✗ |" in table
