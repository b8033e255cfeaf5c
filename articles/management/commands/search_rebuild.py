from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from articles.models import Article
from articles.search_index import search_index_missing, search_index_repair


class Command(BaseCommand):
    help = (
        "Write every story's search document again. On SQLite, first put back any of the "
        "index's triggers that a table rebuild (an AlterField migration) dropped."
    )

    def handle(self, *args, **options):
        missing = search_index_missing(connection)
        if missing and connection.vendor != "sqlite":
            raise CommandError(
                "The search index is incomplete (missing: "
                + ", ".join(missing)
                + "). Run `manage.py migrate`; the index comes from migration articles 0008."
            )
        with transaction.atomic():
            repaired = search_index_repair(connection)
        if repaired:
            self.stdout.write(f"Put back: {', '.join(repaired)}.")
        self.stdout.write(
            self.style.SUCCESS(f"Search documents written for {Article.objects.count()} stories.")
        )
