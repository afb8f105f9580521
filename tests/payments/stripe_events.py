"""Stripe webhook deliveries for tests: the event body and its signature, as Stripe makes them."""

import json
import time

import stripe
from django.urls import reverse

WEBHOOK_SECRET = "whsec_test_0123456789abcdef"


def stripe_signature(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp=None) -> str:
    """The Stripe-Signature header, made by the stripe library's own signer."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def stripe_event(event_id: str, kind: str, payment, **session) -> str:
    """A Checkout Session event as Stripe sends it, as the JSON body."""
    completed = kind != "checkout.session.expired"
    body = {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "type": kind,
        "data": {
            "object": {
                "id": "cs_test_a1b2c3",
                "object": "checkout.session",
                "amount_total": int(payment.total * 100),
                "currency": payment.currency.lower(),
                "client_reference_id": payment.token,
                "payment_intent": "pi_test_123" if completed else None,
                "payment_status": "paid" if completed else "unpaid",
                "status": "complete" if completed else "expired",
                **session,
            }
        },
    }
    return json.dumps(body)


def post_webhook(client, payload: str, **headers):
    return client.post(
        reverse("payments:stripe_webhook"),
        data=payload,
        content_type="application/json",
        headers=headers,
    )
