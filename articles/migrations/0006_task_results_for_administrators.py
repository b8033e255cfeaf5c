"""Administrators may read the task queue (django-tasks-db's results in the admin).

The renditions of large lead images are made by the task worker; a failed
task, with its traceback, is where an administrator looks when a story's
image does not appear. Permissions are created here first, as in 0002_roles.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

APP_LABEL = "django_tasks_database"


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config(APP_LABEL), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.add(*Permission.objects.filter(content_type__app_label=APP_LABEL))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Administrator"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=APP_LABEL))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_lead_image_private"),
        (APP_LABEL, "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
