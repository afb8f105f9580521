from django.conf import settings
from django.core.management.base import BaseCommand

from apothecary.demo.seeding import ADMIN_EMAIL, seed_demo


class Command(BaseCommand):
    help = "Create the B12 Patch demo site: pages, posts, FAQ, images, menus and an admin user."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo and build it anew."
        )

    def handle(self, *args, reset=False, **options):
        report = seed_demo(reset=reset, quiet=options["verbosity"] == 0)
        if options["verbosity"] == 0:
            return
        if report.created:
            self.stdout.write(self.style.SUCCESS(f"Created {len(report.created)} items."))
        else:
            self.stdout.write("The demo was already there; nothing to create.")
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        self.stdout.write(
            f"Admin: {base}/admin/  email: {ADMIN_EMAIL}  password: "
            + (report.admin_password or "(changed since the demo was seeded)")
        )
