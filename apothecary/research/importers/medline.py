"""PubMed MEDLINE (.nbib, or PubMed's .txt): a small tag format, read here (no library for it
is worth a dependency)."""

from __future__ import annotations

import re

from .common import (
    MEDLINE,
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
)

MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- (.*)$")
MEDLINE_CONTINUATION = "      "  # six spaces


def parse_medline(text: str) -> ParseResult:
    """A record is a run of "TAG - value" lines ("PMID- 15616293", "AU  - Tucker KL"); long
    values continue on lines indented six spaces; records are separated by blank lines and
    each starts with PMID."""
    result = ParseResult(MEDLINE)
    fields: list[list[str]] = []  # [tag, value] in order, repeated tags kept
    start = 0
    index = 0

    def close() -> None:
        nonlocal fields, index
        if fields:
            index += 1
            collect(result, medline_record(fields, index, start))
        fields = []

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            close()
            continue
        if line.startswith(MEDLINE_CONTINUATION) and fields:
            fields[-1][1] += " " + line.strip()
            continue
        match = MEDLINE_TAG.match(line)
        if not match:
            raise FileParseError(
                f"Line {number} is not a MEDLINE field (expected e.g. 'TI  - Title'): "
                "the file may be damaged or not in MEDLINE format."
            )
        tag, value = match.group(1), match.group(2).strip()
        if tag == "PMID" and fields:
            close()
        if not fields:
            start = number
        fields.append([tag, value])
    close()
    return result


def medline_record(fields: list[list[str]], index: int, line: int) -> ParsedRecord:
    def values(tag: str) -> list[str]:
        return [value for t, value in fields if t == tag]

    authors = values("AU") or [vancouver_name(v) for v in values("FAU")]
    authors += values("CN")  # a group author ("Writing Group of …")
    dois = [v for v in values("LID") + values("AID") if v.lower().endswith("[doi]")]
    return ParsedRecord(
        index=index,
        line=line,
        title=first_of(values("TI"), values("BTI")),
        authors=[clean_text(a) for a in authors if clean_text(a)],
        journal=first_of(values("TA"), values("JT"), values("PB")),
        year=parse_year(first_of(values("DP"), values("DEP"))),
        volume=first_of(values("VI")),
        issue=first_of(values("IP")),
        pages=first_of(values("PG")),
        pmid=first_of(values("PMID")),
        doi=doi_from(*(d[: -len("[doi]")] for d in dois)),
        kind=kind_from_publication_types(values("PT")),
        topics=split_keywords(values("OT")),
    )
