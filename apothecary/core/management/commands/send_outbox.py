from django.core.management.base import BaseCommand
from tqdm import tqdm

from apothecary.core.outbox import send_due


class Command(BaseCommand):
    help = (
        "Send the queued emails that are due (core.outbox): retries after a mail server "
        "failure, and any email whose delivery task was lost. Run it every minute (cron, or "
        "beside the task worker). Safe to re-run and to run on several machines at once: "
        "each email is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many emails.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, limit=500, quiet=False, **options):
        def progress(due):
            return tqdm(due, desc="Emails", unit="email", disable=quiet or not due)

        sent, not_sent = send_due(limit=limit, progress=progress)
        self.stdout.write(f"{sent} email(s) sent, {not_sent} not sent this time.")
