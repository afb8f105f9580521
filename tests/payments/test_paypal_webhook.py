"""PayPal's webhook (/payments/webhooks/paypal/): each event verified with PayPal's
verify-webhook-signature, then applied once. A refund made at PayPal is written in the ledger
once (ours, told back, is recognised); a capture for another amount flags the order; PayPal
unreachable answers 503 so that PayPal retries; without PAYPAL_WEBHOOK_ID nothing is taken."""

from decimal import Decimal

import pytest
import requests
from django.core.checks import run_checks
from django.test import Client

from apothecary.orders.models import AttentionReason, OrderStatus
from apothecary.orders.refunds import order_refund
from apothecary.payments.models import Payment, WebhookEvent
from tests.launch.shop import (
    deliver_paypal,
    paypal_api,  # noqa: F401 - a fixture
    paypal_event,
)
from tests.payments.test_paypal import PAYMENT_ID, choose_paypal, paypal_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(order, paypal_api):  # noqa: F811
    """The order paid with PayPal (approved, returned, executed)."""
    client = Client()
    assert choose_paypal(client, order).status_code == 302
    payment = Payment.objects.get(order=order, variant="paypal")
    assert paypal_return(client, payment).status_code == 302
    payment.refresh_from_db()
    assert payment.status == "confirmed"
    return payment


def sale_refunded(event_id="WH-R1", refund_id="8TESTREFUND98765", total="10.00"):
    return paypal_event(
        event_id,
        "PAYMENT.SALE.REFUNDED",
        id=refund_id,
        state="completed",
        amount={"total": total, "currency": "USD"},
        sale_id="5TEST0SALE1234567",
        parent_payment=PAYMENT_ID,
    )


def test_a_refund_made_at_paypal_is_recorded_once_and_flags_the_order(paid):
    client = Client()

    answers = [deliver_paypal(client, sale_refunded()) for _ in range(2)]

    assert [a.json()["status"] for a in answers] == ["recorded", "already processed"]
    order = paid.order
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.PARTIALLY_REFUNDED, Decimal("10"))
    assert list(order.refunds.values_list("provider_reference", flat=True)) == [
        "paypal:8TESTREFUND98765"
    ]
    assert order.attention_reason == AttentionReason.REFUND_AT_PROVIDER
    paid.refresh_from_db()
    assert paid.captured_amount == Decimal("34.90")


def test_our_own_refund_told_back_by_paypal_is_not_recorded_twice(paid):
    order_refund(order=paid.order, amount=Decimal("10.00"))  # answered with 8TESTREFUND98765

    answer = deliver_paypal(Client(), sale_refunded())

    assert answer.json() == {"status": "already recorded"}
    assert paid.order.refunds.count() == 1


def test_a_capture_for_another_amount_flags_the_order_and_does_not_pay_it(
    order,
    paypal_api,  # noqa: F811
):
    assert choose_paypal(Client(), order).status_code == 302
    capture = paypal_event(
        "WH-C1",
        "PAYMENT.CAPTURE.COMPLETED",
        id="3TESTCAPTURE",
        status="COMPLETED",
        amount={"value": "4.49", "currency_code": "USD"},
        supplementary_data={"related_ids": {"order_id": PAYMENT_ID}},
    )

    answer = deliver_paypal(Client(), capture)

    assert answer.json() == {"status": "amount mismatch"}
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.attention_reason == AttentionReason.AMOUNT_MISMATCH


def test_paypal_unreachable_answers_503_and_keeps_nothing(
    order,
    paypal_api,  # noqa: F811
    monkeypatch,
):
    def down(*args, **kwargs):
        raise requests.ConnectionError("PayPal is down")

    monkeypatch.setattr(requests, "post", down)

    answer = deliver_paypal(Client(), sale_refunded())

    assert answer.status_code == 503
    assert WebhookEvent.objects.count() == 0


def test_without_a_webhook_id_paypal_events_are_refused_and_the_check_warns(
    order,
    paypal_api,  # noqa: F811
    settings,
):
    settings.PAYPAL_WEBHOOK_ID = ""

    answer = deliver_paypal(Client(), sale_refunded())

    assert answer.status_code == 500
    assert paypal_api.calls == []
    assert "payments.W002" in [m.id for m in run_checks(tags=["security"])]


def test_the_paypal_webhook_takes_only_posts(client, paypal_api):  # noqa: F811
    assert client.get("/payments/webhooks/paypal/").status_code == 405
