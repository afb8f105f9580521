from django.core.management.base import BaseCommand
from tqdm import tqdm

from apothecary.core.outbox import deliver, due_emails


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
        due = due_emails(limit=limit)
        sent = 0
        for email_id in tqdm(due, desc="Emails", unit="email", disable=quiet or not due):
            sent += deliver(email_id)
        self.stdout.write(f"{sent} email(s) sent, {len(due) - sent} not sent this time.")
