"""The claims checker's rules: the admin's phrase lists (`ClaimPhraseList`) parsed into word
patterns, plus the product's names, which are the PRODUCT phrases and the titles of live
product pages.

Which pages are product pages is declared by the page types themselves: a page model with the
class attribute `is_product_page = True` (catalog's ProductPage) presents one product, named by
its title. This library finds them in Wagtail's registry of page models, so it needs no import
of the apps that define them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Cast
from wagtail.models import get_page_models

from ..models import ClaimPhraseList, PhraseKind
from .sentences import TOKEN_RE

PRODUCT_TITLE_ROW = "~product-title"  # marks product titles among phrase-list rows


def is_product_page(page_or_model) -> bool:
    """Does this page (or page type) present a product? See the module's docstring."""
    return bool(getattr(page_or_model, "is_product_page", False))


def product_page_models() -> list[type]:
    """The page types that declare `is_product_page`, without the subclasses of another one
    (its queryset already holds theirs)."""
    declared = [model for model in get_page_models() if is_product_page(model)]
    return [
        model
        for model in declared
        if not any(other is not model and issubclass(model, other) for other in declared)
    ]


@dataclass(frozen=True)
class Phrase:
    """A phrase as a sequence of word patterns: ("reduc*", "the", "risk", "of")."""

    text: str
    words: tuple[str, ...]
    prefix: tuple[bool, ...]
    plural_last: bool = False

    @classmethod
    def parse(cls, text: str, *, plural_last: bool = False) -> Phrase | None:
        words, prefix = [], []
        for raw in text.replace("’", "'").split():
            star = raw.endswith("*")
            tokens = [t.lower() for t in TOKEN_RE.findall(raw.rstrip("*"))]
            for i, token in enumerate(tokens):
                words.append(token)
                prefix.append(star and i == len(tokens) - 1)
        if not words:
            return None
        return cls(text, tuple(words), tuple(prefix), plural_last)

    def word_matches(self, index: int, token: str) -> bool:
        word = self.words[index]
        if self.prefix[index]:
            return token.startswith(word)
        if token == word:
            return True
        if self.plural_last and index == len(self.words) - 1:
            return token in (word + "s", word + "es")
        return False

    def find(self, tokens: list[str]) -> Iterator[tuple[int, int]]:
        """(start, end) token spans where the phrase occurs."""
        n = len(self.words)
        for start in range(len(tokens) - n + 1):
            if all(self.word_matches(i, tokens[start + i]) for i in range(n)):
                yield start, start + n


@dataclass
class Rules:
    claim_verbs: list[Phrase] = field(default_factory=list)
    diseases: list[Phrase] = field(default_factory=list)
    absolutes: list[Phrase] = field(default_factory=list)
    structure_function: list[Phrase] = field(default_factory=list)
    products: list[Phrase] = field(default_factory=list)

    @classmethod
    def from_data(cls, phrases_by_kind: dict[str, list[str]], product_titles: Iterable[str] = ()):
        def parsed(kind, **kwargs):
            found = (Phrase.parse(p, **kwargs) for p in phrases_by_kind.get(kind, []))
            return [p for p in found if p]

        products = parsed(PhraseKind.PRODUCT)
        products += [p for p in (Phrase.parse(t, plural_last=True) for t in product_titles) if p]
        return cls(
            claim_verbs=parsed(PhraseKind.CLAIM_VERB),
            diseases=parsed(PhraseKind.DISEASE),
            absolutes=parsed(PhraseKind.ABSOLUTE),
            structure_function=parsed(PhraseKind.STRUCTURE_FUNCTION),
            products=products,
        )


def rules_data() -> tuple[dict[str, list[str]], list[str]]:
    """The active phrase lists by kind, and the titles of live product pages, in one query (a
    UNION): publishing a page and the findings report ask for them."""
    lists = (
        ClaimPhraseList.objects.filter(active=True)
        .order_by()
        .annotate(row_kind=F("kind"), row_text=F("phrases"))
        .values_list("row_kind", "row_text")
    )
    titles = [
        model.objects.live()
        .order_by()
        .annotate(
            row_kind=Value(PRODUCT_TITLE_ROW, output_field=models.TextField()),
            row_text=Cast("title", models.TextField()),
        )
        .values_list("row_kind", "row_text")
        for model in product_page_models()
    ]
    phrases: dict[str, list[str]] = {}
    product_titles = []
    for kind, text in lists.union(*titles, all=True):
        if kind == PRODUCT_TITLE_ROW:
            product_titles.append(text)
        else:
            phrases.setdefault(kind, []).extend(
                line.strip() for line in text.splitlines() if line.strip()
            )
    return phrases, product_titles


def load_rules() -> Rules:
    """The rules as they are in the database now."""
    return Rules.from_data(*rules_data())
