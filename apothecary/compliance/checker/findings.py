"""The claims checker's findings: the grammar that tells a claim from education (see the
package's docstring for the three kinds and what is not flagged), applied to a page's text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from wagtail.models import Page

from apothecary.core.models import BrandSettings

from .rules import Phrase, Rules, is_product_page, load_rules
from .sentences import Sentence, sentences
from .text import TextPart, page_text

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


def _matches(phrases: list[Phrase], tokens: list[str]) -> list[tuple[int, int, Phrase]]:
    return [(s, e, p) for p in phrases for s, e in p.find(tokens)]


def _is_question(sentence: Sentence) -> bool:
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
    site = page.get_site()
    if site is None:
        return ""
    return BrandSettings.for_site(site).health_disclaimer or ""


def check_page(page, rules: Rules | None = None) -> list[Finding]:
    """The findings on a page, as it is in memory (so a draft can be checked before it is
    published)."""
    page = page.specific if type(page) is Page else page
    rules = rules if rules is not None else load_rules()
    product_page = is_product_page(page)
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


def mentions_condition(page, rules: Rules) -> bool:
    """Does any sentence of the page name a disease or condition of the phrase lists (not the
    generic "a disease")? Such a page discusses health, so it shows the health disclaimer."""
    for part in page_text(page):
        for sentence in sentences(part.text):
            tokens = sentence.tokens
            for start, end, _ in _matches(rules.diseases, tokens):
                if not _is_generic_disease(tokens, start, end):
                    return True
    return False
