"""Launch test 13, first run: a crash between "mark paid" and "queue the email", then Stripe
delivers the same event again. (The second run, PostgreSQL killed during a burst of
checkouts, is test_13_database_killed.py.)

The order's status change and its email are written in one transaction (core.outbox), so the
crash leaves neither; the replay finds the event unrecorded, pays the order and queues the
email, once."""

import pytest
from django.core import mail
from django.test import Client

from apothecary.core.outbox import EmailStatus, OutgoingEmail
from apothecary.orders import services as order_services
from apothecary.orders.models import Order, OrderStatus
from apothecary.payments.models import WebhookEvent
from apothecary.payments.services import payment_start
from tests.launch.invariants import check_invariants, stock_before
from tests.payments.conftest import _no_stripe_api_calls, stripe_settings  # noqa: F401
from tests.payments.stripe_events import post_webhook, stripe_event, stripe_signature
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


class Crash(Exception):
    """The process dying mid-handler, as an exception."""


@pytest.fixture
def crash_once(monkeypatch):
    """queue_order_email raises the first time it is asked for the "paid" email: the order
    row is already marked paid in the transaction, nothing after it has run."""
    real = order_services.queue_order_email
    crashes = []

    def queue(*, order, kind, event=None):
        if kind == "paid" and not crashes:
            assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID  # marked paid
            crashes.append(order.pk)
            raise Crash("killed between mark paid and queue the email")
        return real(order=order, kind=kind, event=event)

    monkeypatch.setattr(order_services, "queue_order_email", queue)
    return crashes


@pytest.mark.usefixtures("stripe_settings")
def test_a_crash_after_mark_paid_then_the_same_webhook_again_pays_once_and_emails_once(
    crash_once, django_capture_on_commit_callbacks
):
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    before = stock_before()
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(cart=make_cart((variant, 2)), rate=make_zone())
    payment = payment_start(order=order, variant="stripe")
    payload = stripe_event("evt_crash", "checkout.session.completed", payment)
    headers = {"Stripe-Signature": stripe_signature(payload)}
    client = Client(raise_request_exception=False)  # the crash is a 500, as Stripe sees it

    with django_capture_on_commit_callbacks(execute=True):
        crashed = post_webhook(client, payload, **headers)

    assert crashed.status_code == 500
    assert crash_once == [order.pk]
    order.refresh_from_db()
    payment.refresh_from_db()
    # Nothing of the handler stayed: not the paid status, not the event, not an email.
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == "waiting"
    assert not WebhookEvent.objects.filter(event_id="evt_crash").exists()
    assert not OutgoingEmail.objects.filter(key=f"order:{order.pk}:paid").exists()
    assert [m.subject for m in mail.outbox if "Payment received" in m.subject] == []

    # Stripe delivers the same event again, and once more for good measure.
    with django_capture_on_commit_callbacks(execute=True):
        replayed = post_webhook(client, payload, **headers)
        again = post_webhook(client, payload, **headers)

    assert (replayed.status_code, replayed.json()) == (200, {"status": "confirmed"})
    assert (again.status_code, again.json()) == (200, {"status": "already processed"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Order.objects.filter(payments=payment, status=OrderStatus.PAID).count() == 1
    assert list(order.events.filter(to_status=OrderStatus.PAID).values_list("message")) == [
        ("Payment received",)
    ]
    assert WebhookEvent.objects.filter(event_id="evt_crash").count() == 1
    paid = OutgoingEmail.objects.get(key=f"order:{order.pk}:paid")
    assert (paid.status, paid.attempts) == (EmailStatus.SENT, 1)
    assert [m.subject for m in mail.outbox] == [
        f"B12 Patch: We have your order {order.number}",
        f"B12 Patch: Payment received for order {order.number}",
    ]
    assert order.lines.count() == 1
    check_invariants(before)
