"""Rebuild the index of which live pages cite which sources, e.g. after importing pages or on a
site that was published before the index existed. Safe to re-run."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from apothecary.research.uses import citation_uses_rebuild_all


class Command(BaseCommand):
    help = "Rebuild CitationUse (the Research page's “Cited in”) from every live page's body."

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0

        def progress(pages, total):
            return tqdm(pages, total=total, desc="Reading pages", unit="page", disable=quiet)

        rows = citation_uses_rebuild_all(progress=progress)
        if not quiet:
            self.stdout.write(f"{rows} citation uses.")
