"""Orders paid and refunded at the same moment, on PostgreSQL's row locks: the invoice and
credit note numbers come out without a gap or a repeat. SQLite serialises writers instead of
locking rows, so these run in CI's PostgreSQL pass (like tests/orders/test_concurrency.py)."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from payments import PaymentStatus

from apothecary.invoices.models import CreditNote, Invoice
from apothecary.invoices.services import invoice_issue
from apothecary.orders.models import Order
from apothecary.orders.refunds import order_refund
from apothecary.payments.services import payment_start
from tests.orders.test_concurrency import run_concurrently
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row-lock concurrency is tested on PostgreSQL (CI's second pass)",
    ),
]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


def unpaid_orders(count):
    variant = make_product(variants=((30, "19.95", 1, None),)).variants.get()
    rate = make_zone()
    return [
        place_order(cart=make_cart((variant, 1)), rate=rate, email=f"buyer{n}@example.com")
        for n in range(count)
    ]


def assert_gapless(numbers, start):
    assert sorted(numbers) == list(range(start + 1, start + 1 + len(numbers)))


def test_twenty_payments_at_once_take_twenty_consecutive_invoice_numbers():
    orders = unpaid_orders(20)
    payments = [payment_start(order=order) for order in orders]
    start = max(Invoice.objects.values_list("number", flat=True), default=0)

    run_concurrently(20, lambda n: payments[n].change_status(PaymentStatus.CONFIRMED))

    numbers = list(Invoice.objects.filter(order__in=orders).values_list("number", flat=True))
    assert len(numbers) == 20
    assert_gapless(numbers, start)


def test_one_order_issued_by_ten_callers_at_once_has_one_invoice_and_takes_one_number():
    (order,) = unpaid_orders(1)
    Order.objects.filter(pk=order.pk).update(status="paid")
    start = max(Invoice.objects.values_list("number", flat=True), default=0)

    results = run_concurrently(10, lambda n: invoice_issue(order=order).number)

    assert set(results) == {start + 1}
    assert Invoice.objects.filter(order=order).count() == 1
    (second,) = unpaid_orders(1)
    payment_start(order=second).change_status(PaymentStatus.CONFIRMED)
    assert Invoice.objects.get(order=second).number == start + 2


def test_payments_that_fail_after_their_invoice_leave_no_gap():
    orders = unpaid_orders(10)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(status="paid")
    start = max(Invoice.objects.values_list("number", flat=True), default=0)

    def pay(n):
        try:
            with transaction.atomic():
                invoice_issue(order=orders[n])
                if n % 3 == 0:
                    raise RuntimeError("the payment failed after its invoice")
        except RuntimeError:
            return None

    run_concurrently(10, pay)

    numbers = list(Invoice.objects.filter(order__in=orders).values_list("number", flat=True))
    assert len(numbers) == 6  # 0, 3, 6, 9 rolled back
    assert_gapless(numbers, start)


def test_refunds_at_once_take_consecutive_credit_note_numbers():
    orders = unpaid_orders(12)
    for order in orders:
        payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
    start = max(CreditNote.objects.values_list("number", flat=True), default=0)

    run_concurrently(12, lambda n: order_refund(order=orders[n], amount=Decimal("1.00")))

    numbers = list(
        CreditNote.objects.filter(refund__order__in=orders).values_list("number", flat=True)
    )
    assert len(numbers) == 12
    assert_gapless(numbers, start)
