"""RIS (.ris), as reference managers (Zotero, EndNote, Mendeley) export it."""

from __future__ import annotations

import re

import rispy

from ..models import CitationKind
from .common import (
    RIS,
    FileParseError,
    ParsedRecord,
    ParseResult,
    clean_text,
    collect,
    doi_from,
    first_of,
    kind_from_publication_types,
    parse_year,
    split_keywords,
    vancouver_name,
    web_url,
)

RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -( |$)")
RIS_KINDS = {
    "ELEC": CitationKind.WEB_PAGE,
    "BLOG": CitationKind.WEB_PAGE,
    "ICOMM": CitationKind.WEB_PAGE,
    "WEB": CitationKind.WEB_PAGE,
    "STAND": CitationKind.GUIDELINE,
    "GOVDOC": CitationKind.GUIDELINE,
}


def parse_ris(text: str) -> ParseResult:
    """Records are cut out here (TY to ER, with their line numbers) and each is read by rispy:
    rispy alone silently drops a record that lacks its ER, which would hide a truncated file."""
    result = ParseResult(RIS)
    chunk: list[str] | None = None
    start = 0
    index = 0
    for number, line in enumerate(text.split("\n"), start=1):
        tag = RIS_TAG.match(line)
        if tag and tag.group(1) == "TY":
            if chunk is not None:
                raise FileParseError(
                    f"The record starting on line {start} has no end tag (ER) before line "
                    f"{number}: the file may be cut short or damaged."
                )
            chunk, start = [line], number
        elif chunk is not None:
            chunk.append(line)
            if tag and tag.group(1) == "ER":
                index += 1
                entries = rispy.loads("\n".join(chunk), skip_unknown_tags=True)
                collect(result, ris_record(entries[0] if entries else {}, index, start))
                chunk = None
    if chunk is not None:
        raise FileParseError(
            f"The record starting on line {start} has no end tag (ER): the file may be cut short."
        )
    return result


def ris_record(entry: dict, index: int, line: int) -> ParsedRecord:
    ris_type = clean_text(entry.get("type_of_reference")).upper()
    database = clean_text(entry.get("name_of_database")).lower()
    accession = clean_text(entry.get("accession_number"))
    pmid = (
        accession if accession.isdigit() and ("pubmed" in database or "medline" in database) else ""
    )
    urls = [u for u in entry.get("urls", []) if web_url(u)]
    url = next((u for u in urls if "doi.org/" not in u.lower()), "")
    kind = kind_from_publication_types([entry.get("type_of_work", "")]) or RIS_KINDS.get(
        ris_type, ""
    )
    pages = first_of(entry.get("start_page"))
    if end := first_of(entry.get("end_page")):
        pages = f"{pages}-{end}" if pages else end
    authors = [*entry.get("authors", []), *entry.get("first_authors", [])]
    return ParsedRecord(
        index=index,
        line=line,
        title=first_of(entry.get("title"), entry.get("primary_title")),
        authors=[vancouver_name(a) for a in authors if clean_text(a)],
        journal=first_of(
            entry.get("alternate_title1"),  # J2: abbreviation, which Vancouver uses
            entry.get("alternate_title2"),
            entry.get("journal_name"),
            entry.get("alternate_title3"),
            entry.get("secondary_title"),
            entry.get("publisher"),
        ),
        year=parse_year(
            first_of(entry.get("year"), entry.get("publication_year"), entry.get("date"))
        ),
        volume=first_of(entry.get("volume")),
        issue=first_of(entry.get("number")),
        pages=pages,
        pmid=pmid,
        doi=doi_from(first_of(entry.get("doi")), *entry.get("urls", [])),
        url=web_url(url),
        kind=kind,
        topics=split_keywords(entry.get("keywords", [])),
    )
