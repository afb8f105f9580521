"""Writes to CitationUse, the "which live pages cite this source" index the Research page reads.

Kept apart from services.py (the library's imports) because these writes follow the page tree,
not the library: a page's rows are rebuilt from its body each time it is published, dropped when
it is unpublished, and cascade away with the page or the citation."""

import logging

from django.db import transaction
from wagtail.models import Page

from .models import CitationUse
from .references import ReferenceCollector


@transaction.atomic
def citation_uses_rebuild(*, page: Page) -> list[int]:
    """Make the page's rows match the citations its current body cites; returns their ids.
    A page that is not live cites nothing as far as readers can tell."""
    page = page.specific
    cited = []
    if page.live:
        collector = ReferenceCollector.for_page(page, cache=False, log_level=logging.WARNING)
        cited = [citation.pk for citation in collector.citations]
    CitationUse.objects.filter(page_id=page.pk).exclude(citation_id__in=cited).delete()
    existing = set(
        CitationUse.objects.filter(page_id=page.pk).values_list("citation_id", flat=True)
    )
    CitationUse.objects.bulk_create(
        [CitationUse(page_id=page.pk, citation_id=pk) for pk in cited if pk not in existing],
        ignore_conflicts=True,
    )
    return cited


def citation_uses_clear(*, page: Page) -> int:
    deleted, _ = CitationUse.objects.filter(page_id=page.pk).delete()
    return deleted


def citation_uses_rebuild_all(*, progress=None) -> int:
    """Every page's rows, from scratch (the pages published before the index existed); returns
    the number of rows. `progress` wraps the page iterable, e.g. with tqdm."""
    pages = Page.objects.live().specific()
    if progress is not None:
        pages = progress(pages, total=Page.objects.live().count())
    with transaction.atomic():
        CitationUse.objects.exclude(page__live=True).delete()
        for page in pages:
            citation_uses_rebuild(page=page)
    return CitationUse.objects.count()
