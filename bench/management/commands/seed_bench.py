import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.guard import bench_database_refusal
from bench.seed import (
    DEFAULT_ARTICLES,
    DEFAULT_SEED,
    bench_data_clear,
    bench_newsroom_seed,
    bench_seeded,
)


class Command(BaseCommand):
    help = (
        "Fill a benchmark database with a large, deterministic newsroom. "
        "Empties the database first; refuses any database whose name lacks "
        '"bench" unless BENCH_ALLOW_DB=1.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed again even when the same number of articles is already there.",
        )

    def handle(self, *args, articles, seed, batch_size, force, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        refusal = bench_database_refusal(connection.settings_dict["NAME"], environ=os.environ)
        if refusal:
            raise CommandError(refusal)
        if not force and bench_seeded(articles=articles, seed=seed):
            self.stdout.write(f"Already seeded: {articles} articles with seed {seed}.")
            return
        self.stdout.write(f"Clearing {connection.settings_dict['NAME']} for the benchmark.")
        bench_data_clear()
        report = bench_newsroom_seed(
            articles=articles, seed=seed, batch_size=batch_size, progress=self._progress
        )
        self.stderr.write("")
        self.stdout.write(
            "Seeded {articles} articles ({public_articles} public), {tags} tags, "
            "{people} people, {institutions} institutions, {agreements} agreements "
            "in {seconds} s (rows {seconds_rows} s, article indexes {seconds_indexes} s, "
            "statistics {seconds_analyze} s).".format(**report)
        )

    def _progress(self, done, total, stage):
        if stage == "indexes":
            self.stderr.write(
                f"\n  building {total} indexes of the articles tables (full-text search among them)"
            )
            return
        percent = 100 * done // total
        if sys.stderr.isatty():
            self.stderr.write(f"\r  articles {done:>7}/{total} ({percent:3d}%)", ending="")
        elif done == total or done * 10 // total != (done - 1) * 10 // total:
            self.stderr.write(f"  articles {done:>7}/{total} ({percent:3d}%)")
        self.stderr.flush()
