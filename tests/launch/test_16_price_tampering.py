"""Launch test 16, price tampering: extra `price`, `total` and `discount` fields in the cart and
checkout posts, and edited hidden inputs, change no amount. Prices come from the database at
every step; the place form refuses any field but its key (nothing is ordered); and the Stripe
Checkout Session asks exactly what the database prices make (ASVS 2.2.2)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apothecary.cart.models import CartLine
from apothecary.catalog.models import Variant
from apothecary.orders.models import Order
from apothecary.payments.models import Payment
from tests.launch.shop import (
    Shopper,
    only_zone,
    page_text,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.store import make_discount, make_product

pytestmark = pytest.mark.django_db

TAMPERED = {
    "price": "0.01",
    "unit_price": "0.01",
    "total": "0.01",
    "subtotal": "0.01",
    "discount": "100",
    "discount_amount": "999",
    "shipping_amount": "0",
    "tax_amount": "0",
    "currency": "JPY",
}


@pytest.fixture
def variant():
    return make_product(variants=((30, "19.95", 1, 10),)).variants.get()


def expected_total(variant, quantity, shipping="5.00", percent_off=0) -> Decimal:
    """The order's total from the database's price, worked out here (no tax in the zone)."""
    goods = Variant.objects.get(pk=variant.pk).price * quantity
    discount = (goods * Decimal(percent_off) / 100).quantize(Decimal("0.01"))
    return goods - discount + Decimal(shipping)


def test_price_fields_posted_to_the_cart_are_ignored(variant):
    shopper = Shopper(1)

    response = shopper.add(variant, 2, **TAMPERED)

    assert response.status_code == 302
    line = CartLine.objects.get(variant=variant)
    assert line.quantity == 2
    page = page_text(shopper.client.get("/cart/"))
    assert "$39.90" in page  # 2 × 19.95, from the database
    assert "$0.01" not in page and "$0.02" not in page


def test_price_fields_in_the_checkout_change_no_amount_and_stripe_asks_the_database_total(
    variant,
    stripe_api,  # noqa: F811
):
    rate = only_zone(price="5.00")
    make_discount(code="SAVE10", kind="percent", value="10")
    shopper = Shopper(1)
    shopper.add(variant, 2, **TAMPERED)
    assert shopper.details(rate, discount_code="SAVE10", **TAMPERED).status_code == 302
    review = shopper.client.get("/checkout/review/")
    total = expected_total(variant, 2, percent_off=10)  # 39.90 - 3.99 + 5.00 = 40.91
    assert f"${total}" in page_text(review)
    key = shopper.review_key()

    tampered = shopper.place(key, **TAMPERED)

    assert tampered.status_code == 400
    assert "The order form was changed, so nothing was ordered." in page_text(tampered)
    assert not Order.objects.filter(email=shopper.email).exists()

    placed = shopper.place(shopper.review_key())
    assert placed.status_code == 302
    order = Order.objects.get(email=shopper.email)
    assert (order.total, order.discount_amount, order.currency) == (
        total,
        Decimal("3.99"),
        "USD",
    )
    assert [(line.unit_price, line.quantity) for line in order.lines.all()] == [
        (Decimal("19.95"), 2)
    ]
    paying = shopper.client.post(placed["Location"], TAMPERED)  # the pay page ignores them too
    assert paying.status_code == 302
    assert Payment.objects.get(order=order).total == total
    (session,) = stripe_api.sessions
    (line,) = session["line_items"]  # the order as one line, for its server-side total
    assert line["quantity"] == 1
    assert line["price_data"]["currency"] == "usd"
    assert line["price_data"]["unit_amount"] == int(total * 100) == 4091


def test_an_edited_hidden_key_orders_nothing(variant):
    rate = only_zone()
    shopper = Shopper(1)
    key = shopper.ready(rate, (variant, 1))

    edited = shopper.place(key[:-1] + ("0" if key[-1] != "0" else "1"))

    assert edited.status_code == 400
    assert "This page was out of date, so nothing was ordered." in page_text(edited)
    assert not Order.objects.filter(email=shopper.email).exists()


def test_the_pay_page_of_another_order_s_token_is_not_found(client):
    assert client.get(reverse("payments:pay", args=["not-a-token"])).status_code == 404
