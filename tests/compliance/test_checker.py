"""The claims checker: its precision and recall on texts written for it, where it says a
finding is, negations, and rules that are data."""

import json

import pytest
from wagtail.models import Page

from apothecary.catalog.models import ProductPage
from apothecary.compliance.checker import (
    ABSOLUTE_CLAIM,
    DISEASE_CLAIM,
    MISSING_DISCLAIMER,
    TextPart,
    check_page,
    check_text,
    load_rules,
    page_text,
)
from apothecary.compliance.models import ClaimPhraseList, PhraseKind
from apothecary.core.models import BrandSettings
from apothecary.pages.models import FAQPage, StandardPage

from .claims_set import CASES

pytestmark = pytest.mark.django_db

FDA_DISCLAIMER = (
    "These statements have not been evaluated by the Food and Drug Administration. This product "
    "is not intended to diagnose, treat, cure, or prevent any disease."
)
# Violations the checker does not see, kept in the set on purpose (see claims_set.py).
KNOWN_MISSES = {
    # The claim runs over two sentences and names no disease in the second.
    "B12 Patch is made for people with MS. It reverses the damage.",
    # No claim verb: "say goodbye to" is not in the default verb list.
    "Say goodbye to anemia with the patch.",
}


def kinds_found(rules, text, where):
    findings = check_text(
        [TextPart("Body", text)],
        rules,
        product_page=where.startswith("product"),
        disclaimer="" if where == "product-no-disclaimer" else FDA_DISCLAIMER,
    )
    return {finding.kind for finding in findings}


def test_the_checker_finds_the_violations_of_the_test_set_and_leaves_compliant_text_alone():
    rules = load_rules()
    tp = fp = fn = tn = 0
    misses, false_alarms = set(), set()
    for text, expected, where in CASES:
        found = kinds_found(rules, text, where)
        if expected and expected <= found:
            tp += 1
        elif expected:
            fn += 1
            misses.add(text)
        elif found:
            fp += 1
            false_alarms.add(text)
        else:
            tn += 1
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(  # noqa: T201 -- the measured figures, shown by `pytest -s`
        f"\nclaims checker on {len(CASES)} texts: TP={tp} FP={fp} FN={fn} TN={tn} "
        f"precision={precision:.2f} recall={recall:.2f}"
    )

    assert len(CASES) >= 40
    assert precision >= 0.95 and recall >= 0.9
    assert false_alarms == set()
    assert misses == KNOWN_MISSES


def test_a_finding_names_the_phrase_its_place_and_its_sentence():
    page = StandardPage(
        title="Winter tips",
        slug="winter-tips",
        intro="Simple habits for the darker months.",
        body=json.dumps(
            [
                {"type": "heading", "value": {"text": "Sleep", "level": "h2"}},
                {"type": "paragraph", "value": "<p>Go to bed at the same time.</p>"},
                {
                    "type": "paragraph",
                    "value": "<p>Walk daily. Our patch <b>cures</b> pernicious anemia!</p>",
                },
                {
                    "type": "bullet_list",
                    "value": {"items": ["Drink water", "The patch is 100% effective"]},
                },
            ]
        ),
    )

    findings = check_page(page)

    assert [(f.kind, f.phrase, f.place, f.sentence) for f in findings] == [
        (
            DISEASE_CLAIM,
            "cures pernicious anemia",
            "Body › paragraph 2",
            "Our patch cures pernicious anemia!",
        ),
        (
            ABSOLUTE_CLAIM,
            "100% effective",
            "Body › bullet list 1 › item 2",
            "The patch is 100% effective",
        ),
    ]


def test_page_text_reads_titles_fields_and_nested_blocks_with_their_places():
    faq = FAQPage.objects.get()
    product = ProductPage.objects.get()

    faq_places = [part.place for part in page_text(faq)]
    product_places = [part.place for part in page_text(product)]

    assert faq_places[:2] == ["Title", "Search description"]
    assert "Groups › group 1 › question 1 › answer" in faq_places
    assert {"Short description", "How to use", "Warnings"} <= set(product_places)
    assert any(place.startswith("Description › paragraph") for place in product_places)


def test_the_supplement_disclaimer_and_negated_claims_pass():
    rules = load_rules()
    texts = [
        FDA_DISCLAIMER,
        "B12 Patch does not cure anemia.",
        "Our patch never treats or prevents dementia.",
        "Nothing, not even the patch, reverses osteoporosis.",
    ]

    for text in texts:
        assert check_text([TextPart("Body", text)], rules, product_page=True) == [], text


def test_educational_text_is_flagged_only_when_it_claims_something_for_the_product():
    rules = load_rules()

    education = check_text([TextPart("Body", "MS is diagnosed by MRI.")], rules)
    claim = check_text([TextPart("Body", "B12 Patch helps diagnose MS early.")], rules)
    on_product_page = check_text(
        [TextPart("Body", "Helps fight anemia.")], rules, product_page=True
    )

    assert education == []
    assert [f.phrase for f in claim] == ["diagnose MS"]
    assert [f.phrase for f in on_product_page] == ["fight anemia"]


def test_a_claim_about_it_right_after_naming_the_product_is_about_the_product():
    rules = load_rules()

    findings = check_text(
        [TextPart("Body", "B12 Patch is easy to wear. It also treats neuropathy.")], rules
    )

    assert [(f.phrase, f.sentence) for f in findings] == [
        ("treats neuropathy", "It also treats neuropathy.")
    ]


def test_rules_are_data_a_new_phrase_list_changes_what_is_found():
    text = [TextPart("Body", "Say goodbye to anemia with the patch.")]
    assert check_text(text, load_rules()) == []

    ClaimPhraseList.objects.create(
        name="Slogans", kind=PhraseKind.CLAIM_VERB, phrases="say goodbye to\nkiss * goodbye"
    )

    assert [f.phrase for f in check_text(text, load_rules())] == ["Say goodbye to anemia"]


def test_an_edited_phrase_and_an_inactive_list_change_what_is_found():
    text = [TextPart("Body", "Our patch treats insomnia and is a miracle.")]
    diseases = ClaimPhraseList.objects.get(kind=PhraseKind.DISEASE)
    absolutes = ClaimPhraseList.objects.get(kind=PhraseKind.ABSOLUTE)
    assert {f.kind for f in check_text(text, load_rules())} == {DISEASE_CLAIM, ABSOLUTE_CLAIM}

    diseases.phrases = diseases.phrases.replace("insomnia", "")
    diseases.save()
    absolutes.active = False
    absolutes.save()

    assert check_text(text, load_rules()) == []


def test_the_titles_of_live_product_pages_are_product_names():
    index = ProductPage.objects.get().get_parent()
    drops = ProductPage(
        title="Iron Drops", slug="iron-drops", short_description="Iron.", live=False
    )
    index.add_child(instance=drops)
    text = [TextPart("Body", "Iron Drops cure anemia.")]
    assert check_text(text, load_rules()) == []  # not live yet: not a product name

    drops.save_revision().publish()

    assert [f.phrase for f in check_text(text, load_rules())] == ["cure anemia"]


def test_a_product_page_with_a_structure_function_claim_needs_the_supplement_disclaimer(
    demo_site,
):
    product = ProductPage.objects.get()
    product.short_description = "Supports energy, one patch a day."
    assert check_page(product) == []  # the demo brand shows the FDA disclaimer

    brand = BrandSettings.for_site(demo_site)
    brand.health_disclaimer = "Talk to your doctor."
    brand.save()

    assert [(f.kind, f.phrase, f.place) for f in check_page(product)] == [
        (MISSING_DISCLAIMER, "Supports energy", "Short description")
    ]


def test_the_demo_sites_live_pages_make_no_claims():
    rules = load_rules()

    findings = {
        page.title: check_page(page, rules)
        for page in Page.objects.live().filter(depth__gt=1).specific()
    }

    assert {title: f for title, f in findings.items() if f} == {}
