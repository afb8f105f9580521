from django.core.management.base import BaseCommand

from apothecary.affiliates.services import commissions_approve_due


class Command(BaseCommand):
    help = (
        "Approve pending affiliate commissions whose return window has passed with no full "
        "refund; flagged ones are left for staff. Safe to re-run; run it daily."
    )

    def handle(self, *args, **options):
        approved = commissions_approve_due()
        noun = "commission" if approved == 1 else "commissions"
        self.stdout.write(f"Approved {approved} {noun}.")
