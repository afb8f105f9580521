"""Writes to the research library: importing reference files.

`citations_import` takes the files as (name, bytes), so the admin upload and the
`import_citations` command share one path. The rules, as the import summary reports them:

- **A file that cannot be read at all** (binary data, XML that is not well formed, unbalanced
  BibTeX, a RIS record cut short): a failed file, and nothing from it is written. A reader
  that lost its place cannot be trusted with the records it did find, so "a broken file never
  leaves half an import".
- **A well-formed file with an unusable record** (no title, a PMID that is not a number, a DOI
  another citation already has under a different PMID): that record fails with its reason; the
  file's good records are imported. Each file is one transaction, each record a savepoint in
  it, so a database refusal of one record cannot leave the others half written.
- **Matching**: by DOI, then by PMID. A match is "updated" when the file brings a different
  value for a bibliographic field (authors, title, journal, year, volume, issue, pages, PMID,
  DOI, URL, and the type when the file states one), or "skipped" when nothing changed. A field
  the file leaves empty never blanks what is stored. The editor's summary is never touched;
  topics from the file's keywords are added only to a citation that has none.
- With `update_existing=False` a match is skipped without change.
- The same DOI or PMID twice in one file: the second is skipped as a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from .importers import FORMAT_LABELS, FileParseError, ParsedRecord, parse_file
from .models import Citation, CitationKind

# Called after each record as progress(filename, records done in it, records in it).
Progress = Callable[[str, int, int], None]

UPDATABLE_FIELDS = (
    "authors",
    "title",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "pmid",
    "doi",
    "url",
    "kind",
)


@dataclass
class RecordFailure:
    filename: str
    where: str  # "record 2 (line 14)", or "" when the whole file failed
    reason: str

    def __str__(self):
        if self.where:
            return f"{self.filename}, {self.where}: {self.reason}"
        return f"{self.filename}: {self.reason}"


@dataclass
class FileSummary:
    filename: str
    format: str = ""
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    error: str = ""  # set when the file could not be read at all

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, "")

    @property
    def file_failed(self) -> bool:
        return bool(self.error)


@dataclass
class ImportSummary:
    files: list[FileSummary] = field(default_factory=list)
    failures: list[RecordFailure] = field(default_factory=list)
    skips: list[RecordFailure] = field(default_factory=list)  # why each record was skipped
    citations: list[Citation] = field(default_factory=list)  # created or updated

    @property
    def created(self) -> int:
        return sum(f.created for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    @property
    def failed(self) -> int:
        """Failed records, in readable files."""
        return sum(f.failed for f in self.files)

    @property
    def failed_files(self) -> list[FileSummary]:
        return [f for f in self.files if f.file_failed]


class RecordRefused(Exception):
    """One record cannot be written; its file's other records still can."""


def citations_import(
    *,
    files: list[tuple[str, bytes]],
    update_existing: bool = True,
    progress: Progress | None = None,
) -> ImportSummary:
    summary = ImportSummary()
    for filename, data in files:
        file_summary = FileSummary(filename=filename)
        summary.files.append(file_summary)
        try:
            parsed = parse_file(filename=filename, data=data)
        except FileParseError as error:
            file_summary.error = str(error)
            summary.failures.append(RecordFailure(filename, "", str(error)))
            continue
        file_summary.format = parsed.format
        _import_parsed(
            filename=filename,
            parsed=parsed,
            update_existing=update_existing,
            file_summary=file_summary,
            summary=summary,
            progress=progress,
        )
    return summary


@transaction.atomic
def _import_parsed(*, filename, parsed, update_existing, file_summary, summary, progress):
    """One file, one transaction."""
    # Failures the reader found, in file order with the rest when reported.
    failures = [(error.index, error.where, error.reason) for error in parsed.errors]
    seen_doi: dict[str, str] = {}
    seen_pmid: dict[str, str] = {}
    total = parsed.total
    done = len(parsed.errors)
    file_summary.failed += len(parsed.errors)
    for record in parsed.records:
        duplicate_of = (record.doi and seen_doi.get(record.doi)) or (
            record.pmid and seen_pmid.get(record.pmid)
        )
        if duplicate_of:
            file_summary.skipped += 1
            summary.skips.append(
                RecordFailure(filename, record.where, f"same as {duplicate_of} of this file")
            )
        else:
            if record.doi:
                seen_doi[record.doi] = f"record {record.index}"
            if record.pmid:
                seen_pmid[record.pmid] = f"record {record.index}"
            try:
                with transaction.atomic():
                    outcome, citation = citation_import_record(
                        record=record, update_existing=update_existing
                    )
            except RecordRefused as refusal:
                file_summary.failed += 1
                failures.append((record.index, record.where, str(refusal)))
            else:
                setattr(file_summary, outcome, getattr(file_summary, outcome) + 1)
                if outcome == "skipped":
                    reason = "unchanged" if update_existing else "already in the library"
                    summary.skips.append(RecordFailure(filename, record.where, reason))
                else:
                    summary.citations.append(citation)
        done += 1
        if progress:
            progress(filename, done, total)
    for _, where, reason in sorted(failures, key=lambda f: f[0]):
        summary.failures.append(RecordFailure(filename, where, reason))


def find_match(*, doi: str, pmid: str) -> Citation | None:
    """The citation a record is: by DOI, then PMID. Raises RecordRefused when the DOI and the
    PMID point at two different citations (the library or the file is wrong; a person must
    decide)."""
    if not doi and not pmid:
        return None
    wanted = Q()
    if doi:
        wanted |= Q(doi=doi)
    if pmid:
        wanted |= Q(pmid=pmid)
    matches = list(Citation.objects.filter(wanted)[:2])
    by_doi = next((c for c in matches if doi and c.doi == doi), None)
    by_pmid = next((c for c in matches if pmid and c.pmid == pmid), None)
    if by_doi and by_pmid and by_doi.pk != by_pmid.pk:
        raise RecordRefused(
            f"its DOI is citation {by_doi.pk}'s and its PMID is citation {by_pmid.pk}'s"
        )
    return by_doi or by_pmid


def record_values(record: ParsedRecord) -> dict:
    return {
        "authors": "\n".join(record.authors),
        "title": record.title,
        "journal": record.journal,
        "year": record.year,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "pmid": record.pmid,
        "doi": record.doi,
        "url": record.url,
        "kind": record.kind,
    }


def citation_import_record(*, record: ParsedRecord, update_existing: bool = True):
    """Create or update the citation for one parsed record; returns (outcome, citation) with
    outcome "created", "updated" or "skipped". Raises RecordRefused with a reason."""
    citation = find_match(doi=record.doi, pmid=record.pmid)
    values = record_values(record)
    if citation is None:
        citation = Citation(**{name: value for name, value in values.items() if value})
        citation.kind = record.kind or CitationKind.STUDY
        _save(citation)
        if record.topics:
            citation.topics.add(*record.topics)
        return "created", citation

    if not update_existing:
        return "skipped", citation
    changed = [
        name
        for name in UPDATABLE_FIELDS
        if values[name] not in ("", None) and getattr(citation, name) != values[name]
    ]
    for name in changed:
        setattr(citation, name, values[name])
    add_topics = bool(record.topics) and not citation.topics.exists()
    if not changed and not add_topics:
        return "skipped", citation
    if changed:
        _save(citation)
    if add_topics:
        citation.topics.add(*record.topics)
    return "updated", citation


def _save(citation: Citation) -> None:
    """Validate as the admin form would (lengths, PMID format, unique DOI and PMID) so the
    reason is a sentence, and turn a lost race on the unique constraints into one too."""
    try:
        citation.full_clean(exclude=["topics"])
    except ValidationError as error:
        raise RecordRefused(_reason(error)) from None
    try:
        citation.save()
    except IntegrityError:
        raise RecordRefused("another citation has the same DOI or PMID") from None


def _reason(error: ValidationError) -> str:
    if not hasattr(error, "message_dict"):
        return "; ".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        label = Citation._meta.get_field(name).verbose_name if name != "__all__" else ""
        text = " ".join(messages)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)
