"""Citations in one style, Vancouver (the ICMJE/NLM style medical journals use), as plain text
and as escaped HTML.

A journal article:
    Tucker KL, Hannan MT, Qiao N, Jacques PF, Selhub J, Cupples LA, et al. Low plasma vitamin
    B12 is associated with lower BMD: the Framingham Osteoporosis Study. J Bone Miner Res.
    2005;20(1):152-8.
- up to six authors, then "et al."; no authors: the reference starts with the title;
- page ranges are shortened the Vancouver way (152-158 -> 152-8);
- a part that is missing is left out with its punctuation ("J Bone Miner Res. 2005." when
  there is no volume or pages).

A web page (our simple, fixed form):
    [Authors.] Title [Internet]. Publisher; Year. Available from: URL
We keep no "date cited", so Vancouver's "[cited …]" is left out rather than invented.

DOI and PubMed links are not part of the text: the page templates add them beside it. The HTML
form wraps parts in classes for styling (nothing is italic in Vancouver) and escapes everything;
only a web page's http(s) address becomes a link."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from .models import Citation, CitationKind

MAX_AUTHORS = 6


SENTENCE_ENDS = ".?!…"
CLOSING_MARKS = "\"'”’)]"


def ends_sentence(text: str) -> bool:
    """Does the text end in its own mark, also inside closing quotes ('asked "Why?"')?"""
    text = text.strip().rstrip(CLOSING_MARKS)
    return bool(text) and text[-1] in SENTENCE_ENDS


def with_stop(text: str) -> str:
    """The text ending in one mark: a period added unless it ends in ".", "?", "!" or "…"."""
    text = text.strip()
    return text if not text or ends_sentence(text) else f"{text}."


def short_page_range(pages: str) -> str:
    """152-158 -> 152-8, 1441-1448 -> 1441-8; anything else (c2181, e12-e19) as given."""
    pages = pages.strip().replace("\u2013", "-").replace("--", "-")
    first, dash, last = pages.partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first.isdigit() and last.isdigit()) or len(first) != len(last):
        return pages
    keep = 0
    while keep < len(last) - 1 and first[keep] == last[keep]:
        keep += 1
    return f"{first}-{last[keep:]}"


def author_part(citation: Citation) -> str:
    authors = citation.author_list()
    if not authors:
        return ""
    names = authors[:MAX_AUTHORS] + (["et al"] if len(authors) > MAX_AUTHORS else [])
    return with_stop(", ".join(names))


def source_parts(citation: Citation) -> list[tuple[str, str]]:
    """What follows the title, as (text, css class) pieces, punctuation included."""
    year = str(citation.year) if citation.year else ""
    if citation.kind == CitationKind.WEB_PAGE:
        publisher_year = "; ".join(part for part in (citation.journal.strip(), year) if part)
        parts = [(with_stop(publisher_year), "citation__publisher")] if publisher_year else []
        if citation.url:
            parts.append(("Available from: ", ""))
            parts.append((citation.url, "citation__url"))
        return parts

    volume = citation.volume.strip()
    issue = citation.issue.strip()
    pages = short_page_range(citation.pages)
    locator = volume + (f"({issue})" if issue else "")
    when_where = year
    if locator:
        when_where = f"{year};{locator}" if year else locator
    if pages:
        when_where = f"{when_where}:{pages}" if when_where else pages
    parts = []
    if citation.journal.strip():
        parts.append((with_stop(citation.journal), "citation__journal"))
    if when_where:
        parts.append((with_stop(when_where), "citation__details"))
    return parts


def pieces(citation: Citation) -> list[tuple[str, str]]:
    title = citation.title.strip()
    if citation.kind == CitationKind.WEB_PAGE and title:
        title = f"{title.rstrip('.')} [Internet]"
    result = []
    if authors := author_part(citation):
        result.append((authors, "citation__authors"))
    if title:
        result.append((with_stop(title), "citation__title"))
    return result + source_parts(citation)


def join(parts: list[str]) -> str:
    """Pieces end with their own punctuation; "Available from: " already ends in a space."""
    text = ""
    for part in parts:
        if text and not text.endswith(" "):
            text += " "
        text += part
    return text


def vancouver(citation: Citation) -> str:
    return join([text for text, _ in pieces(citation)])


def vancouver_html(citation: Citation) -> SafeString:
    """The same text, every part escaped, in spans with classes; a web page's address is a
    link (only http and https)."""
    html = SafeString("")
    previous = ""
    for text, css in pieces(citation):
        if previous and not previous.endswith(" "):
            html += SafeString(" ")
        if css == "citation__url" and text.lower().startswith(("http://", "https://")):
            html += format_html('<a class="{}" href="{}" rel="noopener">{}</a>', css, text, text)
        elif css:
            html += format_html('<span class="{}">{}</span>', css, text)
        else:
            html += format_html("{}", text)
        previous = text
    return format_html('<span class="citation">{}</span>', html)


def vancouver_short(citation: Citation, *, title_chars: int = 90) -> str:
    """For lists: "Tucker KL, et al. Low plasma vitamin B12 is … J Bone Miner Res. 2005." """
    authors = citation.author_list()
    who = ""
    if authors:
        who = with_stop(authors[0] + (", et al" if len(authors) > 1 else ""))
    title = citation.title.strip()
    if len(title) > title_chars:
        title = title[: title_chars + 1].rsplit(" ", 1)[0].rstrip(" ,:;") + "…"
    title = with_stop(title)
    source = join(
        [with_stop(part) for part in (citation.journal, str(citation.year or "")) if part.strip()]
    )
    return join([part for part in (who, title, source) if part])
