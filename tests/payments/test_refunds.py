import re
from decimal import Decimal

import pytest
from django.core import mail
from payments import PaymentStatus

from apothecary.accounts.models import User
from apothecary.orders.models import OrderStatus
from apothecary.orders.refunds import RefundError, order_refund
from apothecary.orders.services import order_ship
from apothecary.payments.services import payment_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(order):
    """The 44.90 order, paid through the dummy provider."""
    payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def refund_subjects() -> list[str]:
    return [m.subject for m in mail.outbox if "refund" in m.subject]


def test_a_partial_then_a_full_refund_go_through_the_provider_and_sum_up(
    paid_order, django_capture_on_commit_callbacks
):
    manager = User.objects.create_user(email="manager@example.com", password="x-long-password")

    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=paid_order, amount=Decimal("10.00"), actor=manager)
    after_first = paid_order

    assert (after_first.status, after_first.refunded_amount) == (
        OrderStatus.PARTIALLY_REFUNDED,
        Decimal("10.00"),
    )
    assert after_first.refundable_amount == Decimal("34.90")
    payment = paid_order.payments.get()
    assert (payment.status, payment.captured_amount) == ("confirmed", Decimal("34.90"))

    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=paid_order, amount=Decimal("34.90"))
    after_second = paid_order

    assert (after_second.status, after_second.refunded_amount) == (
        OrderStatus.REFUNDED,
        Decimal("44.90"),
    )
    payment.refresh_from_db()
    assert (payment.status, payment.captured_amount) == ("refunded", Decimal("0.00"))
    events = list(paid_order.events.order_by("pk").values_list("to_status", "message", "actor"))
    assert events[-2:] == [
        ("partially_refunded", "Refunded $10.00: Goodwill", manager.pk),
        ("refunded", "Refunded $34.90: Goodwill", None),
    ]
    number = paid_order.number
    assert refund_subjects() == [f"B12 Patch: A refund for order {number}"] * 2


def test_a_shipped_order_can_be_refunded_in_full_at_once(paid_order):
    order_ship(order=paid_order, carrier="USPS", tracking_number="9400")

    order_refund(order=paid_order, amount=Decimal("44.90"))
    refunded = paid_order

    assert (refunded.status, refunded.refunded_amount) == (OrderStatus.REFUNDED, Decimal("44.90"))


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("44.91", "At most $44.90 can be refunded"),
        ("0", "A refund must be more than zero."),
        ("-5", "A refund must be more than zero."),
    ],
)
def test_a_refund_outside_what_was_paid_is_refused_and_changes_nothing(paid_order, amount, message):
    with pytest.raises(RefundError, match=re.escape(message)):
        order_refund(order=paid_order, amount=Decimal(amount))

    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.refunded_amount) == (OrderStatus.PAID, Decimal("0"))
    payment = paid_order.payments.get()
    assert (payment.status, payment.captured_amount) == ("confirmed", Decimal("44.90"))
    assert list(paid_order.events.values_list("to_status", flat=True)) == [
        "pending_payment",
        "paid",
    ]


def test_more_than_what_is_left_after_a_partial_refund_is_refused(paid_order):
    order_refund(order=paid_order, amount=Decimal("40.00"))

    with pytest.raises(RefundError, match=re.escape("At most $4.90 can be refunded")):
        order_refund(order=paid_order, amount=Decimal("5.00"))

    paid_order.refresh_from_db()
    assert paid_order.refunded_amount == Decimal("40.00")
    assert paid_order.payments.get().captured_amount == Decimal("4.90")


def test_a_fully_refunded_order_cannot_be_refunded_again(paid_order):
    order_refund(order=paid_order, amount=Decimal("44.90"))

    with pytest.raises(RefundError, match="is refunded: there is no payment to refund"):
        order_refund(order=paid_order, amount=Decimal("1.00"))


def test_an_unpaid_order_cannot_be_refunded(order):
    payment_start(order=order)

    with pytest.raises(RefundError, match="is pending payment: there is no payment to refund"):
        order_refund(order=order, amount=Decimal("1.00"))

    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.PENDING_PAYMENT, Decimal("0"))
    assert order.payments.get().status == "waiting"
