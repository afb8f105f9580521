from django.core.management.base import BaseCommand
from tqdm import tqdm

from apothecary.reviews.services import review_requests_due, review_requests_send


class Command(BaseCommand):
    help = (
        "Email a review request for every order line delivered REVIEW_REQUEST_DELAY_DAYS ago "
        "or more and not asked yet. Safe to re-run: each line is asked once. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, quiet=False, **options):
        lines = list(review_requests_due())
        progress = tqdm(lines, desc="Review requests", unit="line", disable=quiet or not lines)
        created = review_requests_send(lines=progress)
        self.stdout.write(f"{created} review request(s) queued.")
