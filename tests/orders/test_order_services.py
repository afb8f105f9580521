from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from apothecary.catalog.models import Variant
from apothecary.checkout.services import CheckoutError, DiscountError, SoldOut
from apothecary.core.machines import InvalidTransition
from apothecary.orders.models import ALLOWED_TRANSITIONS, Order, OrderEvent, OrderStatus
from apothecary.orders.services import (
    order_cancel,
    order_deliver,
    order_mark_paid,
    order_ship,
    order_transition,
    release_expired_orders,
)
from tests.store import make_cart, make_discount, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    return make_product(variants=((30, "19.95", 1, 10),)).variants.get()


@pytest.fixture
def rate():
    return make_zone(countries="US", tax_rate="5", price="4.95", free_above="100")


def test_placing_an_order_snapshots_the_lines_takes_stock_and_empties_the_cart(
    variant, rate, django_capture_on_commit_callbacks
):
    cart = make_cart((variant, 2))

    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(cart=cart, rate=rate)

    line = order.lines.get()
    assert (line.product_title, line.sku, line.unit_price, line.quantity, line.line_total) == (
        variant.product.title,
        variant.sku,
        Decimal("19.95"),
        2,
        Decimal("39.90"),
    )
    assert (order.subtotal, order.shipping_amount, order.tax_amount, order.total) == (
        Decimal("39.90"),
        Decimal("4.95"),
        Decimal("2.24"),
        Decimal("47.09"),
    )
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert Variant.objects.get(pk=variant.pk).stock == 8
    assert cart.lines.count() == 0
    assert [m.subject for m in mail.outbox] == [f"B12 Patch: We have your order {order.number}"]
    assert order.number in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_a_later_price_change_does_not_touch_the_order(variant, rate):
    order = place_order(cart=make_cart((variant, 1)), rate=rate)

    Variant.objects.filter(pk=variant.pk).update(price=Decimal("99.00"))

    order.refresh_from_db()
    assert order.lines.get().unit_price == Decimal("19.95")
    assert order.subtotal == Decimal("19.95")


def test_the_same_idempotency_key_makes_one_order(variant, rate):
    first = place_order(cart=make_cart((variant, 1)), rate=rate, key="same-key")
    second = place_order(cart=make_cart((variant, 1)), rate=rate, key="same-key")

    assert first.pk == second.pk
    assert Order.objects.filter(idempotency_key="same-key").count() == 1
    assert Variant.objects.get(pk=variant.pk).stock == 9


def test_more_than_the_stock_is_refused_and_nothing_changes(variant, rate):
    cart = make_cart((variant, 11))

    with pytest.raises(SoldOut):
        place_order(cart=cart, rate=rate)

    assert Order.objects.filter(email="ada@example.com").count() == 0
    assert Variant.objects.get(pk=variant.pk).stock == 10
    assert cart.lines.get().quantity == 11


def test_an_inactive_pack_is_refused(variant, rate):
    Variant.objects.filter(pk=variant.pk).update(active=False)

    with pytest.raises(SoldOut, match="no longer sold"):
        place_order(cart=make_cart((variant, 1)), rate=rate)


def test_an_empty_cart_is_refused(rate):
    with pytest.raises(CheckoutError, match="empty"):
        place_order(cart=make_cart(), rate=rate)


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"active": False}, "not valid"),
        ({"ends_at": timezone.now() - timedelta(days=1)}, "expired"),
        ({"starts_at": timezone.now() + timedelta(days=1)}, "not valid yet"),
        ({"usage_limit": 0}, "used up"),
        ({"min_subtotal": Decimal("100")}, "at least"),
    ],
)
def test_unusable_discount_codes_say_why(variant, rate, fields, message):
    make_discount(code="TRYME", **fields)

    with pytest.raises(DiscountError, match=message):
        place_order(cart=make_cart((variant, 1)), rate=rate, discount_code="tryme")
    assert Variant.objects.get(pk=variant.pk).stock == 10


def test_a_discount_is_applied_and_counted_and_limited_per_email(variant, rate):
    code = make_discount(code="ONCE", kind="fixed", value="5", per_email_limit=1)

    order = place_order(cart=make_cart((variant, 1)), rate=rate, discount_code=" once ")

    assert (order.discount_code, order.discount_amount) == ("ONCE", Decimal("5.00"))
    code.refresh_from_db()
    assert code.times_used == 1
    with pytest.raises(DiscountError, match="already used"):
        place_order(
            cart=make_cart((variant, 1)), rate=rate, discount_code="ONCE", email="ADA@example.com"
        )


def test_every_status_change_is_in_the_history_with_who(variant, rate, admin_user):
    order = place_order(cart=make_cart((variant, 1)), rate=rate)

    order_mark_paid(order=order)
    order_ship(order=order, carrier="USPS", tracking_number="9400", actor=admin_user)
    order_deliver(order=order, actor=admin_user)

    events = list(order.events.values_list("from_status", "to_status", "actor_id", "actor_label"))
    assert events == [
        ("", "pending_payment", None, "customer"),
        ("pending_payment", "paid", None, "payment provider"),
        ("paid", "shipped", admin_user.pk, ""),
        ("shipped", "delivered", admin_user.pk, ""),
    ]
    assert order.paid_at and order.shipped_at and order.delivered_at


@pytest.mark.parametrize(
    "start,target",
    [
        (start, target)
        for start in OrderStatus.values
        for target in OrderStatus.values
        if target not in ALLOWED_TRANSITIONS[start]
    ],
)
def test_moves_outside_the_table_are_refused(variant, rate, start, target):
    order = place_order(cart=make_cart((variant, 1)), rate=rate)
    Order.objects.filter(pk=order.pk).update(status=start)
    events = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(InvalidTransition):
        order_transition(order=order, to=target)

    assert Order.objects.get(pk=order.pk).status == start
    assert OrderEvent.objects.filter(order=order).count() == events


def test_marking_paid_twice_changes_the_order_once(
    variant, rate, django_capture_on_commit_callbacks
):
    order = place_order(cart=make_cart((variant, 1)), rate=rate)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order)
        order_mark_paid(order=Order.objects.get(pk=order.pk))

    assert order.events.filter(to_status="paid").count() == 1
    assert [m.subject for m in mail.outbox] == [
        f"B12 Patch: Payment received for order {order.number}"
    ]


def test_cancelling_puts_the_stock_back_once(variant, rate):
    order = place_order(cart=make_cart((variant, 3)), rate=rate)
    assert Variant.objects.get(pk=variant.pk).stock == 7

    order_cancel(order=order, reason="Changed my mind")

    assert Variant.objects.get(pk=variant.pk).stock == 10
    with pytest.raises(InvalidTransition):
        order_cancel(order=order)
    assert Variant.objects.get(pk=variant.pk).stock == 10


def test_unpaid_orders_expire_and_release_their_stock(variant, rate):
    old = place_order(cart=make_cart((variant, 2)), rate=rate)
    paid = place_order(cart=make_cart((variant, 1)), rate=rate)
    order_mark_paid(order=paid)
    recent = place_order(cart=make_cart((variant, 1)), rate=rate)
    Order.objects.filter(pk__in=[old.pk, paid.pk]).update(
        created_at=timezone.now() - timedelta(hours=3)
    )

    assert release_expired_orders() == 1

    statuses = dict(
        Order.objects.filter(pk__in=[old.pk, paid.pk, recent.pk]).values_list("pk", "status")
    )
    assert statuses == {old.pk: "cancelled", paid.pk: "paid", recent.pk: "pending_payment"}
    assert Variant.objects.get(pk=variant.pk).stock == 8


def test_order_numbers_are_not_sequential(variant, rate):
    numbers = [place_order(cart=make_cart((variant, 1)), rate=rate).number for _ in range(5)]

    assert len(set(numbers)) == 5
    assert all(len(n) == 8 and n.isalnum() for n in numbers)
    assert sorted(numbers) != numbers or sorted(numbers, reverse=True) != numbers


def test_a_full_refund_before_shipping_puts_the_stock_back(variant, rate):
    order = place_order(cart=make_cart((variant, 2)), rate=rate)
    order_mark_paid(order=order)

    order_transition(order=order, to=OrderStatus.REFUNDED, refunded_amount=order.total)

    assert Variant.objects.get(pk=variant.pk).stock == 10


def test_a_refund_after_shipping_keeps_the_stock_as_it_is(variant, rate):
    order = place_order(cart=make_cart((variant, 2)), rate=rate)
    order_mark_paid(order=order)
    order_ship(order=order, carrier="USPS", tracking_number="1")

    order_transition(order=order, to=OrderStatus.REFUNDED, refunded_amount=order.total)

    assert Variant.objects.get(pk=variant.pk).stock == 8


def test_a_partly_refunded_order_is_shipped_once_and_delivered_after_shipping(variant, rate):
    order = place_order(cart=make_cart((variant, 2)), rate=rate)
    order_mark_paid(order=order)
    order_transition(
        order=order, to=OrderStatus.PARTIALLY_REFUNDED, refunded_amount=Decimal("1.00")
    )

    with pytest.raises(InvalidTransition, match="must be shipped"):
        order_deliver(order=order)
    order_ship(order=order, carrier="USPS", tracking_number="1")
    order_transition(
        order=order, to=OrderStatus.PARTIALLY_REFUNDED, refunded_amount=Decimal("2.00")
    )
    with pytest.raises(InvalidTransition, match="already been shipped"):
        order_ship(order=order, carrier="USPS", tracking_number="2")
    delivered = order_deliver(order=order)
    # The partial refund stays in the status; where the parcel is shows beside it.
    assert delivered.status == OrderStatus.PARTIALLY_REFUNDED
    assert delivered.delivered_at is not None
    assert delivered.fulfilment_label == "Delivered"
