"""Packs, shipping zones and discount codes in the admin's "Store" menu."""

import json
import re
from decimal import Decimal

import pytest

from apothecary.catalog.models import Variant
from apothecary.checkout.models import DiscountCode, ShippingZone
from tests.store import make_discount, make_product, make_zone

pytestmark = pytest.mark.django_db

EDIT_LINK = re.compile(r'href="/admin/packs/edit/(\d+)/"')


def listed_packs(response) -> set[str]:
    assert response.status_code == 200
    ids = {int(pk) for pk in EDIT_LINK.findall(response.content.decode())}
    return set(Variant.objects.filter(pk__in=ids).values_list("sku", flat=True))


@pytest.fixture
def packs():
    """Five packs of a new product: stock 50, 5, 1, 0 and not tracked; the last inactive."""
    product = make_product(
        title="Stock Patch",
        slug="stock-patch",
        variants=(
            (10, "5.00", 1, 50),
            (20, "9.00", 1, 5),
            (30, "12.00", 1, 1),
            (40, "15.00", 1, 0),
            (50, "18.00", 1, None),
        ),
    )
    Variant.objects.filter(sku="STOCK-PATCH-50").update(active=False)
    return product


def menu_items(html: str) -> list:
    """The (label, url or submenu) items of the admin's main menu, from the sidebar's props."""
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)
    main = next(m for m in json.loads(props)["modules"] if m["_type"].endswith("MainMenuModule"))

    def read(item):
        attrs, *children = item["_args"]
        if item["_type"].endswith("SubMenuItem"):
            return (attrs["label"], [read(child) for child in children[0]])
        return (attrs["label"], attrs.get("url"))

    return [read(item) for item in main["_args"][0]]


def test_the_store_menu_holds_orders_packs_zones_and_codes(admin_client):
    items = dict(menu_items(admin_client.get("/admin/").content.decode()))

    assert items["Store"] == [
        ("Orders", "/admin/orders/"),
        ("Returns", "/admin/returns/"),
        ("Inbox", "/admin/inbox/"),
        ("Reviews", "/admin/reviews/"),
        ("Customers", "/admin/customers/"),
        ("Packs", "/admin/packs/"),
        ("Shipping zones", "/admin/shipping-zones/"),
        ("Discount codes", "/admin/discount-codes/"),
        ("Newsletter", "/admin/newsletter/"),
    ]


def test_the_packs_list_shows_product_sku_price_and_stock(admin_client, packs):
    response = admin_client.get("/admin/packs/", {"product": packs.pk})

    html = response.content.decode()
    assert listed_packs(response) == {
        "STOCK-PATCH-10",
        "STOCK-PATCH-20",
        "STOCK-PATCH-30",
        "STOCK-PATCH-40",
        "STOCK-PATCH-50",
    }
    assert "Stock Patch" in html
    assert "18.00" in html
    assert "not tracked" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stock_level": "low"}, {"STOCK-PATCH-20", "STOCK-PATCH-30"}),
        ({"stock_level": "sold_out"}, {"STOCK-PATCH-40"}),
        (
            {"stock_level": "low_or_sold_out"},
            {"STOCK-PATCH-20", "STOCK-PATCH-30", "STOCK-PATCH-40"},
        ),
        ({"stock_level": "untracked"}, {"STOCK-PATCH-50"}),
        ({"active": "false"}, {"STOCK-PATCH-50"}),
        ({"q": "patch-3"}, {"STOCK-PATCH-30"}),
    ],
)
def test_pack_filters_and_search_find_exactly_the_right_packs(admin_client, packs, query, expected):
    response = admin_client.get("/admin/packs/", {"product": packs.pk, **query})

    assert listed_packs(response) == expected


def test_a_pack_edited_in_the_admin_keeps_its_new_price_and_its_stock(admin_client, packs):
    variant = Variant.objects.get(sku="STOCK-PATCH-10")

    response = admin_client.post(
        f"/admin/packs/edit/{variant.pk}/",
        {
            "product": packs.pk,
            "sku": "STOCK-PATCH-10",
            "name": "10 patches",
            "price": "6.50",
            "compare_at_price": "",
            "stock": "",  # stock is not typed over: it changes by ±N on the stock page
            "low_stock_threshold": "5",
            "months": "1",
            "weight_grams": "20",
            "active": "on",
            "sort_order": "0",
        },
    )

    assert response.status_code == 302
    variant.refresh_from_db()
    assert (variant.price, variant.stock) == (Decimal("6.50"), 50)


def test_a_shipping_zone_is_made_with_its_rates_inline(admin_client):
    response = admin_client.post(
        "/admin/shipping-zones/new/",
        {
            "name": "Europe",
            "countries": "de, fr",
            "tax_rate": "20",
            "active": "on",
            "rates-TOTAL_FORMS": "1",
            "rates-INITIAL_FORMS": "0",
            "rates-MIN_NUM_FORMS": "0",
            "rates-MAX_NUM_FORMS": "1000",
            "rates-0-name": "Standard",
            "rates-0-price": "7.50",
            "rates-0-min_weight_grams": "0",
            "rates-0-max_weight_grams": "",
            "rates-0-free_above_subtotal": "60",
            "rates-0-active": "on",
            "rates-0-ORDER": "1",
            "rates-0-id": "",
            "rates-0-DELETE": "",
            "region_taxes-TOTAL_FORMS": "0",
            "region_taxes-INITIAL_FORMS": "0",
            "region_taxes-MIN_NUM_FORMS": "0",
            "region_taxes-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    zone = ShippingZone.objects.get(name="Europe")
    assert zone.countries == "DE, FR"
    assert [(r.name, r.price, r.free_above_subtotal) for r in zone.rates.all()] == [
        ("Standard", Decimal("7.50"), Decimal("60.00"))
    ]


def test_a_zone_with_an_unknown_country_is_refused(admin_client):
    response = admin_client.post(
        "/admin/shipping-zones/new/",
        {
            "name": "Nowhere",
            "countries": "US, XX",
            "tax_rate": "0",
            "rates-TOTAL_FORMS": "0",
            "rates-INITIAL_FORMS": "0",
            "rates-MIN_NUM_FORMS": "0",
            "rates-MAX_NUM_FORMS": "1000",
            "region_taxes-TOTAL_FORMS": "0",
            "region_taxes-INITIAL_FORMS": "0",
            "region_taxes-MIN_NUM_FORMS": "0",
            "region_taxes-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 200
    assert "Unknown country codes: XX" in response.content.decode()
    assert not ShippingZone.objects.filter(name="Nowhere").exists()


def test_the_zones_list_counts_the_rates(admin_client):
    rate = make_zone(countries="CA", tax_rate="5")

    html = admin_client.get("/admin/shipping-zones/", {"q": "Zone CA"}).content.decode()

    assert f'href="/admin/shipping-zones/edit/{rate.zone_id}/"' in html
    assert re.search(r"<td[^>]*>\s*1\s*</td>", html)


def test_the_discount_codes_list_shows_value_uses_and_dates(admin_client):
    make_discount(code="SPRING15", value="15", usage_limit=100)
    make_discount(code="FIVEOFF", kind="fixed", value="5")
    DiscountCode.objects.filter(code="SPRING15").update(times_used=3)

    html = admin_client.get("/admin/discount-codes/").content.decode()

    assert "SPRING15" in html
    assert "15%" in html
    assert "3 / 100" in html
    assert "$5.00" in html
    assert "0 / no limit" in html


def test_a_percentage_code_above_100_is_refused(admin_client):
    response = admin_client.post(
        "/admin/discount-codes/new/",
        {"code": "toomuch", "kind": "percent", "value": "150", "min_subtotal": "0"},
    )

    assert response.status_code == 200
    assert "A percentage cannot exceed 100." in response.content.decode()
