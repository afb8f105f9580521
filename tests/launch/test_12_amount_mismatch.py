"""Launch test 12, amount mismatch: Stripe says a session was paid, but for another amount or
currency than the order's total worked out on the server (a session made before a price
change, a tampered session). The order is not paid and nothing is fulfilled; it is flagged,
the staff are emailed, and the history records the manual review asked for; the order then
waits for a person (it is not released for being late), however often the event comes
(Saleor's _finalize_checkout)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apothecary.orders.models import AttentionReason, Order, OrderStatus
from apothecary.orders.services import release_expired_orders
from apothecary.payments.models import Payment
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    completed,
    deliver,
    only_zone,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.store import as_buyer, make_cart, make_product, place_order

pytestmark = pytest.mark.django_db

MISMATCHES = {
    "a lower amount": {"amount_total": 100},
    "a higher amount": {"amount_total": 4491},
    "another currency": {"currency": "eur"},
    "a zero amount": {"amount_total": 0},
}


@pytest.mark.parametrize("mismatch", sorted(MISMATCHES))
def test_a_session_paid_for_another_amount_flags_the_order_for_review_and_does_not_fulfil(
    settings,
    stripe_api,  # noqa: F811
    mismatch,
    django_capture_on_commit_callbacks,
):
    settings.STAFF_NOTIFICATION_EMAIL = "shop@example.com"
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    order = place_order(cart=make_cart((variant, 2)), rate=only_zone(price="5.00"))
    before = stock_before()
    as_buyer(Client(), order).get(reverse("payments:pay", args=[order.token]))
    payment = Payment.objects.get(order=order)
    payload = completed(payment, "evt_mismatch", **MISMATCHES[mismatch])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(Client(), payload).json() for _ in range(2)]

    assert answers == [{"status": "amount mismatch"}, {"status": "already processed"}]
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT  # not paid: nothing is fulfilled
    assert payment.status == "waiting"
    assert order.needs_attention
    assert order.attention_reason == AttentionReason.AMOUNT_MISMATCH
    assert "payment" in order.attention_note and "$44.90" in order.attention_note
    review = order.events.filter(message__startswith="Needs attention: Amount mismatch")
    assert review.count() == 1
    assert [m.subject for m in mail.outbox] == [
        f"Order {order.number} needs attention: amount mismatch"
    ]
    # A person decides: the order is not cancelled for being late meanwhile.
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=1))
    assert release_expired_orders() == 0
    check_invariants(before)
