"""Stripe Checkout sessions are made with an idempotency key and expire with the order's
payment window (never sooner than Stripe's 30 minutes)."""

from datetime import timedelta

import pytest
import stripe
from django.urls import reverse
from django.utils import timezone

from apothecary.orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def created(stripe_settings, monkeypatch):
    stripe_settings.PAYMENT_VARIANT = "stripe"
    calls = []

    def create_session(**params):
        calls.append(params)
        return stripe.checkout.Session.construct_from(
            {"id": f"cs_test_{len(calls)}", "url": "https://checkout.stripe.com/c/pay/cs"}, ""
        )

    monkeypatch.setattr(stripe.checkout.Session, "create", create_session)
    return calls


def placed_ago(order, minutes) -> Order:
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    order.refresh_from_db()
    return order


def open_pay_page(client, order):
    response = client.get(reverse("payments:pay", args=[order.token]))
    assert response.status_code == 302
    return response


def test_a_session_expires_when_the_order_s_payment_window_ends(client, order, created, settings):
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 60
    order = placed_ago(order, 5)

    open_pay_page(client, order)
    open_pay_page(client, order)  # the same session, not a second one

    assert len(created) == 1
    params = created[0]
    window_end = order.created_at + timedelta(minutes=60)
    assert params["expires_at"] == int(window_end.timestamp())
    payment = order.payments.get()
    assert params["idempotency_key"] == f"checkout-{payment.token}-{params['expires_at']}"
    assert params["api_key"] == "sk_test_not_a_real_key"
    assert params["client_reference_id"] == payment.token
    assert params["payment_intent_data"] == {"metadata": {"token": payment.token}}
    assert params["customer_email"] == order.email
    assert params["mode"] == "payment"


def test_a_short_window_or_a_late_shopper_gets_stripe_s_minimum_of_30_minutes(
    client, order, created, settings
):
    settings.ORDER_PAYMENT_WINDOW_MINUTES = 60
    order = placed_ago(order, 50)  # 10 minutes left of the window
    before = timezone.now()

    open_pay_page(client, order)

    expires = created[0]["expires_at"]
    assert expires >= int((before + timedelta(minutes=30)).timestamp())
    assert expires <= int((timezone.now() + timedelta(minutes=31)).timestamp())


def test_stripe_refusing_the_session_shows_the_provider_error(
    client, order, stripe_settings, monkeypatch
):
    stripe_settings.PAYMENT_VARIANT = "stripe"

    def refuse(**params):
        raise stripe.InvalidRequestError("expires_at must be at least 30 minutes", param="x")

    monkeypatch.setattr(stripe.checkout.Session, "create", refuse)

    response = client.get(reverse("payments:pay", args=[order.token]))

    assert response.status_code == 502
