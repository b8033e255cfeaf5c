from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, human_bytes, newsroom_backup


class Command(BaseCommand):
    help = (
        "Back up the database (every newsroom record, staff accounts, roles, tags and "
        "revisions) and every stored file into DIR, a new or empty folder. See docs/backups.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="a new or empty folder")
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )

    def handle(self, *args, folder, database, **options):
        try:
            manifest = newsroom_backup(folder=folder, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = manifest["database"]["rows"]
        media = manifest["media"]
        self.stdout.write(
            f"Backed up {sum(rows.values())} rows of {len(rows)} models "
            f"({human_bytes(manifest['database']['bytes'])}) and {media['count']} files "
            f"({human_bytes(media['bytes'])}) from {manifest['database_vendor']} into {folder}."
        )
        if options["verbosity"] > 1:
            for label, count in sorted(rows.items()):
                self.stdout.write(f"  {label:<40} {count:>8}")
        self.stdout.write(self.style.SUCCESS(f"Manifest: {folder}/manifest.json"))
