"""Bug 7 of issue 11: money read "49.95 USD" on the pay page and in emails, discount messages
gave "30.00" without a sign, shipping read "Shipping (Standard (3-7 business days))" and
countries "US". Each is now written as people read it, in the store's locale."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from apothecary.checkout.models import ShippingRate
from apothecary.orders.services import order_mark_paid
from tests.store import as_buyer, make_cart, make_discount, place_order

pytestmark = pytest.mark.django_db

METHOD = "Standard (3-7 business days)"


@pytest.fixture
def rate(rate):
    ShippingRate.objects.filter(pk=rate.pk).update(name=METHOD)
    rate.refresh_from_db()
    return rate


def page_text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_pay_page_shows_amounts_with_the_currency_sign_and_the_method_once(client, order):
    response = client.get(reverse("payments:pay", args=[order.token]))

    shown = page_text(response)
    assert "Pay $44.90" in shown
    assert "Subtotal $39.90" in shown
    assert f"Shipping: {METHOD} $5.00" in shown
    assert "Total $44.90" in shown
    assert "USD" not in shown
    assert "((" not in shown and "))" not in shown


def test_a_german_store_shows_euros_as_germans_write_them(client, settings, variant, rate):
    settings.STORE_CURRENCY, settings.STORE_LOCALE = "EUR", "de_DE"
    order = place_order(cart=make_cart((variant, 2)), rate=rate)

    shown = page_text(as_buyer(client, order).get(reverse("payments:pay", args=[order.token])))

    assert "Pay 44,90\xa0€" in shown
    assert "EUR" not in shown


def test_the_order_emails_show_dollars_the_method_and_the_country_by_name(
    variant, rate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(cart=make_cart((variant, 2)), rate=rate)
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order)

    confirmation, paid = mail.outbox[-2].body, mail.outbox[-1].body
    for body in (confirmation, paid):
        assert "USD" not in body
        assert "Total: $44.90" in body
        assert "Goods: $39.90" in body
        assert f"Shipping: $5.00, {METHOD}" in body
        assert "((" not in body
    assert "We have received your payment of $44.90" in paid
    assert "Springfield, Illinois 12345" in confirmation
    assert "\n  United States\n" in confirmation
    assert not re.search(r"^\s*US\s*$", confirmation, re.M)
    assert "$44.90" in mail.outbox[-1].alternatives[0][0]  # the HTML part too


def test_a_discount_that_needs_a_bigger_order_names_the_amount_in_dollars(client, variant, rate):
    make_discount(code="BIG30", min_subtotal=Decimal("30.00"))
    session = client.session
    session["cart_token"] = str(make_cart((variant, 1)).token)
    session.save()

    response = client.post(
        "/checkout/",
        {
            "email": "ada@example.com",
            "shipping_name": "Ada Reader",
            "shipping_line1": "1 Main St",
            "shipping_city": "Springfield",
            "shipping_region": "IL",
            "shipping_postcode": "62701",
            "shipping_country": "US",
            "phone": "",
            "billing_same": "on",
            "shipping_rate": str(rate.pk),
            "discount_code": "BIG30",
        },
    )

    assert response.status_code == 400
    assert "The code “BIG30” needs an order of at least $30.00." in page_text(response)
