from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from apothecary.orders.services import release_expired_orders


class Command(BaseCommand):
    help = (
        "Cancel orders left unpaid past the payment window and put their stock back. "
        "Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=settings.ORDER_PAYMENT_WINDOW_MINUTES,
            help="Cancel unpaid orders placed more than this many minutes ago "
            "(default: ORDER_PAYMENT_WINDOW_MINUTES, %(default)s).",
        )

    def handle(self, *args, older_than_minutes, **options):
        count = release_expired_orders(older_than=timedelta(minutes=older_than_minutes))
        noun = "order" if count == 1 else "orders"
        self.stdout.write(f"Cancelled {count} expired unpaid {noun}.")
