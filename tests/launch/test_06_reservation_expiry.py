"""Launch test 6, reservation expiry: an unpaid order holds its units for the payment window
(ORDER_PAYMENT_WINDOW_MINUTES, 15 by default, well inside Stripe's 24 h; its Checkout Session
expires with it, never sooner than Stripe's 30 minutes), then release_expired_orders cancels it
and puts them back. When Stripe then says the expired order's session was paid after all, and
its units were sold to someone else: nothing is oversold, the order is flagged, and the money
is refunded exactly once (PAYMENTS_AUTO_REFUND_SURPLUS), however often the event comes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apothecary.catalog.models import Variant
from apothecary.orders.models import AttentionReason, Order, OrderStatus
from apothecary.orders.services import release_expired_orders
from apothecary.payments.models import Payment
from apothecary.payments.services import payment_refund_surplus
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    PG_ONLY,
    completed,
    deliver,
    only_zone,
    run_concurrently,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.store import as_buyer, make_cart, make_product, place_order


@pytest.fixture
def late(settings, stripe_api):  # noqa: F811
    """An order for the last unit, its Stripe session made, released for being unpaid past
    the window; the unit then sold to another shopper."""
    settings.PAYMENTS_AUTO_REFUND_SURPLUS = True
    settings.STAFF_NOTIFICATION_EMAIL = "shop@example.com"
    variant = make_product(variants=((30, "19.95", 1, 1),)).variants.get()
    rate = only_zone()
    before = stock_before()
    first = place_order(cart=make_cart((variant, 1)), rate=rate, email="first@example.com")
    assert (
        as_buyer(Client(), first).get(reverse("payments:pay", args=[first.token])).status_code
        == 302
    )
    window = settings.ORDER_PAYMENT_WINDOW_MINUTES
    Order.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(minutes=window + 1)
    )
    assert release_expired_orders() == 1
    second = place_order(cart=make_cart((variant, 1)), rate=rate, email="second@example.com")
    assert Variant.objects.get(pk=variant.pk).stock == 0
    return first, second, variant, before


def assert_flagged_and_refunded_once(first, second, variant, stripe_api):  # noqa: F811
    first.refresh_from_db()
    assert first.status == OrderStatus.CANCELLED  # not paid again, its unit not taken again
    assert first.needs_attention
    assert first.attention_reason == AttentionReason.PAID_AFTER_CANCELLATION
    assert "It is being refunded automatically." in first.attention_note
    payment = Payment.objects.get(order=first)
    assert payment.status == "refunded"
    assert len(stripe_api.refunds) == 1
    refund = stripe_api.refunds[0]
    assert (refund["payment_intent"], refund["amount"]) == ("pi_test_123", 2495)
    assert refund["idempotency_key"] == f"refund-{payment.token}-2495-2495"
    assert payment_refund_surplus(payment_id=payment.pk) == "nothing to refund"
    assert len(stripe_api.refunds) == 1
    second.refresh_from_db()
    assert second.status == OrderStatus.PENDING_PAYMENT  # the other shopper keeps the unit
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert not [m for m in mail.outbox if f"Payment received for order {first.number}" in m.subject]


@pytest.mark.django_db
def test_a_session_paid_after_its_order_expired_and_its_unit_sold_is_refunded_once(
    late,
    stripe_api,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    first, second, variant, before = late
    payload = completed(Payment.objects.get(order=first), "evt_late")

    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(Client(), payload) for _ in range(3)]

    assert [a.status_code for a in answers] == [200] * 3
    assert_flagged_and_refunded_once(first, second, variant, stripe_api)
    check_invariants(before)


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_the_late_payment_delivered_twice_at_once_is_refunded_once(
    demo_after_flush,
    late,
    stripe_api,  # noqa: F811
):
    first, second, variant, before = late
    payment = Payment.objects.get(order=first)
    events = [completed(payment, "evt_late"), completed(payment, "evt_late_retry")]

    answers = run_concurrently(2, lambda n: deliver(Client(), events[n]).status_code)

    assert answers == [200, 200]
    assert_flagged_and_refunded_once(first, second, variant, stripe_api)
    check_invariants(before)
