"""Bug 5: a payment confirmed for a cancelled order, a session paid for another amount and a
second payment of one order were only logged. Each now flags the order for attention and
emails the staff; a surplus payment is refunded through its provider, once, when the setting
allows."""

from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.core import mail
from django.utils import timezone
from payments import PaymentStatus

from apothecary.orders.models import AttentionReason, Order, OrderStatus
from apothecary.orders.refunds import order_refund
from apothecary.orders.services import order_cancel, release_expired_orders
from apothecary.payments.models import Payment
from apothecary.payments.services import payment_refund_surplus, payment_start
from tests.payments.stripe_events import post_webhook, stripe_event, stripe_signature

pytestmark = pytest.mark.django_db

COMPLETED = "checkout.session.completed"


@pytest.fixture(autouse=True)
def staff_email(settings):
    settings.STAFF_NOTIFICATION_EMAIL = "shop@example.com"


def deliver(client, payload: str):
    return post_webhook(client, payload, **{"Stripe-Signature": stripe_signature(payload)})


def attention_subjects():
    return [m.subject for m in mail.outbox if "needs attention" in m.subject]


def fresh(payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)


def history(order) -> list[str]:
    return list(order.events.values_list("message", flat=True))


def late_payment(order) -> Payment:
    """The order's dummy payment, started before the order was cancelled for being late."""
    payment = fresh(payment_start(order=order))
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert release_expired_orders() == 1
    return payment


def test_a_payment_confirmed_after_the_order_was_cancelled_flags_it(
    order, django_capture_on_commit_callbacks
):
    payment = late_payment(order)

    with django_capture_on_commit_callbacks(execute=True):
        payment.change_status(PaymentStatus.CONFIRMED)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.needs_attention
    assert order.attention_reason == AttentionReason.PAID_AFTER_CANCELLATION
    assert "took $44.90, but the order was cancelled before" in order.attention_note
    assert "PAYMENTS_AUTO_REFUND_SURPLUS is off" in order.attention_note
    assert attention_subjects() == [
        f"Order {order.number} needs attention: paid after cancellation"
    ]
    payment = fresh(payment)
    assert (payment.status, payment.surplus_reason) == ("confirmed", "paid_after_cancellation")
    # Applied again (a replayed signal): one flag, one email.
    with django_capture_on_commit_callbacks(execute=True):
        payment.change_status(PaymentStatus.CONFIRMED)
    assert len(attention_subjects()) == 1
    assert sum("Needs attention" in m for m in history(order)) == 1


def test_with_the_setting_a_payment_after_cancellation_is_refunded_once(
    order, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_AUTO_REFUND_SURPLUS = True
    payment = late_payment(order)

    with django_capture_on_commit_callbacks(execute=True):
        payment.change_status(PaymentStatus.CONFIRMED)

    payment = fresh(payment)
    assert (payment.status, payment.captured_amount) == ("refunded", Decimal("0"))
    order.refresh_from_db()
    assert order.needs_attention  # a person still tells the customer
    assert "It is being refunded automatically." in order.attention_note
    assert f"Surplus payment {payment.pk} refunded automatically: $44.90." in history(order)
    assert order.refunds.count() == 0  # the order's ledger: nothing was the order's money
    assert payment_refund_surplus(payment_id=payment.pk) == "nothing to refund"


def test_a_second_payment_of_a_paid_order_flags_it_and_is_not_used_by_the_ledger(
    order, stripe_settings, django_capture_on_commit_callbacks
):
    replaced = fresh(payment_start(order=order))
    current = payment_start(order=order, variant="stripe")  # the dummy one is cancelled
    current.attrs.session = {"payment_intent": "pi_current"}
    current.save()
    current.change_status(PaymentStatus.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=True):
        replaced.change_status(PaymentStatus.CONFIRMED)  # e.g. its page was still open

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.attention_reason == AttentionReason.DUPLICATE_PAYMENT
    assert f"Payment {replaced.pk} (dummy" in order.attention_note
    assert attention_subjects() == [f"Order {order.number} needs attention: duplicate payment"]
    assert fresh(replaced).surplus_reason == "duplicate_payment"
    assert fresh(current).surplus_reason == ""
    # The first payment, applied again, is still the order's own: no second flag.
    with django_capture_on_commit_callbacks(execute=True):
        fresh(current).change_status(PaymentStatus.CONFIRMED)
    assert len(attention_subjects()) == 1


def test_a_ledger_refund_goes_through_the_payment_that_paid_not_the_surplus_one(order):
    surplus = fresh(payment_start(order=order))
    surplus.change_status(PaymentStatus.CANCELLED)
    paying = fresh(payment_start(order=order))
    paying.change_status(PaymentStatus.CONFIRMED)
    surplus.change_status(PaymentStatus.CONFIRMED)

    order_refund(order=order, amount=Decimal("10.00"))

    assert fresh(paying).captured_amount == Decimal("34.90")
    assert fresh(surplus).captured_amount == Decimal("44.90")


@pytest.fixture
def two_stripe_payments(order, stripe_settings):
    """An old Stripe payment whose session was left open, and the one that replaced it."""
    old = payment_start(order=order, variant="stripe")
    old.change_status(PaymentStatus.CANCELLED)
    new = payment_start(order=order, variant="stripe")
    return old, new


def test_with_the_setting_a_second_stripe_payment_is_refunded_through_stripe_once(
    client, order, two_stripe_payments, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_AUTO_REFUND_SURPLUS = True
    old, new = two_stripe_payments
    calls = []

    def create_refund(**params):
        calls.append(params)
        return stripe.Refund.construct_from({"id": "re_surplus", "amount": params["amount"]}, "")

    monkeypatch.setattr(stripe.Refund, "create", create_refund)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, stripe_event("evt_1", COMPLETED, new, id="cs_new", payment_intent="pi_n"))
        second = stripe_event("evt_2", COMPLETED, old, id="cs_old", payment_intent="pi_old")
        deliver(client, second)
        deliver(client, second)  # Stripe retries

    assert [(c["payment_intent"], c["amount"]) for c in calls] == [("pi_old", 4490)]
    assert calls[0]["idempotency_key"] == f"refund-{old.token}-4490-4490"
    old, new = fresh(old), fresh(new)
    assert (old.status, old.captured_amount) == ("refunded", Decimal("0"))
    assert (new.status, new.captured_amount) == ("confirmed", Decimal("44.90"))
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.PAID, Decimal("0"))
    assert order.attention_reason == AttentionReason.DUPLICATE_PAYMENT
    assert f"Surplus payment {old.pk} refunded automatically: $44.90 (stripe:re_surplus)" in (
        history(order)
    )
    assert len(attention_subjects()) == 1


def test_a_failed_automatic_refund_is_noted_and_the_order_stays_flagged(
    client, order, two_stripe_payments, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_AUTO_REFUND_SURPLUS = True
    old, new = two_stripe_payments

    def refuse(**params):
        raise stripe.InvalidRequestError("Charge already refunded", param="payment_intent")

    monkeypatch.setattr(stripe.Refund, "create", refuse)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, stripe_event("evt_1", COMPLETED, new, id="cs_new", payment_intent="pi_n"))
        deliver(client, stripe_event("evt_2", COMPLETED, old, id="cs_old", payment_intent="pi_o"))

    assert fresh(old).status == "confirmed"
    order.refresh_from_db()
    assert order.needs_attention
    assert any(
        m.startswith(f"The automatic refund of payment {old.pk} failed: Charge already refunded")
        for m in history(order)
    )


def test_a_session_paid_for_another_amount_flags_the_order_which_then_is_not_auto_cancelled(
    client, order, stripe_settings, django_capture_on_commit_callbacks
):
    payment = payment_start(order=order, variant="stripe")

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(
            client, stripe_event("evt_1", COMPLETED, payment, amount_total=100, currency="eur")
        )

    assert response.json() == {"status": "amount mismatch"}
    order.refresh_from_db()
    assert (order.status, order.attention_reason) == (
        OrderStatus.PENDING_PAYMENT,
        AttentionReason.AMOUNT_MISMATCH,
    )
    assert "cs_test_a1b2c3" in order.attention_note
    assert "paid 100 EUR" in order.attention_note and "for $44.90" in order.attention_note
    assert attention_subjects() == [f"Order {order.number} needs attention: amount mismatch"]

    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert release_expired_orders() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_cancelling_by_hand_and_then_a_payment_flags_too(order, django_capture_on_commit_callbacks):
    payment = fresh(payment_start(order=order))
    order_cancel(order=order, reason="Customer asked")

    with django_capture_on_commit_callbacks(execute=True):
        payment.change_status(PaymentStatus.CONFIRMED)

    order.refresh_from_db()
    assert order.attention_reason == AttentionReason.PAID_AFTER_CANCELLATION
