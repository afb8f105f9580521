"""Decide whether each live page's words name the product (`names_product`, read when a page
shows the health disclaimer). Publishing decides it for a page, and `migrate` for the pages live
before the field existed; this command is for a site whose pages were made live some other way,
or to check. It decides a post's `mentions_condition` (a condition of the lists named) in the
same pass. Safe to re-run."""

from django.core.management.base import BaseCommand

from apothecary.compliance.names_product import names_product_update_all


class Command(BaseCommand):
    help = "Decide whether the live pages not decided yet name the product (--all: every one)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Decide again for every live page, not only new ones.",
        )

    def handle(self, *args, **options):
        changed = names_product_update_all(undecided_only=not options["all"])
        if options["verbosity"]:
            self.stdout.write(f"{changed} live page(s) changed.")
