"""Launch test 9, duplicate delivery: Stripe delivers the same signed event 5 times, 2 of them
at once. Each delivery gets a 2xx; the order changes state once, one email goes out, and one
WebhookEvent row (unique on provider and event id) records it.

Checked twice: a second delivery arrives at the exact moment the first has applied the event
but not committed it (it waits on the event's unique row, then finds it processed); and 2
deliveries behind a barrier followed by 3 more."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from apothecary.orders.models import OrderStatus
from apothecary.payments.models import Payment, WebhookEvent
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    PG_ONLY,
    Party,
    completed,
    deliver,
    only_zone,
    run_after,
    run_concurrently,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.store import as_buyer, make_cart, make_product, place_order

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


@pytest.fixture
def payment(stripe_api):  # noqa: F811
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    order = place_order(cart=make_cart((variant, 2)), rate=only_zone())
    as_buyer(Client(), order).get(reverse("payments:pay", args=[order.token]))
    return Payment.objects.get(order=order)


def assert_applied_once(payment, before):
    order = payment.order
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.events.filter(to_status=OrderStatus.PAID).count() == 1
    assert WebhookEvent.objects.filter(event_id="evt_dup").count() == 1
    assert WebhookEvent.objects.count() == 1
    paid = [m for m in mail.outbox if f"Payment received for order {order.number}" in m.subject]
    assert len(paid) == 1
    check_invariants(before)


def test_a_delivery_during_the_first_one_waits_and_finds_it_processed(payment):
    before = stock_before()
    payload = completed(payment, "evt_dup")
    second = Party(lambda: deliver(Client(), payload))

    def applied_not_committed(result):
        second.start().blocked()  # on the WebhookEvent's unique (provider, event id)

    with run_after("apothecary.payments.stripe_events._stripe_confirm", applied_not_committed):
        first = deliver(Client(), payload)

    assert (first.status_code, first.json()) == (200, {"status": "confirmed"})
    again = second.result()
    assert (again.status_code, again.json()) == (200, {"status": "already processed"})
    assert_applied_once(payment, before)


def test_five_deliveries_two_at_once_change_the_order_once(payment):
    before = stock_before()
    payload = completed(payment, "evt_dup")

    together = run_concurrently(2, lambda n: deliver(Client(), payload))
    later = [deliver(Client(), payload) for _ in range(3)]

    answers = together + later
    assert [a.status_code for a in answers] == [200] * 5
    statuses = sorted(a.json()["status"] for a in answers)
    assert statuses == ["already processed"] * 4 + ["confirmed"]
    assert_applied_once(payment, before)
