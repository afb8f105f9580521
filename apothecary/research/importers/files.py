"""Reading one whole file: the size limit, the text encoding, the format (by extension, else by
content), then the format's reader."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from .bibtex import parse_bibtex
from .common import (
    BIBTEX,
    EXTENSIONS,
    FORMAT_LABELS,
    MAX_FILE_BYTES,
    MEDLINE,
    PUBMED_XML,
    RIS,
    FileParseError,
    ParseResult,
)
from .medline import parse_medline
from .pubmed_xml import parse_pubmed_xml
from .ris import parse_ris

PARSERS: dict[str, Callable[[str], ParseResult]] = {
    RIS: parse_ris,
    BIBTEX: parse_bibtex,
    MEDLINE: parse_medline,
}


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
