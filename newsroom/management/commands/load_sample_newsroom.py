from django.conf import settings
from django.core.management.base import BaseCommand

from newsroom.sample import sample_newsroom_load


class Command(BaseCommand):
    help = "Load the sample newsroom (safe to run again: existing records are kept)."

    def handle(self, *args, **options):
        report = sample_newsroom_load()
        self.stdout.write(f"Sample newsroom ready: {report['articles_created']} new articles.")
        if report["accounts"]:
            self.stdout.write("Staff accounts created (shown once, because DEBUG is on):")
            for username, role, password in report["accounts"]:
                self.stdout.write(f"  {role:<14} username {username:<8} password {password}")
            self.stdout.write(f"Sign in at {settings.SITE_URL}/admin/")
