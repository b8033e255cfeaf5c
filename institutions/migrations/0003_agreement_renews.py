"""An agreement may renew an earlier one.

SQLite adds a CHECK constraint by rebuilding the table: copy, drop, rename.
The rename fails while a trigger on another table names this one (the search
index's, articles 0008: "error in trigger articles_search_story_added: no
such table"), and the drop takes the table's own triggers with it. So the
triggers that name the table are set aside and put back unchanged around the
rebuild. PostgreSQL adds the column and the constraint in place.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "institutions_agreement"


def _triggers_naming(connection, table):
    """(name, CREATE statement) of every SQLite trigger on or mentioning ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (tbl_name = %s OR instr(sql, %s) > 0) ORDER BY name",
            [table, table],
        )
        return cursor.fetchall()


class TriggersKeptMixin:
    """Run the operation with the triggers naming ``TABLE`` set aside on SQLite."""

    def _keeping_triggers(self, schema_editor, run):
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return run()
        triggers = _triggers_naming(connection, TABLE)
        for name, _sql in triggers:
            schema_editor.execute(f'DROP TRIGGER "{name}"', params=None)
        run()
        for _name, sql in triggers:
            schema_editor.execute(sql, params=None)
        return None

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._keeping_triggers(
            schema_editor,
            lambda: super(TriggersKeptMixin, self).database_forwards(
                app_label, schema_editor, from_state, to_state
            ),
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._keeping_triggers(
            schema_editor,
            lambda: super(TriggersKeptMixin, self).database_backwards(
                app_label, schema_editor, from_state, to_state
            ),
        )


class AddConstraintKeepingTriggers(TriggersKeptMixin, migrations.AddConstraint):
    pass


class AddFieldKeepingTriggers(TriggersKeptMixin, migrations.AddField):
    """Adding a nullable column needs no rebuild; removing it (backwards) does."""


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0002_person_photo_private"),
    ]

    operations = [
        AddFieldKeepingTriggers(
            model_name="agreement",
            name="renews",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The earlier agreement this one renews or replaces. Both agreements' "
                    "pages then link to each other."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="renewals",
                to="institutions.agreement",
                verbose_name="renews",
            ),
        ),
        AddConstraintKeepingTriggers(
            model_name="agreement",
            constraint=models.CheckConstraint(
                condition=models.Q(("renews", models.F("pk")), _negated=True),
                name="agreement_not_own_renewal",
            ),
        ),
    ]
