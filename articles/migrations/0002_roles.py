"""The three newsroom roles as groups with their permissions.

post_migrate (which normally creates permissions) has not run yet on a fresh
database when this migration runs, so the permissions are created here first.
Models added later need their permissions added to the groups by a later
migration; the Administrator group is not meant as a substitute for superuser.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["auth", "contenttypes", "taggit", "reversion", "axes", "institutions", "articles"]

WRITER = {
    "articles": [
        "add_article",
        "change_article",
        "view_article",
        "view_section",
        "add_byline",
        "change_byline",
        "delete_byline",
        "view_byline",
        "add_quote",
        "change_quote",
        "delete_quote",
        "view_quote",
        "add_relatedarticle",
        "change_relatedarticle",
        "delete_relatedarticle",
        "view_relatedarticle",
        "view_articlestatuschange",
    ],
    "institutions": ["view_institution", "view_person", "view_position", "view_agreement"],
    "taggit": ["view_tag"],
}
# Editors get every permission of these apps; Administrators get everything.
EDITOR_APPS = ["articles", "institutions", "taggit"]


def roles_create(apps, schema_editor):
    for label in APPS:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    writer, _ = Group.objects.get_or_create(name="Writer")
    for app_label, codenames in WRITER.items():
        found = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(found.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for the Writer role: {sorted(missing)}")
        writer.permissions.add(*found)

    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(*Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))

    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.add(*Permission.objects.all())


def roles_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Writer", "Editor", "Administrator"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("institutions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        # Sign-in lockouts, which Administrators review and lift.
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(roles_create, roles_remove)]
