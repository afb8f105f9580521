"""BibTeX (.bib), with LaTeX markup in the values turned into plain text."""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import LatexWalkerError

from ..models import CitationKind
from .common import (
    BIBTEX,
    FileParseError,
    ParsedRecord,
    ParseResult,
    RecordError,
    clean_text,
    collect,
    doi_from,
    first_of,
    join_name,
    kind_from_publication_types,
    parse_year,
    split_keywords,
    vancouver_name,
    web_url,
)

LATEX = LatexNodes2Text()
BIBTEX_WEB_TYPES = {"online", "electronic", "www", "webpage"}


def latex_text(value) -> str:
    """LaTeX markup and the braces that protect capitals removed: {\\'e}t{\\'e} -> été."""
    text = clean_text(value)
    if not text:
        return ""
    try:
        text = LATEX.latex_to_text(text)
    except LatexWalkerError:  # markup too odd to read: keep the text without its braces
        pass
    return clean_text(text.replace("{", "").replace("}", ""))


def parse_bibtex(text: str) -> ParseResult:
    result = ParseResult(BIBTEX)
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    broken = [
        block
        for block in library.failed_blocks
        if not isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock)
    ]
    if broken:
        first = broken[0]
        line = (first.start_line or 0) + 1
        raise FileParseError(
            f"BibTeX syntax error in the entry starting on line {line} "
            "(an unclosed brace or quote?): the file may be cut short or damaged."
        )
    entries = [(block.start_line, "entry", block) for block in library.entries]
    entries += [(block.start_line, "duplicate", block) for block in library.failed_blocks]
    for index, (start, what, block) in enumerate(sorted(entries, key=lambda e: e[0] or 0), 1):
        line = (start or 0) + 1
        if what == "duplicate":
            result.errors.append(RecordError(index, line, f"BibTeX problem: {block.error}"))
            continue
        collect(result, bibtex_record(block, index, line))
    return result


def bibtex_names(value) -> list[str]:
    if not isinstance(value, list):
        return [vancouver_name(latex_text(value))] if clean_text(value) else []
    names = []
    for parts in value:
        surname = latex_text(" ".join([*parts.von, *parts.last]))
        given = [latex_text(p) for p in parts.first]
        name = join_name(surname, given)
        if parts.jr:
            name += " " + latex_text(" ".join(parts.jr))
        if name:
            names.append(name)
    return names


def bibtex_record(entry, index: int, line: int) -> ParsedRecord:
    fields = {key.lower(): item.value for key, item in entry.fields_dict.items()}

    def text(*keys: str) -> str:
        return first_of(*(latex_text(fields.get(key, "")) for key in keys))

    entry_type = entry.entry_type.lower()
    journal = text("journal", "journaltitle", "booktitle")
    url = web_url(text("url"))
    if entry_type in BIBTEX_WEB_TYPES or (entry_type == "misc" and url and not journal):
        kind = CitationKind.WEB_PAGE
    else:
        kind = kind_from_publication_types([text("type"), text("pubtype")])
    return ParsedRecord(
        index=index,
        line=line,
        title=text("title"),
        authors=bibtex_names(fields.get("author", "")) or bibtex_names(fields.get("editor", "")),
        journal=journal or text("publisher", "organization", "institution", "howpublished"),
        year=parse_year(text("year", "date")),
        volume=text("volume"),
        issue=text("number", "issue"),
        pages=re.sub(r"\s*[-\u2013]+\s*", "-", text("pages")),
        pmid=text("pmid"),
        doi=doi_from(text("doi")),
        url=url,
        kind=kind,
        topics=split_keywords([text("keywords")]),
    )
