"""Launch test 11, forged or stale webhooks. A Stripe event with a bad signature, signed more
than 300 s ago or more than 300 s in the future, without its signature header, or with one
byte of its body changed, and a PayPal event that PayPal's verify-webhook-signature does not
vouch for: each is refused with a 400, writes nothing to the database, and is logged as a
security event. Without a webhook secret the endpoint answers 500 and the system check
payments.E001 fails (as Saleor does) (ASVS 16.3.3)."""

import json
import logging
import time

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apothecary.orders.models import OrderStatus
from apothecary.payments.models import Payment, WebhookEvent
from tests.launch.shop import (
    PAYPAL_HEADERS,
    PAYPAL_VERIFY_URL,
    completed,
    deliver_paypal,
    only_zone,
    paypal_api,  # noqa: F401 - a fixture
    paypal_event,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.payments.stripe_events import WEBHOOK_SECRET, post_webhook, stripe_signature
from tests.payments.test_paypal import PAYMENT_ID, choose_paypal
from tests.store import as_buyer, make_cart, make_product, place_order

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def order():
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    return place_order(cart=make_cart((variant, 2)), rate=only_zone(price="5.00"))


@pytest.fixture
def payment(order, stripe_api):  # noqa: F811
    as_buyer(Client(), order).get(reverse("payments:pay", args=[order.token]))
    return Payment.objects.get(order=order)


def writes(queries) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]


def security_events(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "apothecary.security"]


def refused_with_nothing_written(caplog, send):
    caplog.set_level(logging.WARNING, logger="apothecary.security")
    with CaptureQueriesContext(connection) as queries:
        response = send()
    assert response.status_code == 400, response.content
    assert writes(queries) == []
    assert WebhookEvent.objects.count() == 0
    assert len(security_events(caplog)) == 1
    return response, security_events(caplog)[0]


def signed(payload, **kwargs) -> dict:
    return {"Stripe-Signature": stripe_signature(payload, **kwargs)}


STRIPE_FORGERIES = {
    "a bad signature": lambda p: (p, signed(p, secret="whsec_forged")),
    "a timestamp older than 300 s": lambda p: (p, signed(p, timestamp=int(time.time()) - 301)),
    "a timestamp 300 s in the future": lambda p: (p, signed(p, timestamp=int(time.time()) + 302)),
    "no signature header": lambda p: (p, {}),
    "one byte of the body changed": lambda p: (p.replace('"paid"', '"paie"', 1), signed(p)),
}


@pytest.mark.parametrize("forgery", sorted(STRIPE_FORGERIES))
def test_a_forged_or_stale_stripe_event_is_refused_and_writes_nothing(
    client, payment, caplog, forgery
):
    body, headers = STRIPE_FORGERIES[forgery](completed(payment, "evt_forged"))

    response, logged = refused_with_nothing_written(
        caplog, lambda: post_webhook(client, body, **headers)
    )

    assert "error" in response.json()
    assert "provider=stripe" in logged
    payment.refresh_from_db()
    assert payment.status == "waiting"
    assert payment.order.status == OrderStatus.PENDING_PAYMENT


def test_an_event_signed_a_minute_ahead_of_our_clock_is_still_taken(client, payment):
    body = completed(payment, "evt_skewed")

    response = post_webhook(client, body, **signed(body, timestamp=int(time.time()) + 60))

    assert (response.status_code, response.json()) == (200, {"status": "confirmed"})


def test_without_a_webhook_secret_the_webhook_answers_500_and_the_check_fails(
    client, payment, settings, caplog
):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = completed(payment, "evt_1")
    caplog.set_level(logging.WARNING, logger="apothecary.security")

    with CaptureQueriesContext(connection) as queries:
        response = post_webhook(client, body, **signed(body))

    assert response.status_code == 500
    assert writes(queries) == []
    assert security_events(caplog)
    errors = [m for m in run_checks(tags=["security"]) if m.id == "payments.E001"]
    assert len(errors) == 1 and errors[0].is_serious()
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    assert not [m for m in run_checks(tags=["security"]) if m.id.startswith("payments.")]


def test_a_stripe_key_without_a_webhook_secret_fails_the_system_check(settings):
    settings.PAYMENT_VARIANTS = {"dummy": ("payments.dummy.DummyProvider", {})}
    settings.STRIPE_SECRET_KEY = "sk_live_not_real"
    settings.STRIPE_WEBHOOK_SECRET = ""

    assert [m.id for m in run_checks(tags=["security"]) if m.id.startswith("payments.")] == [
        "payments.E001"
    ]


@pytest.fixture
def paypal_payment(order, paypal_api):  # noqa: F811
    assert choose_paypal(Client(), order).status_code == 302
    return Payment.objects.get(order=order, variant="paypal")


def sale_completed(event_id="WH-1"):
    return paypal_event(
        event_id,
        "PAYMENT.SALE.COMPLETED",
        id="5TEST0SALE1234567",
        state="completed",
        amount={"total": "44.90", "currency": "USD"},
        parent_payment=PAYMENT_ID,
    )


def test_a_paypal_event_paypal_does_not_verify_is_refused_and_writes_nothing(
    client,
    paypal_payment,
    paypal_api,  # noqa: F811
    caplog,
):
    paypal_api.routes[("POST", PAYPAL_VERIFY_URL)] = (200, {"verification_status": "FAILURE"})

    response, logged = refused_with_nothing_written(
        caplog, lambda: deliver_paypal(client, sale_completed())
    )

    assert response.json() == {"error": "PayPal did not verify the event (FAILURE)."}
    assert "provider=paypal" in logged
    _, url, _, asked = paypal_api.calls[-1]
    assert url == PAYPAL_VERIFY_URL
    assert asked["webhook_id"] == "WH-TEST-0123456789"
    assert asked["transmission_sig"] == PAYPAL_HEADERS["PayPal-Transmission-Sig"]
    assert asked["webhook_event"] == sale_completed()
    paypal_payment.refresh_from_db()
    assert paypal_payment.status == "waiting"


def test_a_paypal_event_without_its_transmission_headers_is_refused_unasked(
    client,
    paypal_payment,
    paypal_api,  # noqa: F811
    caplog,
):
    calls = len(paypal_api.calls)

    response, _ = refused_with_nothing_written(
        caplog,
        lambda: client.post(
            reverse("payments:paypal_webhook"),
            data=json.dumps(sale_completed()),
            content_type="application/json",
        ),
    )

    assert response.json()["error"].startswith("Missing PayPal-Auth-Algo")
    assert len(paypal_api.calls) == calls  # PayPal was not asked


def test_a_verified_paypal_event_is_applied_once(
    client,
    paypal_payment,
    paypal_api,  # noqa: F811
):
    answers = [deliver_paypal(client, sale_completed()) for _ in range(2)]

    assert [a.json() for a in answers] == [{"status": "confirmed"}, {"status": "already processed"}]
    paypal_payment.refresh_from_db()
    assert paypal_payment.status == "confirmed"
    assert paypal_payment.order.status == OrderStatus.PAID
    assert WebhookEvent.objects.filter(provider="paypal").count() == 1
