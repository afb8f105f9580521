"""Readers of reference files: RIS, BibTeX, PubMed MEDLINE (.nbib) and PubMed XML.

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

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

import bibtexparser
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from lxml import etree
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import LatexWalkerError

from .formatting import short_page_range
from .models import PMID_RE, CitationKind, normalise_doi, normalise_pmid

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


# --- Entry point ---------------------------------------------------------------------------------


def parse_file(*, filename: str, data: bytes) -> ParseResult:
    """Read one uploaded or given file. Raises FileParseError when it cannot be read at all."""
    if len(data) > MAX_FILE_BYTES:
        raise FileParseError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it up."
        )
    text = decode(data)
    if not text.strip():
        raise FileParseError("The file is empty.")
    fmt = detect_format(filename, text)
    # XML goes to lxml as bytes, so that its own encoding declaration is honoured.
    result = parse_pubmed_xml(data) if fmt == PUBMED_XML else PARSERS[fmt](text)
    if not result.total:
        raise FileParseError(f"No {FORMAT_LABELS[fmt]} records found in the file.")
    return result


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, the two encodings that
    reference managers write; anything with control characters is not a reference file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise FileParseError("This is not a text file (or not UTF-8 text).") from None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        raise FileParseError("This is not a text file: it holds binary data.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(filename: str, text: str) -> str:
    """By extension first; a .txt (PubMed saves MEDLINE as .txt) or unknown extension is
    recognised by its content."""
    extension = PurePath(filename).suffix.lower()
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    head = text.lstrip()[:5000]
    if head.startswith("<"):
        return PUBMED_XML
    if re.search(r"^PMID- ", head, re.MULTILINE):
        return MEDLINE
    if re.search(r"^TY  - ", head, re.MULTILINE):
        return RIS
    if re.search(r"^\s*@\w+\s*[{(]", head, re.MULTILINE):
        return BIBTEX
    raise FileParseError(
        "Cannot tell the format of this file: use RIS (.ris), BibTeX (.bib), "
        "PubMed MEDLINE (.nbib or .txt) or PubMed XML (.xml)."
    )


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


# --- RIS ----------------------------------------------------------------------------------------

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


# --- BibTeX -------------------------------------------------------------------------------------

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


# --- PubMed MEDLINE (.nbib) ---------------------------------------------------------------------

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


# --- PubMed XML ---------------------------------------------------------------------------------


def xml_parser() -> etree.XMLParser:
    """No entity expansion, no DTD or network fetches (XXE and "billion laughs" safe)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_pubmed_xml(data: bytes | str) -> ParseResult:
    result = ParseResult(PUBMED_XML)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        root = etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as error:
        message = re.sub(r"(, line \d+)*, column \d+$", "", error.msg or "")
        raise FileParseError(
            f"The XML is not well formed (line {error.lineno}): {message}. "
            "The file may be cut short or damaged."
        ) from None
    if root.tag == "PubmedArticle":
        articles = [root]
    elif root.tag == "PubmedArticleSet":
        articles = [el for el in root if isinstance(el.tag, str)]
    else:
        raise FileParseError(
            f"This XML is not a PubMed export (its root is <{root.tag}>, "
            "expected <PubmedArticleSet>)."
        )
    for index, article in enumerate(articles, start=1):
        if article.tag != "PubmedArticle":
            result.errors.append(
                RecordError(index, article.sourceline, f"<{article.tag}> is not supported")
            )
            continue
        collect(result, pubmed_xml_record(article, index))
    return result


def xml_text(element) -> str:
    return clean_text("".join(element.itertext())) if element is not None else ""


def pubmed_xml_record(article, index: int) -> ParsedRecord:
    citation = article.find("MedlineCitation")
    if citation is None:
        citation = etree.Element("MedlineCitation")
    art = citation.find("Article")
    if art is None:
        art = etree.Element("Article")

    def find(path: str, base=art) -> str:
        return xml_text(base.find(path))

    authors = []
    for author in art.findall("AuthorList/Author"):
        if (group := find("CollectiveName", author)) and not find("LastName", author):
            authors.append(group)
        elif last := find("LastName", author):
            initials = find("Initials", author)
            authors.append(
                f"{last} {initials}"
                if initials
                else join_name(last, find("ForeName", author).split())
            )
    issue = art.find("Journal/JournalIssue")
    year = None
    if issue is not None:
        year = parse_year(find("PubDate/Year", issue) or find("PubDate/MedlineDate", issue))
    year = year or parse_year(find("ArticleDate/Year"))
    doi = first_of(
        [xml_text(e) for e in art.findall("ELocationID") if e.get("EIdType") == "doi"],
        [
            xml_text(e)
            for e in article.findall("PubmedData/ArticleIdList/ArticleId")
            if e.get("IdType") == "doi"
        ],
    )
    return ParsedRecord(
        index=index,
        line=article.sourceline,
        title=find("ArticleTitle") or find("VernacularTitle"),
        authors=authors,
        journal=find("Journal/ISOAbbreviation") or find("Journal/Title"),
        year=year,
        volume=find("Volume", issue) if issue is not None else "",
        issue=find("Issue", issue) if issue is not None else "",
        pages=find("Pagination/MedlinePgn") or find("Pagination/StartPage"),
        pmid=find("PMID", citation),
        doi=doi_from(doi),
        kind=kind_from_publication_types(
            xml_text(e) for e in art.findall("PublicationTypeList/PublicationType")
        ),
        topics=split_keywords(xml_text(e) for e in citation.findall("KeywordList/Keyword")),
    )


PARSERS: dict[str, Callable[[str], ParseResult]] = {
    RIS: parse_ris,
    BIBTEX: parse_bibtex,
    MEDLINE: parse_medline,
}
