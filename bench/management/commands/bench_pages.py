import json
from pathlib import Path

from django.core.management.base import BaseCommand

from bench.pages import bench_pages_discover, bench_pages_measure


class Command(BaseCommand):
    help = (
        "List the pages the benchmark measures, with the SQL queries and bytes of "
        "one request to each; optionally write them as JSON for bench.run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", help="Write the rows and notes to this JSON file.")

    def handle(self, *args, out, **options):
        rows, notes = bench_pages_discover()
        measured, more_notes = bench_pages_measure(rows)
        notes += more_notes
        for row in measured:
            self.stdout.write(
                f"{row['page']:<22} {row['status']:>3} {row['queries']:>3} queries "
                f"({row['queries_warm']} warm) "
                f"{row['bytes']:>8} bytes  {row['url']}"
            )
        for note in notes:
            self.stdout.write(f"note: {note}")
        if out:
            Path(out).write_text(json.dumps({"pages": measured, "notes": notes}, indent=2))
