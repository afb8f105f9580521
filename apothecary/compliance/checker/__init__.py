"""The claims checker: reads a page's words and finds health claims a supplement may not make.

Three kinds of finding:

- **disease_claim**: within one sentence, a claim verb (cure, treat, prevent …) within
  `VERB_DISEASE_WINDOW` words of a disease (anemia, MS …), in a sentence about the product. A
  sentence is about the product when it names it (a PRODUCT phrase, or the title of a live
  product page, plural allowed: see rules.py), when it starts with "it"/"they" right after a
  sentence that named it, or whenever it sits on a product page (there the product is
  implied). So "MS is diagnosed by MRI" on a blog post is education, not a claim.
- **absolute_claim**: an ABSOLUTE phrase ("guaranteed", "100% effective" …) in a sentence about
  the product, by the same rule. Outside product context these words are ordinary English
  ("guaranteed delivery"), so they are not flagged there.
- **missing_disclaimer**: a product page making a structure/function claim ("supports energy")
  while the brand's health disclaimer lacks "not intended to diagnose". Product pages always
  show the brand disclaimer (their type declares it), so this fires only when the disclaimer
  text is empty or is not the supplement disclaimer.

Not flagged: negated verbs ("does not cure", "is not intended to diagnose, treat, cure or
prevent any disease": a negation up to `NEGATION_WINDOW` words before a verb, or before the list
of verbs it belongs to, and sentences whose subject is "no …"/"nothing"), yes/no questions ("Does
the patch cure anemia?" is how an FAQ asks, and its answer is checked), and a patient's status
("diagnosed with", "treated for"), and the generic "a disease" / "any disease" (talk about
the rules, not a claim about a named disease).

The rules are data: `ClaimPhraseList` rows edited in the admin. The grammar above (windows,
negation words, question words) is code, because it is about English rather than about policy.

The modules: `text` (what is read from a page), `sentences` (cutting it into sentences of
words), `rules` (the phrase lists and product names), `findings` (the grammar, and checking a
page). Their public names are here."""

from .findings import (
    ABSOLUTE_CLAIM,
    DISEASE_CLAIM,
    KIND_LABELS,
    MISSING_DISCLAIMER,
    Finding,
    brand_disclaimer,
    check_page,
    check_text,
    mentions_condition,
    mentions_product,
)
from .rules import (
    Phrase,
    Rules,
    is_product_page,
    load_rules,
    product_page_models,
    rules_data,
)
from .sentences import Sentence, sentences
from .text import TextPart, page_text, rich_text_to_plain

__all__ = [
    "ABSOLUTE_CLAIM",
    "DISEASE_CLAIM",
    "KIND_LABELS",
    "MISSING_DISCLAIMER",
    "Finding",
    "Phrase",
    "Rules",
    "Sentence",
    "TextPart",
    "brand_disclaimer",
    "check_page",
    "check_text",
    "is_product_page",
    "load_rules",
    "mentions_condition",
    "mentions_product",
    "page_text",
    "product_page_models",
    "rich_text_to_plain",
    "rules_data",
    "sentences",
]
