"""Give every tag saved before articles.tags a usable slug.

A tag named "!!!" was saved with slug "", which broke every story page
carrying it (500). New tags get a usable slug on save; this repairs the old.
"""

from django.db import migrations

from articles.tags import tag_slug_choose, tag_slug_is_usable


def tag_slugs_repair(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    tags = Tag.objects.using(schema_editor.connection.alias)
    rows = list(tags.order_by("pk").values_list("pk", "name", "slug"))
    taken = {slug for _, _, slug in rows}
    for pk, name, slug in rows:
        if tag_slug_is_usable(slug):
            continue
        new_slug = tag_slug_choose(name=name, slug=slug, taken=taken.__contains__)
        taken.add(new_slug)
        tags.filter(pk=pk).update(slug=new_slug)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_search_document"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(tag_slugs_repair, migrations.RunPython.noop, elidable=True),
    ]
