"""Writers may propose people and institutions; editors confirm or merge them.

Every existing person and institution is confirmed (the column's default).
Writers get to add people, institutions and positions, and to change them:
the admin narrows "change" to their own unconfirmed proposals
(institutions/admin.py). Editors and Administrators get the new "confirm"
permissions. Permissions are created here first, as in articles 0002_roles.

SQLite adds a NOT NULL column with a default by rebuilding the table, which
fails while a trigger names it (see 0003): the triggers naming the two
tables are set aside and put back around each rebuild.
"""

import django.db.models.deletion
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

WRITER_GRANTS = [
    "add_person",
    "change_person",
    "add_institution",
    "change_institution",
    "add_position",
    "change_position",
    "delete_position",
]
CONFIRM_GRANTS = ["confirm_person", "confirm_institution"]


def _triggers_naming(connection, table):
    """(name, CREATE statement) of every SQLite trigger on or mentioning ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (tbl_name = %s OR instr(sql, %s) > 0) ORDER BY name",
            [table, table],
        )
        return cursor.fetchall()


class AddFieldKeepingTriggers(migrations.AddField):
    """``AddField`` with the SQLite triggers naming the model's table set aside."""

    def _keeping_triggers(self, app_label, schema_editor, state, run):
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return run()
        table = state.apps.get_model(app_label, self.model_name)._meta.db_table
        triggers = _triggers_naming(connection, table)
        for name, _sql in triggers:
            schema_editor.execute(f'DROP TRIGGER "{name}"', params=None)
        run()
        for _name, sql in triggers:
            schema_editor.execute(sql, params=None)
        return None

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._keeping_triggers(
            app_label,
            schema_editor,
            from_state,
            lambda: super(AddFieldKeepingTriggers, self).database_forwards(
                app_label, schema_editor, from_state, to_state
            ),
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._keeping_triggers(
            app_label,
            schema_editor,
            to_state,
            lambda: super(AddFieldKeepingTriggers, self).database_backwards(
                app_label, schema_editor, from_state, to_state
            ),
        )


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = Permission.objects.filter(
        content_type__app_label="institutions", codename__in=codenames
    )
    missing = set(codenames) - set(found.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions not found for the proposals: {sorted(missing)}")
    return list(found)


def proposals_grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("institutions"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    writer, _ = Group.objects.get_or_create(name="Writer")
    writer.permissions.add(*_permissions(apps, WRITER_GRANTS))
    for name in ["Editor", "Administrator"]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, CONFIRM_GRANTS))


def proposals_revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    grants = Permission.objects.filter(content_type__app_label="institutions")
    for group in Group.objects.filter(name="Writer"):
        group.permissions.remove(*grants.filter(codename__in=WRITER_GRANTS))
    for group in Group.objects.filter(name__in=["Editor", "Administrator"]):
        group.permissions.remove(*grants.filter(codename__in=CONFIRM_GRANTS))


def _confirmed():
    return models.BooleanField(
        default=True,
        help_text=(
            "Unticked for a writer's proposal: it is not public, and stories naming it "
            "cannot be published until an editor confirms it or merges it into an existing "
            "record."
        ),
        verbose_name="confirmed",
    )


def _proposed_by():
    return models.ForeignKey(
        blank=True,
        editable=False,
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name="+",
        to=settings.AUTH_USER_MODEL,
        verbose_name="proposed by",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0003_agreement_renews"),
        # The Writer, Editor and Administrator groups.
        ("articles", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="institution",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("confirm_institution", "Can confirm or merge proposed institutions")
                ],
                "verbose_name": "institution",
                "verbose_name_plural": "institutions",
            },
        ),
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["name"],
                "permissions": [("confirm_person", "Can confirm or merge proposed people")],
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
        AddFieldKeepingTriggers(model_name="institution", name="confirmed", field=_confirmed()),
        AddFieldKeepingTriggers(model_name="institution", name="proposed_by", field=_proposed_by()),
        AddFieldKeepingTriggers(model_name="person", name="confirmed", field=_confirmed()),
        AddFieldKeepingTriggers(model_name="person", name="proposed_by", field=_proposed_by()),
        migrations.RunPython(proposals_grant, proposals_revoke),
    ]
