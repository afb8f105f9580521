"""What every reader of reference files shares: the record and error types, the formats'
names, the upload limits, and the clean-up that makes the same paper compare equal whichever
format it came in (names in Vancouver form, DOIs and PMIDs normalised, checked against the
model's lengths). See the package's docstring for the two kinds of trouble."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..formatting import short_page_range
from ..models import PMID_RE, CitationKind, normalise_doi, normalise_pmid

RIS, BIBTEX, MEDLINE, PUBMED_XML = "ris", "bibtex", "medline", "pubmed_xml"
FORMAT_LABELS = {RIS: "RIS", BIBTEX: "BibTeX", MEDLINE: "PubMed MEDLINE", PUBMED_XML: "PubMed XML"}
EXTENSIONS = {
    ".ris": RIS,
    ".bib": BIBTEX,
    ".bibtex": BIBTEX,
    ".nbib": MEDLINE,
    ".medline": MEDLINE,
    ".xml": PUBMED_XML,
}
ACCEPTED_EXTENSIONS = (*EXTENSIONS, ".txt")

# Bigger than any reference list an editor would upload; stops a mistaken upload of a
# database dump from tying up a worker.
MAX_FILE_BYTES = 10 * 1024 * 1024

YEAR_RE = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)


class FileParseError(ValueError):
    """The file as a whole cannot be read; nothing from it may be imported."""


@dataclass
class ParsedRecord:
    """One reference as read from a file. `kind` is blank when the file does not say more than
    "a journal article": a new citation is then a study, and an existing one keeps its kind."""

    index: int
    line: int | None = None
    title: str = ""
    authors: list[str] = field(default_factory=list)
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    pmid: str = ""
    doi: str = ""
    url: str = ""
    kind: str = ""
    topics: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return record_label(self.index, self.line)


@dataclass
class RecordError:
    index: int
    line: int | None
    reason: str

    @property
    def where(self) -> str:
        return record_label(self.index, self.line)


@dataclass
class ParseResult:
    format: str
    records: list[ParsedRecord] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.records) + len(self.errors)


def record_label(index: int, line: int | None) -> str:
    return f"record {index}" + (f" (line {line})" if line else "")


# --- Shared clean-up ----------------------------------------------------------------------------


def clean_text(value) -> str:
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    return " ".join(str(value or "").split())


def first_of(*values) -> str:
    for value in values:
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        if text := clean_text(value):
            return text
    return ""


def parse_year(value) -> int | None:
    match = YEAR_RE.search(clean_text(value))
    return int(match.group(1)) if match else None


def vancouver_name(name: str) -> str:
    """'Tucker, Katherine L.' or 'Tucker, K. L.' becomes 'Tucker KL'; a name already in that
    form, or a group's name ('World Health Organization'), is kept as it is."""
    name = clean_text(name).strip(",")
    if "," not in name:
        return name
    surname, _, given = name.partition(",")
    return join_name(surname, given.split())


def join_name(surname: str, given: Iterable[str]) -> str:
    initials = ""
    for part in given:
        for piece in part.replace(".", " ").replace("-", " ").split():
            initials += piece[0].upper() if piece[0].isalpha() else ""
    surname = clean_text(surname)
    return f"{surname} {initials}" if initials else surname


def web_url(value: str) -> str:
    """Only an http(s) address that would pass the model's URL field; a file path or junk in a
    URL field is dropped rather than failing an otherwise good record."""
    value = clean_text(value)
    if not value.lower().startswith(("http://", "https://")) or len(value) > 500:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value


def doi_from(*values: str) -> str:
    for value in values:
        value = clean_text(value)
        if not value:
            continue
        doi = normalise_doi(value)
        if doi.startswith("10."):
            return doi
        if match := DOI_IN_TEXT.search(value):
            return normalise_doi(match.group(1).rstrip(".,;"))
    return ""


def kind_from_publication_types(types: Iterable[str]) -> str:
    """PubMed's publication types (and RIS/BibTeX "type of work"), most specific first."""
    lowered = {clean_text(t).lower() for t in types}
    if any("case report" in t for t in lowered):
        return CitationKind.CASE_REPORT
    if any("guideline" in t for t in lowered):
        return CitationKind.GUIDELINE
    if any(
        t in {"review", "systematic review", "meta-analysis", "scoping review"} for t in lowered
    ):
        return CitationKind.REVIEW
    return ""


def split_keywords(values: Iterable[str]) -> list[str]:
    topics: list[str] = []
    for value in values:
        for part in re.split(r"[;,]", clean_text(value)):
            part = part.strip().strip("*")
            if part and len(part) <= 100 and part.lower() not in {t.lower() for t in topics}:
                topics.append(part)
    return topics


def check(record: ParsedRecord, *, raw_pmid: str = "") -> str | None:
    """The reason a record cannot be imported, or None. Lengths and formats are the model's."""
    if not record.title:
        return "no title"
    if len(record.title) > 500:
        return "the title is longer than 500 characters"
    if record.pmid and not PMID_RE.match(record.pmid):
        return f"the PMID {raw_pmid or repr(record.pmid)} is not a number"
    if record.doi and (not record.doi.startswith("10.") or len(record.doi) > 200):
        return f"the DOI {record.doi!r} is not a DOI (they start with 10.)"
    for name, limit in (("journal", 300), ("volume", 40), ("issue", 40), ("pages", 40)):
        if len(getattr(record, name)) > limit:
            return f"the {name} is longer than {limit} characters"
    return None


def collect(result: ParseResult, record: ParsedRecord) -> None:
    """Normalise as the library stores things (so the same paper from two formats compares
    equal), check, and file the record as good or failed."""
    raw_pmid = record.pmid
    record.pmid = normalise_pmid(record.pmid)
    record.doi = normalise_doi(record.doi)
    # PubMed ends titles with a full stop; the formatter adds its own.
    if record.title.endswith(".") and not record.title.endswith(".."):
        record.title = record.title[:-1].rstrip()
    record.pages = short_page_range(record.pages)
    reason = check(record, raw_pmid=repr(raw_pmid))
    if reason:
        result.errors.append(RecordError(record.index, record.line, reason))
    else:
        result.records.append(record)
