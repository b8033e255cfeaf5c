import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.extraction import analyse
from articles.extraction.dates import parse_published


class Command(BaseCommand):
    help = (
        "Analyse a press release or news story (a text file, or - for standard input) "
        "and print its quotes, institutions and agreement as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A text file, or - to read standard input.")
        parser.add_argument("--published", help="Release date, YYYY-MM-DD, to resolve 'on Monday'.")
        parser.add_argument(
            "--title", help="The headline, when it is not the first line of the text."
        )

    def handle(self, *args, path, published=None, title=None, **options):
        if published is not None and (len(published) != 10 or parse_published(published) is None):
            raise CommandError("--published must be a date written YYYY-MM-DD.")
        if path == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error
        result = analyse(text, title=title, published=published)
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
