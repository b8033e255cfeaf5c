import sys
import time

from django.core.management.base import BaseCommand, CommandError

from articles.wordpress import (
    DEFAULT_MAX_SECTIONS,
    ExportUnreadable,
    export_read,
    uploads_open,
    wordpress_import,
)


class ProgressBar:
    """``[#####-----] 120/300 items`` on one line of a terminal; silent elsewhere.

    Redrawn at most ten times a second, so a large export is not slowed by
    its own progress.
    """

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.shown = stream.isatty() if hasattr(stream, "isatty") else False
        self.last = 0.0

    def __call__(self, done, total):
        if not self.shown:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} items")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import posts from a WordPress export file (WXR 1.1 or 1.2): posts become articles, "
        "the most-used categories sections, authors people with bylines, and old addresses "
        "redirect. Safe to run again: it updates what it made before. See articles/wordpress.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", metavar="EXPORT.xml", help="the file from Tools → Export")
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="the site's wp-content/uploads folder (or a zip of it) for the images",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what the import would do and change nothing",
        )
        parser.add_argument(
            "--max-sections",
            type=int,
            default=DEFAULT_MAX_SECTIONS,
            metavar="N",
            help=(
                "the N most-used top-level categories become sections, the rest tags "
                f"(default {DEFAULT_MAX_SECTIONS})"
            ),
        )

    def handle(self, *args, export, uploads, dry_run, max_sections, **options):
        if max_sections < 1:
            raise CommandError("--max-sections must be at least 1.")
        uploads_source = None
        try:
            parsed = export_read(export)
            if uploads:
                uploads_source = uploads_open(uploads)
        except FileNotFoundError:
            raise CommandError(f"No file at {export}.") from None
        except ExportUnreadable as error:
            raise CommandError(f"{export}: {error}") from None
        progress = ProgressBar(sys.stderr) if options["verbosity"] > 0 else None
        try:
            report = wordpress_import(
                export=parsed,
                uploads=uploads_source,
                dry_run=dry_run,
                max_sections=max_sections,
                progress=progress,
            )
        finally:
            if hasattr(uploads_source, "close"):
                uploads_source.close()
        for line in report.lines():
            self.stdout.write(line)
