from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from payments import PaymentStatus

from apothecary.orders.models import Order
from apothecary.orders.services import release_expired_orders
from apothecary.payments.services import payment_start
from apothecary.payments.tasks import release_expired_orders as release_task
from tests.store import make_cart, place_order

pytestmark = pytest.mark.django_db


def backdate(order, *, minutes):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def three_orders(variant, rate):
    """An unpaid order, a paid one and a recent unpaid one: 2 + 1 + 3 taken, 4 left of 10."""
    unpaid = place_order(cart=make_cart((variant, 2)), rate=rate)
    paid = place_order(cart=make_cart((variant, 1)), rate=rate)
    payment_start(order=paid).change_status(PaymentStatus.CONFIRMED)
    recent = place_order(cart=make_cart((variant, 3)), rate=rate)
    variant.refresh_from_db()
    assert variant.stock == 4
    return unpaid, paid, recent


def statuses(*orders) -> list[str]:
    return [Order.objects.get(pk=o.pk).status for o in orders]


def test_an_old_unpaid_order_is_cancelled_and_its_stock_put_back(three_orders, variant):
    unpaid, paid, recent = three_orders

    two_hours_later = timezone.now() + timedelta(hours=2)
    count = release_expired_orders(now=two_hours_later)

    # Two hours on, both unpaid orders are past the 60-minute window; the paid one is not.
    assert count == 2
    assert statuses(unpaid, paid, recent) == ["cancelled", "paid", "cancelled"]
    variant.refresh_from_db()
    assert variant.stock == 9


def test_recent_and_paid_orders_are_left_alone(three_orders, variant):
    unpaid, paid, recent = three_orders
    for order in (unpaid, paid):
        backdate(order, minutes=90)

    count = release_expired_orders(now=timezone.now())

    assert count == 1
    assert statuses(unpaid, paid, recent) == ["cancelled", "paid", "pending_payment"]
    variant.refresh_from_db()
    assert variant.stock == 6
    event = Order.objects.get(pk=unpaid.pk).events.last()
    assert (event.to_status, event.actor_label) == ("cancelled", "system")


def test_the_command_cancels_expired_orders_and_says_how_many(
    three_orders, variant, django_capture_on_commit_callbacks
):
    unpaid, paid, recent = three_orders
    backdate(unpaid, minutes=61)
    backdate(paid, minutes=600)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("release_expired_orders", stdout=out)

    assert out.getvalue() == "Cancelled 1 expired unpaid order.\n"
    assert statuses(unpaid, paid, recent) == ["cancelled", "paid", "pending_payment"]
    variant.refresh_from_db()
    assert variant.stock == 6
    assert [m.subject for m in mail.outbox] == [f"B12 Patch: Order {unpaid.number} was cancelled"]

    again = StringIO()
    call_command("release_expired_orders", stdout=again)

    assert again.getvalue() == "Cancelled 0 expired unpaid orders.\n"
    variant.refresh_from_db()
    assert variant.stock == 6


def test_the_command_takes_another_window(three_orders):
    unpaid, paid, recent = three_orders
    backdate(unpaid, minutes=20)
    out = StringIO()

    call_command("release_expired_orders", "--older-than-minutes=15", stdout=out)

    assert out.getvalue() == "Cancelled 1 expired unpaid order.\n"
    assert statuses(unpaid, paid, recent) == ["cancelled", "paid", "pending_payment"]


def test_the_task_cancels_expired_orders_and_returns_how_many(three_orders, variant):
    unpaid, paid, recent = three_orders
    backdate(unpaid, minutes=61)

    result = release_task.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert statuses(unpaid, paid, recent) == ["cancelled", "paid", "pending_payment"]
    variant.refresh_from_db()
    assert variant.stock == 6


def test_a_cancelled_order_paid_afterwards_stays_cancelled_and_is_flagged(three_orders):
    unpaid, _, _ = three_orders
    payment = payment_start(order=unpaid)
    backdate(unpaid, minutes=61)
    release_expired_orders()

    payment.change_status(PaymentStatus.CONFIRMED)

    assert statuses(unpaid) == ["cancelled"]
    unpaid.refresh_from_db()
    assert (unpaid.needs_attention, unpaid.attention_reason) == (True, "paid_after_cancellation")
