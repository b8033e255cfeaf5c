"""A permanent identifier for feeds and the stored size of the lead image.

The uuid column is added empty, filled row by row (a callable default in
AddField would give every existing row the same value) and only then made
unique and required.
"""

import uuid

from django.db import migrations, models


def fill_guids_and_sizes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "lead_image").iterator():
        size = None
        if article.lead_image:
            try:
                size = article.lead_image.size
            except OSError:
                size = None
        Article.objects.filter(pk=article.pk).update(guid=uuid.uuid4(), lead_image_bytes=size)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="guid",
            field=models.UUIDField(null=True, editable=False, verbose_name="permanent identifier"),
        ),
        migrations.AddField(
            model_name="article",
            name="lead_image_bytes",
            field=models.PositiveBigIntegerField(
                blank=True, editable=False, null=True, verbose_name="lead image size in bytes"
            ),
        ),
        migrations.RunPython(fill_guids_and_sizes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="article",
            name="guid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="permanent identifier"
            ),
        ),
    ]
