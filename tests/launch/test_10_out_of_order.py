"""Launch test 10, events out of order: Stripe does not promise the order of its events. A
charge refunded (`charge.refunded`) or a session expired may arrive before the session's
completion, and any event may come again. Whatever the order, the final state is what Stripe
holds at the end (its refunds are asked of its API, here a recorder), the order's states only
move forward, and no "payment received" email goes out once the refund is known."""

import json
import time
from decimal import Decimal

import pytest
import stripe
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apothecary.orders.models import ALLOWED_TRANSITIONS, OrderStatus
from apothecary.payments.models import Payment
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    completed,
    deliver,
    only_zone,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.payments.stripe_events import stripe_event
from tests.store import as_buyer, make_cart, make_product, place_order

pytestmark = pytest.mark.django_db

TOTAL_CENTS = 4490  # 2 × 19.95 + 5.00 shipping


class StripeRefunds:
    """Stripe's refunds of each payment intent, as its API lists them now."""

    def __init__(self):
        self.of_intent: dict[str, list[dict]] = {}

    def list(self, **params):
        found = [dict(r) for r in self.of_intent.get("pi_test_123", [])]
        return type("Page", (), {"auto_paging_iter": lambda self: iter(found)})()


@pytest.fixture
def refunds_at_stripe(monkeypatch, stripe_api):  # noqa: F811
    refunds = StripeRefunds()
    monkeypatch.setattr(stripe.Refund, "list", refunds.list)
    return refunds


@pytest.fixture
def shop():
    variant = make_product(variants=((30, "19.95", 1, 1000),)).variants.get()
    return variant, only_zone(price="5.00")


def new_payment(shop) -> Payment:
    variant, rate = shop
    order = place_order(cart=make_cart((variant, 2)), rate=rate)
    assert (
        as_buyer(Client(), order).get(reverse("payments:pay", args=[order.token])).status_code
        == 302
    )
    return Payment.objects.get(order=order)


def charge_refunded(payment, event_id: str, cents: int) -> str:
    """charge.refunded as recent API versions send it: the refunds are not in the event."""
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "created": int(time.time()),
            "type": "charge.refunded",
            "data": {
                "object": {
                    "id": f"ch_{payment.pk}",
                    "object": "charge",
                    "amount": TOTAL_CENTS,
                    "amount_refunded": cents,
                    "currency": "usd",
                    "payment_intent": "pi_test_123",
                    "metadata": {"token": payment.token},
                    "refunded": cents >= TOTAL_CENTS,
                }
            },
        }
    )


def events_of(payment, cents: int) -> dict[str, str]:
    return {
        "completed": completed(payment, f"evt_c_{payment.pk}"),
        "expired": stripe_event(f"evt_e_{payment.pk}", "checkout.session.expired", payment),
        "refunded": charge_refunded(payment, f"evt_r_{payment.pk}", cents),
    }


def paid_emails(order) -> int:
    subject = f"Payment received for order {order.number}"
    return sum(1 for m in mail.outbox if subject in m.subject)


def statuses(order) -> list[str]:
    return list(
        order.events.exclude(to_status="").order_by("pk").values_list("to_status", flat=True)
    )


def assert_moved_forward(order):
    path = statuses(order)
    assert path[0] == OrderStatus.PENDING_PAYMENT
    for before, after in zip(path, path[1:], strict=False):
        assert after in ALLOWED_TRANSITIONS[before], path


def feed(events: dict[str, str], sequence, refunds_at_stripe, payment, cents, capture):
    """Deliver `sequence` of event names; Stripe's refund exists from the moment it is made
    (before its event). Returns the paid emails counted when the refund was first applied."""
    if "refunded" in sequence:
        refunds_at_stripe.of_intent["pi_test_123"] = [
            {"id": f"re_{payment.pk}", "amount": cents, "status": "succeeded"}
        ]
    emails_at_refund = None
    for name in sequence:
        with capture(execute=True):
            answer = deliver(Client(), events[name])
        assert answer.status_code == 200, answer.content
        if name == "refunded" and emails_at_refund is None:
            emails_at_refund = paid_emails(payment.order)
    return emails_at_refund


def test_a_full_refund_told_before_the_completion_cancels_and_never_emails_paid(
    shop, refunds_at_stripe, django_capture_on_commit_callbacks
):
    before = stock_before()
    payment = new_payment(shop)
    events = events_of(payment, TOTAL_CENTS)

    feed(
        events,
        ["refunded", "completed"],
        refunds_at_stripe,
        payment,
        TOTAL_CENTS,
        django_capture_on_commit_callbacks,
    )

    order = payment.order
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED  # its units are back on sale
    assert payment.status == "refunded"
    assert paid_emails(order) == 0
    assert statuses(order) == [OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED]
    check_invariants(before)


def test_a_partial_refund_told_before_the_completion_is_recorded_when_it_comes(
    shop, refunds_at_stripe, django_capture_on_commit_callbacks
):
    payment = new_payment(shop)
    events = events_of(payment, 1000)

    feed(
        events,
        ["refunded", "completed"],
        refunds_at_stripe,
        payment,
        1000,
        django_capture_on_commit_callbacks,
    )

    order = payment.order
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.refunded_amount == Decimal("10.00")
    assert list(order.refunds.values_list("provider_reference", flat=True)) == [
        f"stripe:re_{payment.pk}"
    ]
    assert paid_emails(order) == 1
    assert_moved_forward(order)


def test_an_expired_session_before_the_completion_still_pays_once(
    shop, refunds_at_stripe, django_capture_on_commit_callbacks
):
    payment = new_payment(shop)

    feed(
        events_of(payment, 0),
        ["expired", "completed", "expired"],
        refunds_at_stripe,
        payment,
        0,
        django_capture_on_commit_callbacks,
    )

    order = payment.order
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert paid_emails(order) == 1
    assert_moved_forward(order)


# What Stripe holds at the end, and the events it sent on the way there (each may repeat).
STORIES = {
    "paid": ["completed"],
    "expired": ["expired"],
    "paid and refunded": ["completed", "refunded"],
    "paid and refunded in part": ["completed", "refunded"],
}


@st.composite
def deliveries(draw):
    story = draw(st.sampled_from(sorted(STORIES)))
    sent = draw(st.permutations(STORIES[story]))
    repeats = draw(st.lists(st.sampled_from(STORIES[story]), max_size=3))
    sequence = list(sent)
    for name in repeats:
        sequence.insert(draw(st.integers(0, len(sequence))), name)
    return story, sequence


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(delivered=deliveries())
def test_any_order_of_events_ends_in_stripe_s_final_state(
    shop, refunds_at_stripe, django_capture_on_commit_callbacks, delivered
):
    story, sequence = delivered
    cents = 1000 if story.endswith("in part") else TOTAL_CENTS
    payment = new_payment(shop)

    emails_at_refund = feed(
        events_of(payment, cents),
        sequence,
        refunds_at_stripe,
        payment,
        cents,
        django_capture_on_commit_callbacks,
    )

    order = payment.order
    order.refresh_from_db()
    payment.refresh_from_db()
    assert_moved_forward(order)
    assert paid_emails(order) <= 1
    if story == "paid":
        assert (order.status, payment.status) == (OrderStatus.PAID, "confirmed")
        assert paid_emails(order) == 1
    elif story == "expired":
        assert (order.status, payment.status) == (OrderStatus.PENDING_PAYMENT, "rejected")
        assert paid_emails(order) == 0
    elif story == "paid and refunded":
        assert payment.status == "refunded"
        assert order.status in (OrderStatus.REFUNDED, OrderStatus.CANCELLED)
        if order.status == OrderStatus.REFUNDED:
            assert order.refunded_amount == order.total
        assert paid_emails(order) == emails_at_refund  # nothing paid-like after the refund
    else:
        assert (order.status, payment.status) == (OrderStatus.PARTIALLY_REFUNDED, "confirmed")
        assert order.refunded_amount == Decimal("10.00")
        assert order.refunds.count() == 1
        assert paid_emails(order) == 1
