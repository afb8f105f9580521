"""Bug 5: a refund made in the Stripe dashboard (`charge.refunded`) never reached the order.
Each refund of the charge is now recorded in the ledger once, and the order flagged."""

import json
import time
from decimal import Decimal

import pytest
import stripe
from django.core import mail
from payments import PaymentStatus

from apothecary.orders.models import AttentionReason, OrderStatus, Refund
from apothecary.orders.refunds import order_refund
from apothecary.payments.models import Payment, WebhookEvent
from apothecary.payments.services import payment_start
from tests.payments.stripe_events import post_webhook, stripe_event, stripe_signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staff_email(settings):
    settings.STAFF_NOTIFICATION_EMAIL = "shop@example.com"


def deliver(client, payload: str):
    return post_webhook(client, payload, **{"Stripe-Signature": stripe_signature(payload)})


def stripe_refund(refund_id, cents, status="succeeded", reason=None):
    return {
        "id": refund_id,
        "object": "refund",
        "amount": cents,
        "charge": "ch_test_1",
        "payment_intent": "pi_test_123",
        "reason": reason,
        "status": status,
    }


def charge_refunded(event_id, refunds, *, payment_intent="pi_test_123", embed=True, **charge):
    """A `charge.refunded` event as Stripe signs it; `embed`: the refunds in the charge (API
    versions before 2022-11-15), else Stripe's API is asked for them."""
    body = {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": "ch_test_1",
                "object": "charge",
                "amount": 4490,
                "amount_refunded": sum(r["amount"] for r in refunds),
                "currency": "usd",
                "payment_intent": payment_intent,
                "metadata": {},
                "refunded": False,
                **(
                    {"refunds": {"object": "list", "data": refunds, "has_more": False}}
                    if embed
                    else {}
                ),
                **charge,
            }
        },
    }
    return json.dumps(body)


@pytest.fixture
def paid(client, order, stripe_settings, django_capture_on_commit_callbacks):
    payment = payment_start(order=order, variant="stripe")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, stripe_event("evt_paid", "checkout.session.completed", payment))
    mail.outbox.clear()
    return Payment.objects.get(pk=payment.pk)


def ledger(order):
    return list(order.refunds.values_list("amount", "provider_reference", "actor_label"))


def test_a_refund_made_in_the_dashboard_is_recorded_and_flags_the_order(
    client, order, paid, django_capture_on_commit_callbacks
):
    payload = charge_refunded("evt_r1", [stripe_refund("re_dash", 1000, reason="duplicate")])

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, payload)
        again = deliver(client, payload)

    assert response.status_code == 200
    assert response.json() == {"status": "recorded 1 refund(s)"}
    assert again.json() == {"status": "already processed"}
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (
        OrderStatus.PARTIALLY_REFUNDED,
        Decimal("10.00"),
    )
    assert ledger(order) == [(Decimal("10.00"), "stripe:re_dash", "Stripe")]
    assert order.refunds.get().reason == "Refunded at Stripe (duplicate)"
    assert order.attention_reason == AttentionReason.REFUND_AT_PROVIDER
    assert "$10.00 (stripe:re_dash)" in order.attention_note
    assert Payment.objects.get(pk=paid.pk).captured_amount == Decimal("34.90")
    subjects = [m.subject for m in mail.outbox]
    assert f"Order {order.number} needs attention: refund made at the provider" in subjects
    assert any("refund" in s and "needs attention" not in s for s in subjects)  # the customer's


def test_our_own_refund_told_back_by_stripe_is_not_recorded_twice(
    client, order, paid, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        stripe.Refund,
        "create",
        lambda **params: stripe.Refund.construct_from(
            stripe_refund("re_ours", params["amount"]), ""
        ),
    )
    order_refund(order=order, amount=Decimal("10.00"))

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, charge_refunded("evt_r1", [stripe_refund("re_ours", 1000)]))

    assert response.json() == {"status": "recorded 0 refund(s)"}
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("10.00")
    assert ledger(order) == [(Decimal("10.00"), "stripe:re_ours", "")]
    assert not order.needs_attention
    assert Payment.objects.get(pk=paid.pk).captured_amount == Decimal("34.90")


def test_a_second_dashboard_refund_records_only_the_new_one_asking_stripe_for_the_list(
    client, order, paid, monkeypatch, django_capture_on_commit_callbacks
):
    deliver(client, charge_refunded("evt_r1", [stripe_refund("re_1", 1000)]))
    asked = []

    def list_refunds(**params):
        asked.append(params)
        refunds = [stripe_refund("re_2", 3490), stripe_refund("re_1", 1000)]
        return stripe.ListObject.construct_from(
            {"object": "list", "data": refunds, "has_more": False, "url": "/v1/refunds"}, ""
        )

    monkeypatch.setattr(stripe.Refund, "list", list_refunds)

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, charge_refunded("evt_r2", [], embed=False))

    assert response.json() == {"status": "recorded 1 refund(s)"}
    assert asked == [{"charge": "ch_test_1", "limit": 100, "api_key": "sk_test_not_a_real_key"}]
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.REFUNDED, Decimal("44.90"))
    assert [r[:2] for r in ledger(order)] == [
        (Decimal("10.00"), "stripe:re_1"),
        (Decimal("34.90"), "stripe:re_2"),
    ]
    payment = Payment.objects.get(pk=paid.pk)
    assert (payment.status, payment.captured_amount) == (PaymentStatus.REFUNDED, Decimal("0"))


def test_stripe_unreachable_for_the_list_answers_503_and_applies_nothing(
    client, order, paid, monkeypatch
):
    def down(**params):
        raise stripe.APIConnectionError("Network down")

    monkeypatch.setattr(stripe.Refund, "list", down)

    response = deliver(client, charge_refunded("evt_r1", [], embed=False))

    assert response.status_code == 503
    assert not WebhookEvent.objects.filter(event_id="evt_r1").exists()  # Stripe retries it
    assert Refund.objects.count() == 0


def test_a_failed_refund_and_a_charge_we_do_not_know_change_nothing(client, order, paid):
    failed = deliver(client, charge_refunded("evt_r1", [stripe_refund("re_x", 1000, "failed")]))
    unknown = deliver(
        client, charge_refunded("evt_r2", [stripe_refund("re_y", 1000)], payment_intent="pi_other")
    )

    assert failed.json() == {"status": "recorded 0 refund(s)"}
    assert unknown.json() == {"status": "no such payment"}
    order.refresh_from_db()
    assert (order.refunded_amount, order.needs_attention) == (Decimal("0"), False)


def test_more_than_what_is_left_is_not_recorded_but_flags_the_order(client, order, paid):
    response = deliver(client, charge_refunded("evt_r1", [stripe_refund("re_big", 5000)]))

    assert response.json() == {"status": "recorded 0 refund(s), 1 refused"}
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("0")
    assert order.attention_reason == AttentionReason.REFUND_AT_PROVIDER
    assert "$50.00 (stripe:re_big) not recorded: At most $44.90" in order.attention_note


def test_a_forged_refund_event_is_refused(client, order, paid):
    payload = charge_refunded("evt_r1", [stripe_refund("re_forged", 4490)])

    response = post_webhook(
        client, payload, **{"Stripe-Signature": stripe_signature(payload, secret="whsec_other")}
    )

    assert response.status_code == 400
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("0")
