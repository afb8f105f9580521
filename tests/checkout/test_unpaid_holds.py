"""Bug 6: one visitor could make a pack "sold out" for everyone by leaving orders unpaid.
Unpaid orders now hold their stock for ORDER_PAYMENT_WINDOW_MINUTES (15 by default), and one
email, account, session or IP address holds only a few of them at once."""

import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from freezegun import freeze_time

import apothecary.settings as project_settings
from apothecary.cart.models import Cart, CartLine
from apothecary.catalog.models import Variant
from apothecary.checkout.models import ShippingZone
from apothecary.checkout.services import TooManyUnpaidOrders, order_place
from apothecary.core.http import Visitor
from apothecary.orders.models import Order, OrderStatus
from apothecary.orders.services import order_mark_paid, release_expired_orders
from tests.store import ADDRESS, make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

# The project's own limits (tests/settings.py lifts them for the other tests).
PROJECT_LIMITS = override_settings(
    MAX_UNPAID_ORDERS_PER_CUSTOMER=project_settings.MAX_UNPAID_ORDERS_PER_CUSTOMER,
    MAX_UNPAID_ORDERS_PER_IP=project_settings.MAX_UNPAID_ORDERS_PER_IP,
)


@pytest.fixture
def rate(db):
    ShippingZone.objects.update(active=False)
    return make_zone(countries="US", price="5.00")


@pytest.fixture
def variant(db):
    product = make_product(title="Value Patch", variants=((180, "89.95", 6, 5),))
    return Variant.objects.get(product=product)


def stock_of(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def place(variant, rate, *, email="hoarder@example.com", cart=None, ip=""):
    return order_place(
        cart=cart or make_cart((variant, 1)),
        email=email,
        shipping=ADDRESS,
        billing=None,
        phone="",
        shipping_rate=rate,
        discount_code="",
        idempotency_key=uuid.uuid4().hex,
        visitor=Visitor(ip=ip),
    )


def test_the_project_holds_unpaid_stock_15_minutes_and_3_orders_per_customer():
    assert project_settings.ORDER_PAYMENT_WINDOW_MINUTES == 15
    assert project_settings.MAX_UNPAID_ORDERS_PER_CUSTOMER == 3
    assert settings.ORDER_PAYMENT_WINDOW_MINUTES == 15


@PROJECT_LIMITS
def test_one_visitor_cannot_make_a_pack_sold_out_for_everyone(variant, rate):
    for _ in range(3):
        place(variant, rate)
    assert stock_of(variant) == 2

    with pytest.raises(TooManyUnpaidOrders, match="You already have 3 orders waiting"):
        place(variant, rate)

    assert stock_of(variant) == 2  # the fourth took nothing: others can still buy
    other = place(variant, rate, email="someone@example.com")
    assert other.status == OrderStatus.PENDING_PAYMENT
    assert stock_of(variant) == 1


def test_unpaid_holds_are_released_after_the_window(variant, rate):
    start = timezone.now()
    with freeze_time(start):
        for _ in range(5):
            place(variant, rate)
    assert stock_of(variant) == 0

    assert release_expired_orders(now=start + timedelta(minutes=14)) == 0
    assert stock_of(variant) == 0
    assert release_expired_orders(now=start + timedelta(minutes=16)) == 5
    assert stock_of(variant) == 5


@PROJECT_LIMITS
def test_a_paid_order_does_not_count_against_the_cap(variant, rate):
    order_mark_paid(order=place(variant, rate))
    place(variant, rate)
    place(variant, rate)

    assert place(variant, rate).status == OrderStatus.PENDING_PAYMENT


@PROJECT_LIMITS
def test_unpaid_orders_older_than_the_window_do_not_count(variant, rate):
    start = timezone.now()
    with freeze_time(start):
        for _ in range(3):
            place(variant, rate)
    with freeze_time(start + timedelta(minutes=16)):  # not yet released by the command
        assert place(variant, rate).status == OrderStatus.PENDING_PAYMENT


@PROJECT_LIMITS
def test_the_cap_counts_one_session_whatever_the_email(variant, rate):
    cart = Cart.objects.create()

    for n in range(3):
        CartLine.objects.create(cart=cart, variant=variant, quantity=1)
        place(variant, rate, email=f"alias{n}@example.com", cart=cart)
    CartLine.objects.create(cart=cart, variant=variant, quantity=1)

    with pytest.raises(TooManyUnpaidOrders):
        place(variant, rate, email="alias9@example.com", cart=cart)
    assert cart.lines.count() == 1  # the cart is kept


@PROJECT_LIMITS
@override_settings(MAX_UNPAID_ORDERS_PER_IP=4)
def test_the_cap_counts_one_ip_address_whatever_the_email_and_session(variant, rate):
    Variant.objects.filter(pk=variant.pk).update(stock=50)
    for n in range(4):
        place(variant, rate, email=f"alias{n}@example.com", ip="203.0.113.9")

    with pytest.raises(TooManyUnpaidOrders, match="from your network"):
        place(variant, rate, email="alias9@example.com", ip="203.0.113.9")
    assert place(variant, rate, email="alias9@example.com", ip="198.51.100.1")


@PROJECT_LIMITS
def test_the_shopper_is_told_why_with_429_and_keeps_cart_and_details(client, variant, rate):
    Variant.objects.filter(pk=variant.pk).update(stock=50)
    for _ in range(3):
        place_order(cart=make_cart((variant, 1)), rate=rate, email="ada@example.com")
    cart = make_cart((variant, 2))
    session = client.session
    session["cart_token"] = str(cart.token)
    session.save()
    details = {
        "email": "ada@example.com",
        "shipping_name": "Ada Reader",
        "shipping_line1": "1 Main St",
        "shipping_city": "Springfield",
        "shipping_region": "IL",
        "shipping_postcode": "62701",
        "shipping_country": "US",
        "billing_same": "on",
        "shipping_rate": str(rate.pk),
    }
    assert client.post("/checkout/", details).status_code == 302
    review = client.get("/checkout/review/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', review).group(1)
    orders_before = Order.objects.count()

    response = client.post("/checkout/place/", {"idempotency_key": key})

    html = re.sub(r"\s+", " ", response.content.decode())
    assert response.status_code == 429
    assert "You already have 3 orders waiting for payment" in html
    assert "Pay for one of them with the link in its confirmation email" in html
    assert "Your cart and details are kept." in html
    assert "1 Main St" in html  # the details they typed are on the page
    assert Order.objects.count() == orders_before
    assert cart.lines.get().quantity == 2
    assert stock_of(variant) == 47
