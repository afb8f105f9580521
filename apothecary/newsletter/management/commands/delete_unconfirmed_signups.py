from django.conf import settings
from django.core.management.base import BaseCommand

from apothecary.newsletter.services import delete_unconfirmed


class Command(BaseCommand):
    help = (
        "Delete newsletter sign-ups never confirmed within NEWSLETTER_PENDING_RETENTION_DAYS "
        "(run daily)."
    )

    def handle(self, *args, **options):
        deleted = delete_unconfirmed()
        self.stdout.write(
            f"{deleted} unconfirmed sign-up(s) older than "
            f"{settings.NEWSLETTER_PENDING_RETENTION_DAYS} days deleted."
        )
