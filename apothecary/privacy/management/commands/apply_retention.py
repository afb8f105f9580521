from django.core.management.base import BaseCommand

from apothecary.privacy.services import apply_retention, unregistered_periods


class Command(BaseCommand):
    help = (
        "Delete or anonymise the personal data past its retention period "
        "(settings.PRIVACY_RETENTION_DAYS), and print what was done. Run it daily."
    )

    def handle(self, *args, **options):
        results = apply_retention()
        total = 0
        for rule, counts in results.items():
            for what, count in counts.items():
                self.stdout.write(f"{rule}: {what}: {count}")
                total += count
        for name in unregistered_periods():
            self.stdout.write(f"{name}: no rule yet (its app is not installed)")
        self.stdout.write(f"Retention applied: {total} record{'s' if total != 1 else ''} changed.")
