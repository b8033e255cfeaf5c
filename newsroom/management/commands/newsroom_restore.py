from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, newsroom_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by newsroom_backup into an empty, migrated database and the "
        "default storage, after checking every file against its checksum. --force empties "
        "a database that is not empty and overwrites stored files that differ. "
        "See docs/backups.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="a folder made by newsroom_backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that is not empty, and overwrite stored files",
        )
        parser.add_argument(
            "--database", default="default", help="database alias (default: default)"
        )

    def handle(self, *args, folder, force, database, **options):
        try:
            report = newsroom_restore(folder=folder, force=force, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = report["manifest"]
        for warning in report["warnings"]:
            self.stderr.write(self.style.WARNING(warning))
        if report["replaced_rows"]:
            replaced = sum(report["replaced_rows"].values())
            self.stdout.write(f"Emptied the database first (--force): {replaced} rows removed.")
        rows = report["rows"]
        self.stdout.write(
            f"Restored {sum(rows.values())} rows of {len(rows)} models from the backup of "
            f"{manifest['created_at']} ({manifest['database_vendor']}, Django "
            f"{manifest['django_version']}); no model has fewer rows than the manifest counts."
        )
        for label, count in sorted(report["added_by_database"].items()):
            self.stdout.write(f"  {label}: {count} more, made by the database as rows arrived")
        if options["verbosity"] > 1:
            for label, count in sorted(rows.items()):
                self.stdout.write(f"  {label:<40} {count:>8}")
        self.stdout.write(
            f"Files: {report['files_written']} written, {report['files_unchanged']} already "
            f"in storage unchanged; all {manifest['media']['count']} match their checksums."
        )
        self.stdout.write(self.style.SUCCESS("Restore complete."))
