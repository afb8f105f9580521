"""Tax as stores need it: a rate per region inside a zone, and prices that include the tax."""

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apothecary.catalog.models import Variant
from apothecary.checkout.models import DiscountCode, ShippingRate, ShippingZone, ZoneRegionTax
from apothecary.checkout.pricing import PricedLine, compute_totals
from apothecary.checkout.regions import match_region, region_code
from apothecary.orders.models import Order
from tests.store import ADDRESS, make_cart, make_product, make_zone, place_order

WELCOME10 = DiscountCode(kind="percent", value=Decimal("10"))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# compute_totals, to the cent


def test_prices_including_tax_are_the_total_and_the_tax_is_the_part_they_include():
    lines = [PricedLine(1, Decimal("19.95"), 2), PricedLine(2, Decimal("49.95"), 1)]
    rate = ShippingRate(price=Decimal("4.95"), free_above_subtotal=Decimal("100.00"))

    totals = compute_totals(
        lines=lines,
        discount=WELCOME10,
        shipping_rate=rate,
        tax_rate=Decimal("20"),
        prices_include_tax=True,
    )

    assert totals.subtotal == Decimal("89.85")
    assert totals.discount == Decimal("8.99")  # 8.985 rounds half up
    assert totals.shipping == Decimal("4.95")  # 80.86 of goods is below the threshold
    assert totals.total == Decimal("85.81")  # no tax added
    assert totals.tax == Decimal("14.30")  # 85.81 × 20 / 120 = 14.3016…
    assert (totals.tax_rate, totals.prices_include_tax) == (Decimal("20"), True)


def test_included_tax_with_free_shipping_after_a_fixed_discount():
    rate = ShippingRate(price=Decimal("16.95"), free_above_subtotal=Decimal("100.00"))

    totals = compute_totals(
        lines=[PricedLine(1, Decimal("49.95"), 3)],
        discount=DiscountCode(kind="fixed", value=Decimal("5.00")),
        shipping_rate=rate,
        tax_rate=Decimal("20"),
        prices_include_tax=True,
    )

    assert (totals.subtotal, totals.discount, totals.shipping) == (
        Decimal("149.85"),
        Decimal("5.00"),
        Decimal("0.00"),
    )
    assert totals.total == Decimal("144.85")
    assert totals.tax == Decimal("24.14")  # 144.85 / 6 = 24.1416…


def test_included_tax_rounds_half_up():
    totals = compute_totals(
        lines=[PricedLine(1, Decimal("12.03"), 1)], tax_rate=Decimal("20"), prices_include_tax=True
    )

    assert totals.tax == Decimal("2.01")  # 12.03 / 6 = 2.005 exactly
    assert totals.total == Decimal("12.03")


def test_the_same_cart_costs_more_when_the_tax_is_added():
    lines = [PricedLine(1, Decimal("44.95"), 2)]
    rate = ShippingRate(price=Decimal("4.95"), free_above_subtotal=Decimal("100.00"))
    cart = {"lines": lines, "discount": WELCOME10, "shipping_rate": rate}

    added = compute_totals(**cart, tax_rate=Decimal("20"))
    included = compute_totals(**cart, tax_rate=Decimal("20"), prices_include_tax=True)

    # goods 89.90 − 8.99 = 80.91, shipping 4.95: 85.86 before tax
    assert (added.tax, added.total) == (Decimal("17.17"), Decimal("103.03"))
    assert (included.tax, included.total) == (Decimal("14.31"), Decimal("85.86"))


# Rates per region


@pytest.fixture
def north_america(db):
    """A zone for the US and Canada at 5 %, with California and Ontario at their own rates."""
    ShippingZone.objects.update(active=False)
    rate = make_zone(countries="US, CA", tax_rate="5", price="5.00")
    ZoneRegionTax.objects.create(zone=rate.zone, country="US", region="CA", rate=Decimal("7.25"))
    ZoneRegionTax.objects.create(zone=rate.zone, country="CA", region="ON", rate=Decimal("13"))
    return rate


@pytest.mark.parametrize(
    ("country", "region", "expected"),
    [
        ("US", "CA", "7.25"),
        ("us", " california ", "7.25"),
        ("US", "US-CA", "7.25"),
        ("CA", "Ontario", "13"),
        ("CA", "on", "13"),
        ("CA", "CA", "5"),  # "CA" in Canada is no province: the zone's rate
        ("US", "ON", "5"),  # Ontario's rate is Canada's, not the US's
        ("US", "NY", "5"),  # a state without a rate of its own
        ("US", "Atlantis", "5"),  # unknown region
        ("US", "", "5"),
    ],
)
def test_the_regions_rate_is_used_else_the_zones(north_america, country, region, expected):
    assert north_america.zone.tax_rate_for(country, region) == Decimal(expected)


@pytest.mark.parametrize(
    ("country", "typed", "code"),
    [
        ("US", "California", "CA"),
        ("US", "  new   york ", "NY"),
        ("CA", "Québec", "QC"),
        ("CA", "QUEBEC", "QC"),
        ("CA", "ca-bc", "BC"),
        ("US", "Ontario", None),
        ("DE", " bayern ", "BAYERN"),  # no list for Germany: trimmed and upper-cased
    ],
)
def test_regions_are_matched_by_code_or_name(country, typed, code):
    assert match_region(country, typed) == code


def test_an_unknown_region_keeps_its_text_as_the_lookup_code():
    assert region_code("US", " Atlantis ") == "ATLANTIS"


def test_the_checkout_charges_the_regions_rate(north_america):
    product = make_product(variants=((30, "20.00", 1, 20),))
    cart = make_cart((Variant.objects.get(product=product), 1))

    order = place_order(cart=cart, rate=north_america)  # the test address is in Illinois
    california = place_order(
        cart=make_cart((Variant.objects.get(product=product), 1)),
        rate=north_america,
        shipping=replace(ADDRESS, region="CA"),
    )

    assert (order.tax_rate, order.tax_amount, order.total) == (
        Decimal("5.00"),
        Decimal("1.25"),
        Decimal("26.25"),
    )
    # 7.25 % of 25.00 = 1.8125
    assert (california.tax_rate, california.tax_amount, california.total) == (
        Decimal("7.25"),
        Decimal("1.81"),
        Decimal("26.81"),
    )
    assert not california.prices_include_tax


def test_the_review_page_shows_the_regions_rate(client, north_america):
    from tests.checkout.test_checkout_views import to_review

    product = make_product(variants=((30, "20.00", 1, 20),))
    cart = make_cart((Variant.objects.get(product=product), 1))

    html = text(to_review(client, cart, north_america, shipping_region="California"))

    # goods 20.00 + shipping 5.00 = 25.00; 7.25 % = 1.81
    assert "Tax (7.25%)</th><td>$1.81</td>" in html
    assert "Total</th><td>$26.81</td>" in html


def test_a_region_rate_is_stored_by_its_code_and_the_zones_country():
    zone = ShippingZone(name="US", countries="US", tax_rate=Decimal("0"))
    row = ZoneRegionTax(zone=zone, region=" california ", rate=Decimal("7.25"))

    row.clean()

    assert (row.country, row.region) == ("US", "CA")


@pytest.mark.parametrize(
    ("countries", "country", "region", "field", "message"),
    [
        ("US, CA", "", "ON", "country", "Enter the country of this region"),
        ("US", "FR", "Paris", "country", "France is not one of this zone's countries."),
        ("US", "XX", "CA", "country", "Unknown country code: XX."),
        ("US", "US", "Ontario", "region", "Not a region of United States: Ontario."),
        ("GB", "GB", "  ", "region", "Enter the region's code or name."),
    ],
)
def test_a_region_rate_that_cannot_apply_is_refused(countries, country, region, field, message):
    zone = ShippingZone(name="Z", countries=countries, tax_rate=Decimal("0"))
    row = ZoneRegionTax(zone=zone, country=country, region=region, rate=Decimal("5"))

    with pytest.raises(ValidationError) as error:
        row.clean()

    assert message in " ".join(error.value.message_dict[field])


def _zone_form(**fields):
    data = {
        "name": "North America",
        "countries": "US, CA",
        "tax_rate": "5",
        "active": "on",
        "rates-TOTAL_FORMS": "0",
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
        "region_taxes-TOTAL_FORMS": "1",
        "region_taxes-INITIAL_FORMS": "0",
        "region_taxes-MIN_NUM_FORMS": "0",
        "region_taxes-MAX_NUM_FORMS": "1000",
        "region_taxes-0-country": "us",
        "region_taxes-0-region": "California",
        "region_taxes-0-rate": "7.25",
        "region_taxes-0-id": "",
        "region_taxes-0-ORDER": "1",
        "region_taxes-0-DELETE": "",
    }
    data.update(fields)
    return data


def test_the_zone_admin_takes_region_rates_inline(admin_client):
    response = admin_client.post("/admin/shipping-zones/new/", _zone_form(prices_include_tax=""))

    assert response.status_code == 302
    zone = ShippingZone.objects.get(name="North America")
    assert [(r.country, r.region, r.rate) for r in zone.region_taxes.all()] == [
        ("US", "CA", Decimal("7.25"))
    ]
    assert zone.tax_rate_for("US", "CA") == Decimal("7.25")


def test_a_region_rate_of_a_one_country_zone_needs_no_country(admin_client):
    response = admin_client.post(
        "/admin/shipping-zones/new/",
        _zone_form(
            countries="ca",
            **{"region_taxes-0-country": "", "region_taxes-0-region": "Ontario"},
        ),
    )

    assert response.status_code == 302
    zone = ShippingZone.objects.get(name="North America")
    assert [(r.country, r.region) for r in zone.region_taxes.all()] == [("CA", "ON")]


def test_the_zone_admin_refuses_a_region_of_another_country_and_keeps_the_input(admin_client):
    response = admin_client.post(
        "/admin/shipping-zones/new/", _zone_form(**{"region_taxes-0-country": "FR"})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "France is not one of this zone&#x27;s countries." in html
    assert 'value="North America"' in html
    assert not ShippingZone.objects.filter(name="North America").exists()


# Prices that include the tax, on the order and the receipts


@pytest.fixture
def europe(db):
    """A VAT zone: 20 %, included in the prices; shipping 4.95, free from 100.00."""
    ShippingZone.objects.update(active=False)
    rate = make_zone(countries="DE, FR", tax_rate="20", price="4.95", free_above="100")
    ShippingZone.objects.filter(pk=rate.zone_id).update(prices_include_tax=True)
    return ShippingRate.objects.select_related("zone").get(pk=rate.pk)


GERMANY = replace(ADDRESS, country="DE", region="", postcode="10115", city="Berlin")


@pytest.fixture
def vat_order(europe, django_capture_on_commit_callbacks):
    """2 × 44.95 with WELCOME10 to Germany: 80.91 + 4.95 = 85.86, including 14.31 VAT."""
    product = make_product(variants=((30, "44.95", 1, 20),))
    cart = make_cart((Variant.objects.get(product=product), 2))
    with django_capture_on_commit_callbacks(execute=True):
        return place_order(cart=cart, rate=europe, shipping=GERMANY, discount_code="WELCOME10")


def test_the_order_snapshots_the_included_tax(vat_order):
    order = Order.objects.get(pk=vat_order.pk)

    assert (order.subtotal, order.discount_amount, order.shipping_amount) == (
        Decimal("89.90"),
        Decimal("8.99"),
        Decimal("4.95"),
    )
    assert (order.prices_include_tax, order.tax_rate, order.tax_amount, order.total) == (
        True,
        Decimal("20.00"),
        Decimal("14.31"),
        Decimal("85.86"),
    )


def test_the_receipt_says_what_tax_the_total_includes(client, vat_order):
    html = text(client.get(f"/checkout/done/{vat_order.token}/"))

    assert "Total</th><td>$85.86</td>" in html
    assert "includes $14.31 tax (20%)" in html
    assert "Tax (20%)" not in html


def test_the_order_emails_say_what_tax_the_total_includes(vat_order):
    body = mail.outbox[-1].body

    assert "Total: $85.86, includes $14.31 tax (20%)" in body
    assert "Tax (" not in body


def test_the_pay_page_says_what_tax_the_total_includes(client, vat_order):
    html = text(client.get(f"/payments/pay/{vat_order.token}/"))

    assert "includes $14.31 tax (20%)" in html
    assert "Tax (20%)" not in html


def test_the_admin_order_shows_the_included_tax(admin_client, vat_order):
    html = text(admin_client.get(f"/admin/orders/{vat_order.number}/"))

    assert "Tax included (20%)</th><td>$14.31</td>" in html


def test_the_review_page_says_what_tax_the_total_includes(client, europe):
    from tests.checkout.test_checkout_views import to_review

    product = make_product(variants=((30, "44.95", 1, 20),))
    cart = make_cart((Variant.objects.get(product=product), 2))

    response = to_review(
        client,
        cart,
        europe,
        shipping_country="DE",
        shipping_region="",
        shipping_postcode="10115",
        discount_code="WELCOME10",
    )

    html = text(response)
    assert "Total</th><td>$85.86</td>" in html
    assert "includes $14.31 tax (20%)" in html
    assert "Tax (20%)" not in html


def test_an_order_keeps_its_tax_when_the_zone_changes_later(client, vat_order, europe):
    zone = europe.zone
    zone.tax_rate = Decimal("25")
    zone.prices_include_tax = False
    zone.save()
    ZoneRegionTax.objects.create(zone=zone, country="DE", region="BE", rate=Decimal("19"))

    order = Order.objects.get(pk=vat_order.pk)
    html = text(client.get(f"/checkout/done/{order.token}/"))

    assert (order.prices_include_tax, order.tax_rate, order.tax_amount, order.total) == (
        True,
        Decimal("20.00"),
        Decimal("14.31"),
        Decimal("85.86"),
    )
    assert "includes $14.31 tax (20%)" in html


def test_the_refund_ledgers_shares_of_a_vat_order_add_up_to_what_was_paid(vat_order):
    from apothecary.orders.allocation import order_shares

    shares = order_shares(vat_order, vat_order.lines.all())

    paid = sum(share.paid for share in shares.lines.values()) + shares.shipping_paid
    tax = sum(share.tax for share in shares.lines.values()) + shares.shipping_tax
    assert (paid, tax) == (Decimal("85.86"), Decimal("14.31"))
