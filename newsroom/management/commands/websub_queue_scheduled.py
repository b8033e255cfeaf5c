from django.core.management.base import BaseCommand, CommandError

from newsroom.websub import CannotWait, hub_url, scheduled_queue


class Command(BaseCommand):
    help = (
        "Queue a WebSub ping for the moment each scheduled story goes live, each embargo "
        "lifts and each agreement's signing day begins. Saves queue their own; run this once "
        "when a hub is first configured, for what was scheduled before. Running it twice "
        "pings those feeds twice."
    )

    def handle(self, *args, **options):
        if not hub_url():
            self.stdout.write("No WebSub hub is configured (NEWSROOM_WEBSUB_HUB): nothing queued.")
            return
        try:
            queued = scheduled_queue()
        except CannotWait:
            raise CommandError(
                "The task backend cannot run a task later; configure the database queue "
                "(django_tasks_db) in TASKS."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued {queued} WebSub ping task{'s' if queued != 1 else ''} "
                f"for {hub_url()}, each to run at its moment."
            )
        )
