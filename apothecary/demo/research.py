"""The demo research library (research.toml): the sources the demo posts cite.

The posts cite these by their stable `key` (never by primary key, which differs between
databases): `[cite:key:framingham-bmd]` in a paragraph, `citation = "…"` in a citation block."""

from django.db import transaction

from apothecary.research.models import Citation, normalise_doi

from . import content

BIBLIOGRAPHIC_FIELDS = ("title", "journal", "volume", "issue", "pages", "url", "kind")


def demo_citations() -> list[dict]:
    """The entries of research.toml; a missing `year` is None."""
    return content.read("research")["citation"]


def find_existing(entry: dict) -> Citation | None:
    """The citation this demo entry already is, by DOI, then PMID, then exact title."""
    doi = normalise_doi(entry.get("doi", ""))
    if doi and (found := Citation.objects.filter(doi=doi).first()):
        return found
    if entry.get("pmid") and (found := Citation.objects.filter(pmid=entry["pmid"]).first()):
        return found
    return Citation.objects.filter(title__iexact=entry["title"]).first()


@transaction.atomic
def seed_citations() -> dict[str, Citation]:
    """Create the demo citations that are missing; safe to run again. An existing citation is
    left as the editors made it, so re-seeding never undoes their summary or topics."""
    seeded: dict[str, Citation] = {}
    for entry in demo_citations():
        citation = find_existing(entry)
        if citation is None:
            citation = Citation(
                authors="\n".join(entry["authors"]),
                pmid=entry.get("pmid", ""),
                doi=entry.get("doi", ""),
                summary=entry["summary"],
                year=entry.get("year"),
                **{field: entry.get(field) or "" for field in BIBLIOGRAPHIC_FIELDS},
            )
            citation.save()
            citation.topics.add(*entry["topics"])
        seeded[entry["key"]] = citation
    return seeded
