"""Numbered references in page bodies.

Editors cite the research library in two ways: a citation block, or a marker typed in rich
text, `[cite:12]` (a citation's id), `[cite:pmid:15616293]`, `[cite:doi:10.1359/jbmr.041018]`,
or several at once, `[cite:12, pmid:1320549]`. A `ReferenceCollector` reads a page's
StreamFields once, in reading order, and numbers the cited citations in order of first use (a
citation cited again keeps its number, whichever way it is cited). The body's templates then
turn markers into superscript links through the same collector, and the References list at the
end is the collector's entries, so the two cannot disagree.

The collector reads the raw stream (no block conversion, so no query for images and the like),
asks Wagtail for the citation blocks' citations (one query, kept for rendering) and fetches the
markers' citations in one more query. A marker whose citation is unknown or was deleted
disappears, leaving no number and no gap: a deleted citation never breaks a page. Text that only
looks like a marker ("[cite]", "[cite:abc]") is not one and stays as the editor wrote it.
"""

import html
import logging
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from wagtail.fields import StreamField

from .models import Citation, normalise_doi

logger = logging.getLogger(__name__)

_TOKEN = r"(?:\d{1,12}|pmid:\s*\d{1,9}|doi:\s*10\.\d{4,9}/[^\s,\[\]<>\"]+)"
# The horizontal space before a marker goes with it: "density [cite:1]." → "density¹."
MARKER_RE = re.compile(
    rf"(?:[ \t]|&nbsp;)*\[cite:\s*({_TOKEN}(?:\s*,\s*{_TOKEN})*)\s*\]", re.IGNORECASE
)

# Block types whose rich text may hold markers, and where the HTML is in their raw value.
RICH_TEXT_BLOCKS = {
    "paragraph": lambda raw: raw,
    "callout": lambda raw: (raw or {}).get("text"),
}

CACHE_ATTRIBUTE = "_reference_collector"


def parse_marker(body: str) -> list[tuple[str, object]]:
    """The references of one marker's inside ("12, pmid:1320549") as (kind, value) keys."""
    keys = []
    for token in body.split(","):
        token = html.unescape(token.strip())
        kind, _, value = token.partition(":")
        if not value:
            keys.append(("pk", int(token)))
        elif kind.lower() == "pmid":
            keys.append(("pmid", value.strip()))
        else:
            keys.append(("doi", normalise_doi(value)))
    return keys


def find_markers(text: str) -> list[tuple[str, object]]:
    """Every reference key in a piece of rich text, in reading order."""
    return [key for match in MARKER_RE.finditer(text or "") for key in parse_marker(match[1])]


def _letters(index: int) -> str:
    """a, b, … z, aa, ab, …: the suffix of the n-th spot citing the same reference."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


@dataclass(frozen=True)
class Reference:
    number: int
    citation: Citation

    @property
    def anchor(self) -> str:
        """The id of the References list entry."""
        return f"ref-{self.number}"

    @property
    def first_use(self) -> str:
        """The id of the first spot in the text that cites it, for the back-link."""
        return f"cite-{self.number}-a"


class ReferenceCollector:
    def __init__(self, streams, *, label: str = "", log_level: int = logging.DEBUG):
        """`log_level` for citations that are cited but missing: debug when rendering (every
        view of the page would repeat it), warning when publishing (once, when it matters)."""
        self.label = label  # for log messages: which page
        keys: list[tuple[str, object]] = []
        known: dict[int, Citation] = {}
        for stream in streams:
            for index, raw in enumerate(stream.raw_data):
                block_type = raw.get("type")
                if block_type in RICH_TEXT_BLOCKS:
                    text = RICH_TEXT_BLOCKS[block_type](raw.get("value"))
                    keys.extend(find_markers(text if isinstance(text, str) else ""))
                elif block_type == "citation":
                    # Converting the block lets Wagtail fetch every citation block's citation in
                    # one query, and keeps them on the stream for rendering.
                    citation = stream[index].value.get("citation")
                    if citation is not None:
                        known[citation.pk] = citation
                        keys.append(("pk", citation.pk))
                    else:
                        logger.log(log_level, "%s: a citation block's source was deleted", label)
        self._resolved = self._resolve(keys, known)
        self._numbers: dict[int, int] = {}
        self.references: list[Reference] = []
        for key in keys:
            citation = self._resolved.get(key)
            if citation is None:
                continue
            if citation.pk not in self._numbers:
                self._numbers[citation.pk] = len(self._numbers) + 1
                self.references.append(Reference(self._numbers[citation.pk], citation))
        missing = sorted(
            {f"{kind}:{value}" for kind, value in keys if (kind, value) not in self._resolved}
        )
        if missing:
            logger.log(log_level, "%s: cited but not in the library: %s", label, ", ".join(missing))
        self._uses: dict[int, int] = {}

    @classmethod
    def for_page(
        cls, page, *, cache: bool = True, log_level: int = logging.DEBUG
    ) -> "ReferenceCollector":
        """The collector of a page's StreamFields, kept on the instance so that the body's
        blocks and the References list of one rendering share it."""
        if cache and CACHE_ATTRIBUTE in page.__dict__:
            return page.__dict__[CACHE_ATTRIBUTE]
        streams = [
            getattr(page, field.name)
            for field in page._meta.get_fields()
            if isinstance(field, StreamField) and getattr(page, field.name, None) is not None
        ]
        label = f"page {page.pk or '(unsaved)'} “{page.title}”"
        collector = cls(streams, label=label, log_level=log_level)
        if cache:
            page.__dict__[CACHE_ATTRIBUTE] = collector
        return collector

    @staticmethod
    def _resolve(keys, known: dict[int, Citation]) -> dict[tuple, Citation]:
        pks = {value for kind, value in keys if kind == "pk" and value not in known}
        pmids = {value for kind, value in keys if kind == "pmid"}
        dois = {value for kind, value in keys if kind == "doi"}
        found = list(known.values())
        if pks or pmids or dois:
            query = Q(pk__in=pks) | Q(pmid__in=pmids) | Q(doi__in=dois)
            found += Citation.objects.filter(query)
        resolved = {}
        for citation in found:
            resolved[("pk", citation.pk)] = citation
            if citation.pmid:
                resolved[("pmid", citation.pmid)] = citation
            if citation.doi:
                resolved[("doi", citation.doi)] = citation
        return resolved

    @property
    def citations(self) -> list[Citation]:
        return [reference.citation for reference in self.references]

    def number_for(self, citation: Citation | None) -> int | None:
        return self._numbers.get(citation.pk) if citation is not None else None

    def next_anchor(self, number: int) -> str:
        """The id of the next spot citing reference `number`: cite-1-a, then cite-1-b, …"""
        used = self._uses.get(number, 0)
        self._uses[number] = used + 1
        return f"cite-{number}-{_letters(used)}"

    def _superscript(self, match) -> str:
        numbers = sorted(
            {
                self._numbers[citation.pk]
                for key in parse_marker(match[1])
                if (citation := self._resolved.get(key)) is not None
                and citation.pk in self._numbers
            }
        )
        if not numbers:
            return ""
        links = [
            format_html(
                '<a href="#ref-{0}" id="{1}" aria-label="Reference {0}">{0}</a>',
                number,
                self.next_anchor(number),
            )
            for number in numbers
        ]
        return f'<sup class="cite">{",".join(links)}</sup>'

    def render_markers(self, text: str) -> SafeString:
        """Rich text HTML (already safe) with its markers as numbered superscript links."""
        # Reviewed (bandit B308): rich text Wagtail sanitised, and links made by format_html
        return mark_safe(MARKER_RE.sub(self._superscript, str(text)))  # nosec B308, B703


def strip_markers(text: str) -> SafeString:
    """Rich text HTML without its markers, where no page's numbering is at hand."""
    # Reviewed (bandit B308): sanitised rich text, with only our own markers taken out
    return mark_safe(MARKER_RE.sub("", str(text)))  # nosec B308, B703


def collector_from_context(context) -> ReferenceCollector | None:
    """The collector of the page being rendered: one a view put in the context, else the one
    of the context's page (works in previews too, where the page is the unsaved draft)."""
    if not context:
        return None
    collector = context.get("reference_collector")
    if collector is not None:
        return collector
    page = context.get("page")
    if page is None or not hasattr(page, "_meta"):
        return None
    return ReferenceCollector.for_page(page)
