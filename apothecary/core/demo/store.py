"""The demo store: B12 Patch's one product, its three packs, where it ships, and codes.
Prices and stock are demo figures."""

from decimal import Decimal

from .pages import PRODUCT_PAGE

_body = dict(enumerate(PRODUCT_PAGE["body"]))

PRODUCT = {
    "slug": PRODUCT_PAGE["slug"],
    "title": "B12 Patch",
    "search_description": PRODUCT_PAGE.get("search_description", ""),
    "short_description": (
        "A daily vitamin B12 supplement in a thin patch you wear on your skin: 1,000 mcg of "
        "methylcobalamin per patch, one patch a day."
    ),
    "description": [_body[0], _body[1], _body[11], _body[12], _body[13]],
    "how_to_use": "<ol>"
    + "".join(f"<li>{item}</li>" for item in _body[7][1]["items"])
    + "</ol>"
    + _body[8][1],
    "serving_size": "1 patch",
    "supplement_facts": [
        {
            "ingredient": "Vitamin B12 (as methylcobalamin)",
            "amount": "1,000 mcg",
            "daily_value": "41,667%",
        },
    ],
    "other_ingredients": (
        "Medical-grade acrylic adhesive, polyethylene backing film. Free from gluten, dairy, "
        "soy, latex and animal-derived ingredients; no added colors or fragrances."
    ),
    "warnings": "<ul>" + "".join(f"<li>{item}</li>" for item in _body[10][1]["items"]) + "</ul>",
    "gallery": [("patch-hero", "A B12 patch drawn as a rounded square marked B12")],
}

VARIANTS = [
    {
        "sku": "B12P-30",
        "name": "30 patches / 1 month",
        "months": 1,
        "price": Decimal("19.95"),
        "compare_at_price": None,
        "stock": 240,
        "weight_grams": 40,
    },
    {
        "sku": "B12P-90",
        "name": "90 patches / 3 months",
        "months": 3,
        "price": Decimal("49.95"),
        "compare_at_price": Decimal("59.85"),
        "stock": 120,
        "weight_grams": 100,
    },
    {
        "sku": "B12P-180",
        "name": "180 patches / 6 months",
        "months": 6,
        "price": Decimal("89.95"),
        "compare_at_price": Decimal("119.70"),
        "stock": 4,
        "weight_grams": 180,
    },
]

ZONES = [
    {
        "name": "United States",
        "countries": "US",
        "tax_rate": Decimal("0"),
        "rates": [
            {
                "name": "Standard (3–7 business days)",
                "price": Decimal("4.95"),
                "free_above_subtotal": Decimal("40.00"),
            },
            {
                "name": "Express (1–2 business days)",
                "price": Decimal("14.95"),
                "free_above_subtotal": None,
            },
        ],
    },
    {
        "name": "Canada",
        "countries": "CA",
        "tax_rate": Decimal("5"),
        "rates": [
            {
                "name": "Standard (5–10 business days)",
                "price": Decimal("9.95"),
                "free_above_subtotal": Decimal("90.00"),
            },
        ],
    },
    {
        "name": "United Kingdom and Europe",
        "countries": "GB, IE, FR, DE, NL, BE, ES, IT",
        "tax_rate": Decimal("20"),
        "rates": [
            {
                "name": "International (7–14 business days)",
                "price": Decimal("16.95"),
                "free_above_subtotal": None,
            },
        ],
    },
]

DISCOUNTS = [
    {"code": "WELCOME10", "kind": "percent", "value": Decimal("10"), "per_email_limit": 1},
    {"code": "SAVE5", "kind": "fixed", "value": Decimal("5.00"), "min_subtotal": Decimal("30.00")},
]
