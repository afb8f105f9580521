"""Placing orders is rate limited per visitor address and per email address (checkout.limits):
the one too many gets the review page again with a clear message and a 429, nothing ordered,
the cart and the details kept."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from apothecary.catalog.models import Variant
from apothecary.checkout.limits import email_key
from apothecary.checkout.models import ShippingZone
from apothecary.orders.models import Order
from tests.checkout.test_checkout_views import key_of, text, to_review
from tests.store import make_cart, make_product, make_zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate(db):
    ShippingZone.objects.update(active=False)
    return make_zone(countries="US, CA", tax_rate="10", price="5.00")


@pytest.fixture
def variant(db):
    product = make_product(title="Test Patch", variants=((30, "10.00", 1, 200),))
    return Variant.objects.get(product=product)


def place(client, rate, variant, *, email="ada@example.com", **request):
    """A shopper fills the cart, enters their details and clicks Place order."""
    key = key_of(to_review(client, make_cart((variant, 1)), rate, email=email))
    return client.post("/checkout/place/", {"idempotency_key": key}, **request)


@override_settings(ORDER_PLACE_LIMIT_PER_EMAIL=5, ORDER_PLACE_LIMIT_PER_IP=100)
def test_the_sixth_order_in_an_hour_for_one_email_is_refused_with_429(client, rate, variant):
    for n in range(5):
        placed = place(client, rate, variant, REMOTE_ADDR=f"203.0.113.{n}")
        assert placed.status_code == 302, text(placed)

    refused = place(client, rate, variant, REMOTE_ADDR="203.0.113.99")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    page = text(refused)
    assert "Several orders have been placed with this email address in the last hour." in page
    assert "Nothing was ordered, and your cart and details are kept." in page
    assert Order.objects.filter(email="ada@example.com").count() == 5


@override_settings(ORDER_PLACE_LIMIT_PER_EMAIL=1, ORDER_PLACE_LIMIT_PER_IP=100)
def test_plus_tags_of_one_mailbox_count_as_that_mailbox(client, rate, variant):
    assert place(client, rate, variant, email="ada@example.com").status_code == 302

    refused = place(client, rate, variant, email="Ada+2@Example.com")

    assert refused.status_code == 429
    assert email_key("Ada+shop@Example.COM") == "ada@example.com"


@override_settings(ORDER_PLACE_LIMIT_PER_EMAIL=100, ORDER_PLACE_LIMIT_PER_IP=3)
def test_more_orders_from_one_address_than_the_limit_are_refused_and_others_still_order(
    rate, variant
):
    shopper = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(3):
        assert place(shopper, rate, variant, email=f"buyer{n}@example.com").status_code == 302

    refused = place(shopper, rate, variant, email="buyer9@example.com")
    other = place(Client(REMOTE_ADDR="198.51.100.8"), rate, variant, email="buyer9@example.com")

    assert refused.status_code == 429
    assert "Many orders have been placed from your network in the last hour" in text(refused)
    assert other.status_code == 302
    assert Order.objects.filter(email="buyer9@example.com").count() == 1


@override_settings(ORDER_PLACE_LIMIT_PER_EMAIL=100, ORDER_PLACE_LIMIT_PER_IP=1)
def test_nothing_the_shopper_typed_is_lost_and_the_order_goes_through_later(client, rate, variant):
    assert place(client, rate, variant).status_code == 302
    key = key_of(to_review(client, make_cart((variant, 2)), rate, shipping_line1="22 Acacia Ave"))
    refused = client.post("/checkout/place/", {"idempotency_key": key})
    assert refused.status_code == 429
    page = text(refused)
    assert "22 Acacia Ave" in page and "ada@example.com" in page  # the review, as entered

    cache.clear()  # an hour later: the window is over
    placed = client.post("/checkout/place/", {"idempotency_key": key_of(refused)})

    assert placed.status_code == 302
    order = Order.objects.get(idempotency_key=key_of(refused))
    assert order.shipping_line1 == "22 Acacia Ave"
    assert [line.quantity for line in order.lines.all()] == [2]


@override_settings(ORDER_PLACE_LIMIT_PER_EMAIL=1, ORDER_PLACE_LIMIT_PER_IP=1)
def test_a_double_click_on_place_order_counts_once(client, rate, variant):
    key = key_of(to_review(client, make_cart((variant, 1)), rate))

    first = client.post("/checkout/place/", {"idempotency_key": key})
    second = client.post("/checkout/place/", {"idempotency_key": key})

    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]


@override_settings(ORDER_PLACE_LIMIT_PER_EMAIL=100, ORDER_PLACE_LIMIT_PER_IP=1)
def test_behind_a_trusted_proxy_each_shopper_has_their_own_limit(rate, variant):
    proxy = "10.0.0.2"
    anna = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.10")
    ben = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.20")

    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert place(anna, rate, variant, email="anna@example.com").status_code == 302
        assert place(ben, rate, variant, email="ben@example.com").status_code == 302
        again = place(anna, rate, variant, email="anna@example.com")

    assert again.status_code == 429
