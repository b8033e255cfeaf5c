"""Notifications (articles/models_notifications.py), and Administrators may read them all.

Everyone else reads only their own notices, which needs no permission
(articles/admin_notifications.py). Permissions are created here first, as in
0002_roles.
"""

import django.db.models.deletion
import django.utils.timezone
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

CODENAME = "view_notification"


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("articles"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename=CODENAME)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Administrator"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename=CODENAME)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_live_drafts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("review_requested", "Review requested"),
                            ("changes_requested", "Changes requested"),
                            ("published", "Published"),
                            ("live", "Now live"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created"
                    ),
                ),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="for",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        fields=["recipient", "-created_at"], name="notification_recipient_new"
                    ),
                    models.Index(
                        condition=models.Q(("read_at__isnull", True)),
                        fields=["recipient"],
                        name="notification_unread",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
