"""The claims checker: reads a page's words and finds health claims a supplement may not make.

Three kinds of finding:

- **disease_claim**: within one sentence, a claim verb (cure, treat, prevent …) within
  `VERB_DISEASE_WINDOW` words of a disease (anemia, MS …), in a sentence about the product. A
  sentence is about the product when it names it (a PRODUCT phrase, or the title of a live
  product page, plural allowed), when it starts with "it"/"they" right after a sentence that
  named it, or whenever it sits on a product page (there the product is implied). So "MS is
  diagnosed by MRI" on a blog post is education, not a claim.
- **absolute_claim**: an ABSOLUTE phrase ("guaranteed", "100% effective" …) in a sentence about
  the product, by the same rule. Outside product context these words are ordinary English
  ("guaranteed delivery"), so they are not flagged there.
- **missing_disclaimer**: a product page making a structure/function claim ("supports energy")
  while the brand's health disclaimer lacks "not intended to diagnose". Product pages always
  show the brand disclaimer (see templatetags/compliance_tags.py), so this fires only when the
  disclaimer text is empty or is not the supplement disclaimer.

Not flagged: negated verbs ("does not cure", "is not intended to diagnose, treat, cure or
prevent any disease": a negation up to `NEGATION_WINDOW` words before a verb, or before the list
of verbs it belongs to, and sentences whose subject is "no …"/"nothing"), yes/no questions ("Does
the patch cure anemia?" is how an FAQ asks, and its answer is checked), and a patient's status
("diagnosed with", "treated for"), and the generic "a disease" / "any disease" (talk about
the rules, not a claim about a named disease).

The rules are data: `ClaimPhraseList` rows edited in the admin. The grammar above (windows,
negation words, question words) is code, because it is about English rather than about policy.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Cast
from django.utils.text import capfirst
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.rich_text import RichText

from .models import ClaimPhraseList, PhraseKind

DISEASE_CLAIM = "disease_claim"
ABSOLUTE_CLAIM = "absolute_claim"
MISSING_DISCLAIMER = "missing_disclaimer"
KIND_LABELS = {
    DISEASE_CLAIM: "Disease claim",
    ABSOLUTE_CLAIM: "Absolute claim",
    MISSING_DISCLAIMER: "Structure/function claim without the supplement disclaimer",
}

VERB_DISEASE_WINDOW = 8  # words between a claim verb and a disease
NEGATION_WINDOW = 5  # words a "not" may stand before the verb (or list of verbs) it negates
NEGATIONS = frozenset(
    "not no never without nor neither cannot can't don't doesn't didn't won't isn't aren't "
    "wasn't weren't shouldn't wouldn't couldn't".split()
)
NEGATED_SUBJECTS = frozenset({"no", "nothing", "none", "neither"})
NOT_NEGATING_AFTER_NO = frozenset({"more", "longer"})  # "No more anemia" is a claim
VERB_LIST_JOINERS = frozenset({"or", "and", "nor"})
QUESTION_STARTS = frozenset(
    "does do did can could will would is are was should may might has have".split()
)
PATIENT_STATUS = frozenset({("diagnosed", "with"), ("treated", "for")})
GENERIC_DISEASE_WORDS = frozenset({"disease", "diseases", "illness", "illnesses", "disorder"})
GENERIC_ARTICLES = frozenset({"a", "any", "every"})
CARRY_OVER_SUBJECTS = frozenset({"it", "they", "it's", "they're"})
SUPPLEMENT_DISCLAIMER_MARK = "not intended to diagnose"

# Page fields that are not the page's words, whatever their type.
NON_TEXT_FIELDS = frozenset({"slug", "url_path", "draft_title", "seo_title", "locale"})
PRODUCT_TITLE_ROW = "~product-title"  # marks product titles among phrase-list rows
RULES_CACHE_KEY = "compliance:claim-rules:v1"
RULES_CACHE_SECONDS = 300

TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?%?")
SENTENCE_BREAK_RE = re.compile(r"(?<=[.!?])[\"”’)]*\s+|;\s*|\n+")
BLOCK_END_RE = re.compile(r"</(p|li|h[1-6]|div|blockquote|tr|td|th)>|<br\s*/?>", re.I)
TAG_RE = re.compile(r"<[^>]+>")


# --- What the checker reads ------------------------------------------------------------------


@dataclass(frozen=True)
class TextPart:
    """Some words of a page and where an editor finds them, e.g. "Body › paragraph 3"."""

    place: str
    text: str


@dataclass(frozen=True)
class Finding:
    kind: str
    phrase: str  # the words that matched, as written
    place: str
    sentence: str  # the sentence they are in, for context

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def as_dict(self) -> dict:
        return asdict(self)


def rich_text_to_plain(source: str) -> str:
    """Rich text as plain lines: each paragraph, list item and heading on a line of its own,
    so a sentence never runs from one list item into the next."""
    text = BLOCK_END_RE.sub("\n", source or "")
    return html.unescape(TAG_RE.sub("", text))


def _block_label(block, name: str | None = None) -> str:
    label = getattr(block, "label", None) or name or getattr(block, "name", "") or "item"
    return str(label).lower()


def _singular(label: str) -> str:
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label


def _walk_block(block, value, place: list[str]) -> Iterator[TextPart]:
    """Yield the text of one StreamField value, whatever the block: rich text, plain text,
    struct children, list items and nested streams. Choices, URLs, chosen pages and images
    are not words of the page and are skipped."""
    if value is None:
        return
    if isinstance(block, blocks.RichTextBlock) or isinstance(value, RichText):
        text = rich_text_to_plain(value.source if isinstance(value, RichText) else str(value))
        if text.strip():
            yield TextPart(" › ".join(place), text)
    elif isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
        if str(value).strip():
            yield TextPart(" › ".join(place), str(value))
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            # A struct's one text ("text") reads better as the struct itself: "heading 2".
            child_place = place if name == "text" else [*place, _block_label(child, name)]
            yield from _walk_block(child, value.get(name), child_place)
    elif isinstance(block, blocks.ListBlock):
        label = _singular(place[-1]) if place else "item"
        items = list(value)
        for number, item in enumerate(items, start=1):
            item_place = [*place[:-1], f"{label} {number}"] if place else [f"item {number}"]
            yield from _walk_block(block.child_block, item, item_place)
    elif isinstance(block, blocks.StreamBlock):
        yield from _walk_stream(value, place)


def _walk_stream(stream, place: list[str]) -> Iterator[TextPart]:
    counts: dict[str, int] = {}
    for child in stream or []:
        counts[child.block_type] = counts.get(child.block_type, 0) + 1
        label = f"{_block_label(child.block, child.block_type)} {counts[child.block_type]}"
        yield from _walk_block(child.block, child.value, [*place, label])


def _text_fields(model) -> Iterable[models.Field]:
    """The specific page type's own text fields, in the order the model declares them."""
    page_fields = {f.name for f in Page._meta.get_fields()}
    for model_field in model._meta.get_fields():
        if model_field.name in page_fields or model_field.name in NON_TEXT_FIELDS:
            continue
        if isinstance(model_field, StreamField):
            yield model_field
        elif isinstance(model_field, (models.CharField, models.TextField)):
            if not model_field.choices and not isinstance(
                model_field, (models.SlugField, models.URLField, models.EmailField)
            ):
                yield model_field


def page_text(page) -> list[TextPart]:
    """Every piece of text a reader of the page sees, each with its place in the editor: the
    title, the search description, then each text field and StreamField block of the page type
    (rich text stripped of tags). Inline child rows (e.g. a post's reference list) are not
    read: they cite other people's titles, not claims the page makes."""
    parts = [TextPart("Title", page.title or "")]
    if page.search_description:
        parts.append(TextPart("Search description", page.search_description))
    for model_field in _text_fields(type(page)):
        value = getattr(page, model_field.name, None)
        place = capfirst(str(model_field.verbose_name))
        if isinstance(model_field, StreamField):
            parts.extend(_walk_stream(value, [place]))
        elif value:
            text = rich_text_to_plain(value) if "<" in value else str(value)
            if text.strip():
                parts.append(TextPart(place, text))
    return parts


# --- Rules -----------------------------------------------------------------------------------


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
    UNION: page rendering asks for this on a cold cache, and every query there counts)."""
    from apothecary.catalog.models import ProductPage

    lists = (
        ClaimPhraseList.objects.filter(active=True)
        .order_by()
        .annotate(row_kind=F("kind"), row_text=F("phrases"))
        .values_list("row_kind", "row_text")
    )
    titles = (
        ProductPage.objects.live()
        .order_by()
        .annotate(
            row_kind=Value(PRODUCT_TITLE_ROW, output_field=models.TextField()),
            row_text=Cast("title", models.TextField()),
        )
        .values_list("row_kind", "row_text")
    )
    phrases: dict[str, list[str]] = {}
    product_titles = []
    for kind, text in lists.union(titles, all=True):
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


def cached_rules() -> Rules:
    """The rules for page rendering, from the shared cache (no query on a hit). Saving or
    deleting a phrase list, or publishing a page, clears the entry (see signals.py)."""
    data = cache.get(RULES_CACHE_KEY)
    if data is None:
        data = rules_data()
        cache.set(RULES_CACHE_KEY, data, RULES_CACHE_SECONDS)
    return Rules.from_data(*data)


def forget_cached_rules(**kwargs) -> None:
    cache.delete(RULES_CACHE_KEY)


# --- Checking --------------------------------------------------------------------------------


@dataclass
class _Sentence:
    text: str
    tokens: list[str]
    spans: list[tuple[int, int]]  # character offsets of each token in text

    def words(self, start: int, end: int) -> str:
        return self.text[self.spans[start][0] : self.spans[end - 1][1]]


def sentences(text: str) -> Iterator[_Sentence]:
    for piece in SENTENCE_BREAK_RE.split(text.replace("’", "'")):
        piece = " ".join(piece.split())
        if not piece:
            continue
        matches = list(TOKEN_RE.finditer(piece))
        if matches:
            yield _Sentence(
                piece, [m.group(0).lower() for m in matches], [m.span() for m in matches]
            )


def _matches(phrases: list[Phrase], tokens: list[str]) -> list[tuple[int, int, Phrase]]:
    return [(s, e, p) for p in phrases for s, e in p.find(tokens)]


def _is_question(sentence: _Sentence) -> bool:
    return sentence.text.rstrip().endswith("?") and sentence.tokens[0] in QUESTION_STARTS


def _negated_subject(tokens: list[str]) -> bool:
    return tokens[0] in NEGATED_SUBJECTS and (
        len(tokens) < 2 or tokens[1] not in NOT_NEGATING_AFTER_NO
    )


def _is_negated(tokens: list[str], start: int, verb_starts: set[int]) -> bool:
    """Is the phrase at `start` negated? Walk back over a list of claim verbs ("diagnose, treat,
    cure or prevent") to its first verb, then look a few words further back for a negation."""
    first = start
    i = start - 1
    while i >= 0 and (i in verb_starts or tokens[i] in VERB_LIST_JOINERS):
        if i in verb_starts:
            first = i
        i -= 1
    window = tokens[max(0, first - NEGATION_WINDOW) : first]
    return any(token in NEGATIONS for token in window)


def _distance(span: tuple[int, int], start: int, end: int) -> int:
    return span[0] - end if span[0] >= end else start - span[1]


def _is_generic_disease(tokens: list[str], start: int, end: int) -> bool:
    """The generic "a disease" or "any disease": talk about the rules ("reviews that say the
    patch cured a disease are not published"), not a claim about a named disease."""
    return (
        end - start == 1
        and tokens[start] in GENERIC_DISEASE_WORDS
        and start > 0
        and tokens[start - 1] in GENERIC_ARTICLES
    )


def _is_patient_status(tokens: list[str], start: int, end: int) -> bool:
    following = tokens[end] if end < len(tokens) else ""
    return (tokens[start], following) in PATIENT_STATUS


def check_text(
    parts: Iterable[TextPart],
    rules: Rules,
    *,
    product_page: bool = False,
    disclaimer: str | None = None,
) -> list[Finding]:
    """The findings in these parts of text. `product_page`: every sentence is about the
    product. `disclaimer`: the disclaimer text a product page will show (None: not checked)."""
    findings: list[Finding] = []
    seen: set[tuple] = set()

    def add(kind, phrase, place, sentence):
        key = (kind, phrase.lower(), place, sentence)
        if key not in seen:
            seen.add(key)
            findings.append(Finding(kind, phrase, place, sentence))

    check_disclaimer = (
        product_page
        and disclaimer is not None
        and SUPPLEMENT_DISCLAIMER_MARK not in " ".join(disclaimer.lower().split())
    )
    for part in parts:
        previous_about_product = False
        for sentence in sentences(part.text):
            tokens = sentence.tokens
            names_product = bool(_matches(rules.products, tokens))
            about_product = (
                product_page
                or names_product
                or (previous_about_product and tokens[0] in CARRY_OVER_SUBJECTS)
            )
            previous_about_product = about_product

            if check_disclaimer:
                for start, end, _ in _matches(rules.structure_function, tokens):
                    add(MISSING_DISCLAIMER, sentence.words(start, end), part.place, sentence.text)

            if not about_product or _is_question(sentence) or _negated_subject(tokens):
                continue

            verbs = _matches(rules.claim_verbs, tokens)
            verb_starts = {start for start, _, _ in verbs}
            diseases = [
                (start, end)
                for start, end, _ in _matches(rules.diseases, tokens)
                if not _is_generic_disease(tokens, start, end)
            ]
            claims: dict[tuple[int, int], tuple[int, int]] = {}  # disease span -> words span
            for v_start, v_end, _ in verbs:
                if _is_negated(tokens, v_start, verb_starts):
                    continue
                if _is_patient_status(tokens, v_start, v_end):
                    continue
                near = [
                    (d_start, d_end)
                    for d_start, d_end in diseases
                    if (d_start >= v_end and d_start - v_end <= VERB_DISEASE_WINDOW)
                    or (d_end <= v_start and v_start - d_end <= VERB_DISEASE_WINDOW)
                ]
                if not near:
                    continue
                # The nearest disease, the longer name first ("pernicious anemia", not "anemia").
                disease = min(near, key=lambda d: (_distance(d, v_start, v_end), d[0] - d[1]))
                # "treats, cures or prevents anemia" is one claim: widen the finding's words.
                start, end = min(v_start, disease[0]), max(v_end, disease[1])
                if disease in claims:
                    start, end = min(start, claims[disease][0]), max(end, claims[disease][1])
                claims[disease] = (start, end)
            for start, end in claims.values():
                add(DISEASE_CLAIM, sentence.words(start, end), part.place, sentence.text)

            for start, end, _ in _matches(rules.absolutes, tokens):
                if not _is_negated(tokens, start, set()):
                    add(ABSOLUTE_CLAIM, sentence.words(start, end), part.place, sentence.text)
    return findings


def brand_disclaimer(page) -> str:
    from apothecary.core.models import BrandSettings

    site = page.get_site()
    if site is None:
        return ""
    return BrandSettings.for_site(site).health_disclaimer or ""


def check_page(page, rules: Rules | None = None) -> list[Finding]:
    """The findings on a page, as it is in memory (so a draft can be checked before it is
    published)."""
    from apothecary.catalog.models import ProductPage

    page = page.specific if type(page) is Page else page
    rules = rules if rules is not None else load_rules()
    product_page = isinstance(page, ProductPage)
    return check_text(
        page_text(page),
        rules,
        product_page=product_page,
        disclaimer=brand_disclaimer(page) if product_page else None,
    )


def mentions_product(page, rules: Rules) -> bool:
    """Does any sentence of the page name the product?"""
    return any(
        _matches(rules.products, sentence.tokens)
        for part in page_text(page)
        for sentence in sentences(part.text)
    )
