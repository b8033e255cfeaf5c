from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from articles.models import Article, article_renditions_make
from institutions.models import Person
from newsroom.media import ORIGINALS_FOLDER
from newsroom.renditions import RenditionError, renditions_delete


class Command(BaseCommand):
    help = (
        "Move images uploaded before originals were private (lead images, people's photos) "
        "to originals/, stripped of their metadata, and make lead image renditions afresh "
        "in random folders, deleting the old copies. Run once after deploying; "
        "a second run finds nothing to do."
    )

    def handle(self, *args, **options):
        moved = failed = 0
        for model, field_name in ((Article, "lead_image"), (Person, "photo")):
            manager = model._default_manager
            names = (
                manager.exclude(**{field_name: ""})
                .exclude(**{f"{field_name}__startswith": f"{ORIGINALS_FOLDER}/"})
                .order_by(field_name)
                .values_list(field_name, flat=True)
                .distinct()
            )
            for old_name in list(names):
                # Rows sharing one stored file (copied stories, the benchmark) move together.
                pks = manager.filter(**{field_name: old_name}).values_list("pk", flat=True)
                rows = manager.filter(pk__in=list(pks)).order_by("pk")
                try:
                    self._secure(rows, field_name, old_name)
                except (RenditionError, OSError) as error:
                    failed += 1
                    self.stderr.write(f"{old_name} ({model._meta.verbose_name}): {error}")
                    continue
                moved += 1
        self.stdout.write(self.style.SUCCESS(f"Originals made private: {moved}; {failed} failed."))

    @staticmethod
    def _secure(rows, field_name, old_name):
        first = rows.first()
        field_file = getattr(first, field_name)
        with default_storage.open(old_name, "rb") as handle:
            # PrivateImageFieldFile.save strips the metadata and names it originals/<random>/.
            field_file.save(old_name.rsplit("/", 1)[-1], handle, save=False)
        changes = {field_name: getattr(first, field_name).name}
        old_renditions = []
        if isinstance(first, Article):
            old_renditions = [item for row in rows for item in row.lead_image_renditions or []]
            changes["lead_image_bytes"] = default_storage.size(changes[field_name])
        # UPDATEs: moving a file is not an edit (no new version, no open form made stale).
        rows.update(**changes)
        if isinstance(first, Article):
            first.refresh_from_db()
            article_renditions_make(first, force=True)
            rows.exclude(pk=first.pk).update(
                lead_image_width=first.lead_image_width,
                lead_image_height=first.lead_image_height,
                lead_image_renditions=first.lead_image_renditions,
            )
            # The old folders were named after the upload: guessable, so gone.
            renditions_delete(old_renditions, keep=first.lead_image_renditions)
        default_storage.delete(old_name)
