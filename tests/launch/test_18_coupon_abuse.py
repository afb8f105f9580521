"""Launch test 18, discount code abuse: a code used again after its use, two codes stacked, a
code that has expired, and a cart dropped below the code's minimum after the code was
accepted: each is refused with a message saying why, and nothing is ordered with it. A code
applies at most once to an order (one redemption per order, a database constraint)
(oscar #3216, #4580)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apothecary.checkout.models import DiscountCode, DiscountRedemption
from apothecary.orders.models import Order
from tests.launch.shop import Shopper, only_zone, page_text
from tests.store import make_discount, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    return make_product(variants=((30, "19.95", 1, 50),)).variants.get()


@pytest.fixture
def rate():
    return only_zone(price="5.00")


def refused(response, message):
    assert response.status_code == 400
    assert message in page_text(response)


def test_a_code_used_once_per_customer_is_refused_the_second_time(variant, rate):
    make_discount(code="WELCOME", per_email_limit=1)
    first = Shopper(1, email="ada@example.com")
    assert first.place(first.ready(rate, (variant, 1), discount_code="WELCOME")).status_code == 302

    again = Shopper(2, email="ADA@example.com")  # the same customer, another session
    again.add(variant, 1)

    refused(
        again.details(rate, discount_code="WELCOME"), "You have already used the code “WELCOME”."
    )
    assert Order.objects.filter(discount_code="WELCOME").count() == 1


def test_a_code_used_up_by_others_is_refused(variant, rate):
    make_discount(code="ONCE", usage_limit=1)
    first = Shopper(1)
    assert first.place(first.ready(rate, (variant, 1), discount_code="ONCE")).status_code == 302
    late = Shopper(2)
    late.add(variant, 1)

    refused(late.details(rate, discount_code="ONCE"), "The code “ONCE” has been used up.")


@pytest.mark.parametrize("codes", ["SAVE10 FIVE", "SAVE10,FIVE", "SAVE10+FIVE"])
def test_two_codes_in_the_field_are_refused(variant, rate, codes):
    make_discount(code="SAVE10", value="10")
    make_discount(code="FIVE", kind="fixed", value="5")
    shopper = Shopper(1)
    shopper.add(variant, 2)

    refused(shopper.details(rate, discount_code=codes), f"The code “{codes}” is not valid.")


def test_two_code_fields_posted_apply_one_code_once(variant, rate):
    make_discount(code="SAVE10", value="10")
    make_discount(code="FIVE", kind="fixed", value="5")
    shopper = Shopper(1)
    shopper.add(variant, 2)

    response = shopper.details(rate, discount_code=["SAVE10", "FIVE"])
    assert response.status_code == 302
    placed = shopper.place(shopper.review_key())

    assert placed.status_code == 302
    order = Order.objects.get(email=shopper.email)
    assert order.discount_code == "FIVE"  # the last value of the field, alone
    assert order.discount_amount == Decimal("5.00")
    assert order.total == Decimal("39.90") - Decimal("5.00") + Decimal("5.00")
    assert DiscountRedemption.objects.filter(order=order).count() == 1
    assert DiscountCode.objects.get(code="SAVE10").times_used == 0


def test_an_expired_code_is_refused(variant, rate):
    make_discount(code="SUMMER", ends_at=timezone.now() - timedelta(minutes=1))
    shopper = Shopper(1)
    shopper.add(variant, 1)

    refused(shopper.details(rate, discount_code="SUMMER"), "The code “SUMMER” has expired.")


def test_dropping_the_cart_below_the_code_s_minimum_after_applying_it_orders_nothing(variant, rate):
    make_discount(code="BIG", kind="fixed", value="10", min_subtotal=Decimal("30.00"))
    shopper = Shopper(1)
    key = shopper.ready(rate, (variant, 2), discount_code="BIG")  # 39.90: the code applies
    assert shopper.client.post("/cart/", {f"quantity-{variant.pk}": "1"}).status_code == 302

    review = shopper.client.get("/checkout/review/", follow=True)
    placed = shopper.place(key)

    assert "Something changed since you entered your details: check them." in page_text(review)
    assert "The code “BIG” needs an order of at least $30.00." in page_text(review)
    refused(placed, "The code “BIG” needs an order of at least $30.00.")
    assert not Order.objects.filter(email=shopper.email).exists()
    assert DiscountCode.objects.get(code="BIG").times_used == 0


def test_a_code_is_redeemed_at_most_once_per_order(variant, rate):
    make_discount(code="SAVE10", value="10")
    shopper = Shopper(1)
    key = shopper.ready(rate, (variant, 2), discount_code="SAVE10")
    shopper.place(key)
    shopper.place(key)  # a double submit finds the order placed
    order = Order.objects.get(email=shopper.email)

    assert order.discount_amount == Decimal("3.99")  # 10% of 39.90, once
    assert DiscountCode.objects.get(code="SAVE10").times_used == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscountRedemption.objects.create(
            code=DiscountCode.objects.get(code="SAVE10"), email="x@example.com", order=order
        )
