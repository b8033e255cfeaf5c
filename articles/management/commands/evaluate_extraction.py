import json

from django.core.management.base import BaseCommand, CommandError

from articles.extraction.evaluation import METRICS, evaluate, format_table, load_corpus


class Command(BaseCommand):
    help = (
        "Score the press-release extractor against annotated corpus files (JSON, the "
        "shared/corpus format): precision, recall and F1 for quotes, attribution, "
        "titles, institutions and agreements. See docs/extraction.md for the matching."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Corpus JSON files or folders of them.")
        parser.add_argument(
            "--misses", action="store_true", help="List every miss and false alarm."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object instead of a table."
        )

    def handle(self, *args, paths, misses=False, json=False, **options):
        try:
            records = load_corpus(paths)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the corpus: {error}") from error
        if not records:
            raise CommandError("No corpus files found.")
        report = evaluate(records)
        if json:
            out = report.to_dict()
            if misses:
                out["misses"] = [
                    {"article": a, "metric": m, "kind": k, "detail": d}
                    for a, m, k, d in report.misses
                ]
            self.stdout.write(_dumps(out))
            return
        self.stdout.write(format_table(report))
        if misses:
            self.stdout.write("")
            for metric in METRICS:
                rows = [r for r in report.misses if r[1] == metric]
                if not rows:
                    continue
                self.stdout.write(f"{metric}:")
                for article, _metric, kind, detail in rows:
                    self.stdout.write(f"  {article}: {kind}: {detail}")


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=2)
