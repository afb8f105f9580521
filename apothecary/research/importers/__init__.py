"""Readers of reference files: RIS, BibTeX, PubMed MEDLINE (.nbib) and PubMed XML, one module
per format, with what they share in `common` and the reading of a whole file in `files`.

Each reader turns a file into `ParsedRecord`s (the Citation's fields, plus topics from the
file's keywords) and `RecordError`s, both numbered by their place in the file so a message can
say "record 3 (line 21): no title". Nothing here touches the database: services.py decides what
to create or update.

Two kinds of trouble, kept apart on purpose:
- the file cannot be read as a whole (not text, not well-formed XML, unbalanced BibTeX, a RIS
  record without its end tag, a line that is no MEDLINE field): `FileParseError`, and the
  import takes nothing from it, since a reader that lost its place cannot be trusted with the
  records it did find;
- the file is well formed but one record is unusable (no title, a PMID that is not a number):
  a `RecordError` for that record, and the others are imported.

Readers use the well-kept libraries where they exist (rispy, bibtexparser with pylatexenc,
lxml); MEDLINE has none worth a dependency, so its small tag format is read here."""

from .bibtex import parse_bibtex
from .common import (
    ACCEPTED_EXTENSIONS,
    BIBTEX,
    FORMAT_LABELS,
    MAX_FILE_BYTES,
    MEDLINE,
    PUBMED_XML,
    RIS,
    FileParseError,
    ParsedRecord,
    ParseResult,
    RecordError,
)
from .files import decode, detect_format, parse_file
from .medline import parse_medline
from .pubmed_xml import parse_pubmed_xml
from .ris import parse_ris

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "BIBTEX",
    "FORMAT_LABELS",
    "MAX_FILE_BYTES",
    "MEDLINE",
    "PUBMED_XML",
    "RIS",
    "FileParseError",
    "ParseResult",
    "ParsedRecord",
    "RecordError",
    "decode",
    "detect_format",
    "parse_bibtex",
    "parse_file",
    "parse_medline",
    "parse_pubmed_xml",
    "parse_ris",
]
