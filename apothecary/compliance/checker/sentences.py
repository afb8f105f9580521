"""Text cut into sentences of word tokens, as the claims checker reads it: a sentence ends at
., ! or ? (with any closing quote or bracket), at a semicolon and at a line break (a list item
or paragraph of rich text is a line of its own, see text.rich_text_to_plain)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?%?")
SENTENCE_BREAK_RE = re.compile(r"(?<=[.!?])[\"”’)]*\s+|;\s*|\n+")


@dataclass
class Sentence:
    """A sentence as written (spaces collapsed), its lower-case word tokens and where each is."""

    text: str
    tokens: list[str]
    spans: list[tuple[int, int]]  # character offsets of each token in text

    def words(self, start: int, end: int) -> str:
        return self.text[self.spans[start][0] : self.spans[end - 1][1]]


def sentences(text: str) -> Iterator[Sentence]:
    for piece in SENTENCE_BREAK_RE.split(text.replace("’", "'")):
        piece = " ".join(piece.split())
        if not piece:
            continue
        matches = list(TOKEN_RE.finditer(piece))
        if matches:
            yield Sentence(
                piece, [m.group(0).lower() for m in matches], [m.span() for m in matches]
            )
