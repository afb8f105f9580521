"""Short texts written for the claims checker's tests, each labelled with what a careful
compliance reader would flag. Written before the checker was tuned: a case the checker gets
wrong stays here as a documented miss rather than being reworded to pass.

Each case: (text, expected kinds, where). `where` is "product" when the text sits on a product
page (the product is implied in every sentence), "page" otherwise. An empty set of kinds means
the text is compliant and nothing should be flagged."""

DISEASE = "disease_claim"
ABSOLUTE = "absolute_claim"
MISSING = "missing_disclaimer"

VIOLATIONS = [
    # Disease claims for the product, varied phrasing.
    ("B12 Patch cures pernicious anemia in weeks.", {DISEASE}, "page"),
    ("Our patch treats the numbness of peripheral neuropathy.", {DISEASE}, "page"),
    ("Wear the patch every day to prevent dementia.", {DISEASE}, "page"),
    ("Many readers say B12 Patches reversed their osteoporosis.", {DISEASE}, "page"),
    ("This patch helps fight depression naturally.", {DISEASE}, "page"),
    ("Stop suffering: our patches get rid of anemia for good.", {DISEASE}, "page"),
    ("With B12 Patch, multiple sclerosis symptoms can be healed.", {DISEASE}, "page"),
    ("Alzheimer's disease is prevented by wearing the patch daily.", {DISEASE}, "page"),
    ("Doctors recommend our patch to treat MS fatigue.", {DISEASE}, "page"),
    ("The patch combats diabetes-related nerve damage.", {DISEASE}, "page"),
    ("B12 Patch may reduce the risk of cancer.", {DISEASE}, "page"),
    ("Relieves neuropathy pain within days.", {DISEASE}, "product"),
    ("A natural way to treat anemia at home.", {DISEASE}, "product"),
    ("I wore B12 Patch for a month and it cured my depression!", {DISEASE}, "page"),
    # Absolute claims about the product.
    ("B12 Patch is guaranteed to raise your energy.", {ABSOLUTE}, "page"),
    ("Our patch is 100% effective for every adult.", {ABSOLUTE}, "page"),
    ("The patch is a miracle for tired mornings.", {ABSOLUTE}, "page"),
    ("B12 Patch has no side effects at all.", {ABSOLUTE}, "page"),
    ("Works for everyone, whatever your diet.", {ABSOLUTE}, "product"),
    ("Clinically proven to double your B12 levels.", {ABSOLUTE}, "product"),
    # Both at once.
    ("B12 Patch is guaranteed to cure anemia.", {DISEASE, ABSOLUTE}, "page"),
    # Structure/function claims on a product page whose brand shows no disclaimer.
    ("Supports energy and nerve function every day.", {MISSING}, "product-no-disclaimer"),
    ("Helps maintain normal red blood cell formation.", {MISSING}, "product-no-disclaimer"),
    # Hard cases: the claim is there, but spread over two sentences or implied.
    ("B12 Patch is made for people with MS. It reverses the damage.", {DISEASE}, "page"),
    ("Say goodbye to anemia with the patch.", {DISEASE}, "page"),
]

COMPLIANT = [
    # Educational text about diseases: no claim for the product.
    ("MS is diagnosed by MRI and a neurological exam.", set(), "page"),
    ("Pernicious anemia is treated by doctors with B12 injections.", set(), "page"),
    ("Osteoporosis can be prevented in part by weight-bearing exercise.", set(), "page"),
    ("Depression is a treatable illness; talk to your doctor.", set(), "page"),
    ("Peripheral neuropathy has many causes, including diabetes.", set(), "page"),
    ("Researchers study whether vitamin B12 may slow dementia.", set(), "page"),
    ("Alzheimer's disease cannot be cured today.", set(), "page"),
    # The FDA disclaimer and negated claims.
    (
        "These statements have not been evaluated by the Food and Drug Administration. This "
        "product is not intended to diagnose, treat, cure, or prevent any disease.",
        set(),
        "product",
    ),
    ("B12 Patch does not cure or treat anemia.", set(), "page"),
    ("Our patch is not a treatment for multiple sclerosis.", set(), "page"),
    ("No supplement, including the patch, can prevent cancer.", set(), "page"),
    ("We never claim that B12 Patch heals neuropathy.", set(), "page"),
    (
        "If you have been diagnosed with pernicious anemia, ask your doctor before using B12 "
        "Patch.",
        set(),
        "page",
    ),
    # Structure/function claims with the disclaimer shown.
    ("Supports energy and nerve function every day.", set(), "product"),
    ("B12 Patch helps maintain normal energy levels.", set(), "page"),
    ("Vitamin B12 contributes to the normal function of the nervous system.", set(), "product"),
    # Ordinary product and store copy.
    ("Put one patch on clean, dry skin each morning.", set(), "product"),
    ("Each B12 Patch holds 1,000 mcg of methylcobalamin.", set(), "page"),
    ("Return B12 Patch within 30 days for a full refund.", set(), "page"),
    ("The patch stays on through a normal day, even in the shower.", set(), "page"),
    ("Ask your doctor whether B12 Patch is right for you.", set(), "page"),
    ("Does B12 Patch cure pernicious anemia? No: see a doctor.", set(), "page"),
    (
        "People treated for cancer should ask their doctor before taking any supplement.",
        set(),
        "page",
    ),
    (
        "Vitamin B12 injections treat pernicious anemia; our patch is a daily supplement.",
        set(),
        "page",
    ),
]

CASES = VIOLATIONS + COMPLIANT
