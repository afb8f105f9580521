# The claims checker's starting rules, so every install flags the usual disease and absolute
# claims from day one. They are data: compliance staff edit or deactivate these lists in the
# admin. Brand-neutral on purpose: the checker adds the titles of live product pages to the
# product names at check time, so no brand name is written here.
# Matching ignores case; a trailing * matches any ending ("treat*": treats, treated, treatment).

from django.db import migrations

DEFAULT_LISTS = [
    (
        "Disease-claim verbs",
        "claim_verb",
        [
            "cure", "cures", "cured", "curing", "curative",
            "treat*",
            "prevent*",
            "heal", "heals", "healed", "healing",
            "revers*",
            "diagnos*",
            "fight*",
            "combat*",
            "eliminat*",
            "reliev*",
            "alleviat*",
            "mitigat*",
            "get rid of", "gets rid of", "got rid of",
            "ward* off",
            "protect* against",
            "reduc* the risk of",
            "lower* the risk of",
        ],
    ),
    (
        "Diseases and conditions",
        "disease",
        [
            "disease", "diseases", "illness*", "disorder*",
            "anemia", "anaemia", "pernicious anemia", "pernicious anaemia",
            "multiple sclerosis", "MS",
            "dementia", "Alzheimer*",
            "osteoporosis",
            "neuropathy", "peripheral neuropathy", "nerve damage",
            "depression", "anxiety disorder*",
            "cancer*", "tumour*", "tumor*",
            "diabetes", "diabetic",
            "heart disease", "stroke*", "hypertension", "high blood pressure",
            "arthritis", "migraine*", "insomnia",
            "chronic fatigue syndrome",
            "infection*", "colds", "flu", "influenza", "covid*",
            "obesity", "autism", "ADHD",
        ],
    ),
    (
        "Unsupported absolute claims",
        "absolute",
        [
            "guaranteed", "guarantees results",
            "100% effective", "100 percent effective",
            "miracle*",
            "clinically proven",
            "scientifically proven",
            "no side effects",
            "works for everyone",
            "completely safe", "totally safe",
            "instant results",
            "cure-all", "cure all",
            "never fails",
        ],
    ),
    (
        "Structure/function claims",
        "structure_function",
        [
            "supports energy", "support energy",
            "supports nerve function", "support nerve function",
            "supports the nervous system", "supports a healthy nervous system",
            "supports immune", "supports the immune system",
            "supports mood", "supports memory", "supports focus",
            "supports red blood cell*",
            "supports healthy",
            "helps maintain", "help maintain",
            "boosts energy", "boost energy", "boosts your energy",
            "boosts mood", "boosts metabolism",
            "increases energy", "more energy",
            "reduces tiredness", "reduction of tiredness",
            "contributes to normal", "contributes to the normal",
        ],
    ),
    (
        "Ways of naming the product",
        "product",
        [
            "our patch", "our patches",
            "this patch", "these patches",
            "the patch", "the patches",
            "our product", "our products", "this product",
            "our supplement", "this supplement",
            "our formula", "this formula",
        ],
    ),
]


def add_default_lists(apps, schema_editor):
    ClaimPhraseList = apps.get_model("compliance", "ClaimPhraseList")
    for name, kind, phrases in DEFAULT_LISTS:
        if not ClaimPhraseList.objects.filter(name=name, kind=kind).exists():
            ClaimPhraseList.objects.create(
                name=name, kind=kind, phrases="\n".join(phrases), active=True
            )


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: by then staff may have edited them.
        migrations.RunPython(add_default_lists, migrations.RunPython.noop),
    ]
