from django.core.management.base import BaseCommand

from apothecary.contact.services import messages_delete_expired


class Command(BaseCommand):
    help = (
        "Delete contact messages older than the retention period of their site's contact "
        "settings (365 days unless changed). Safe to re-run; run it daily."
    )

    def handle(self, *args, **options):
        deleted = messages_delete_expired()
        noun = "message" if deleted == 1 else "messages"
        self.stdout.write(f"Deleted {deleted} contact {noun} past the retention period.")
