"""Search the whole story: tags, quotes, names and agreements, on both engines.

PostgreSQL: pg_trgm; the document widened and rewritten by triggers on every
table that feeds it (statement-level, one SQL function), the story's own
text kept parsed, Korean words trigram-indexed, a word list for "did you
mean"; every document written again here. SQLite: the FTS5 tables; their
triggers and documents come after the migration run, from the post_migrate
handler in ``articles/search_index.py`` (Django's SQLite table rebuilds fail
on triggers that name the rebuilt table).
"""

import importlib

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from articles.search_index import search_index_install, search_index_uninstall

# What migration 0003 installed, restored when this one is reversed.
_previous = importlib.import_module("articles.migrations.0003_search_document")


def search_everything_install(apps, schema_editor):
    search_index_install(schema_editor)


def search_everything_uninstall(apps, schema_editor):
    search_index_uninstall(
        schema_editor,
        previous_trigger_sql=_previous.TRIGGER_SQL,
        previous_backfill_sql=_previous.BACKFILL_SQL,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_imported_address"),
        ("institutions", "0002_person_photo_private"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        # A no-op on SQLite.
        TrigramExtension(),
        migrations.RunPython(
            search_everything_install, search_everything_uninstall, elidable=False
        ),
    ]
