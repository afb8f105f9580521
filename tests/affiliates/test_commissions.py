"""Commissions: what a referred order earns, how refunds change it, when it is approved, and
the moves its status may make. Orders are paid and refunded through the real services, so
the receivers run as they do in production."""

import itertools
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from freezegun import freeze_time
from payments import PaymentStatus

from apothecary.affiliates import services
from apothecary.affiliates.models import (
    COMMISSION_TRANSITIONS,
    Attribution,
    Commission,
    CommissionKind,
    CommissionStatus,
    ProductCommissionRate,
)
from apothecary.affiliates.services import (
    commission_adjust_for_refund,
    commission_create,
    commission_transition,
    commissions_approve_due,
)
from apothecary.affiliates.tasks import approve_commissions
from apothecary.checkout.models import ShippingZone
from apothecary.core.machines import InvalidTransition
from apothecary.orders.models import Order, OrderStatus, ReturnPolicySettings
from apothecary.orders.refunds import order_refund
from apothecary.orders.services import order_cancel, order_deliver, order_mark_paid, order_ship
from apothecary.orders.signals import order_paid
from apothecary.payments.services import payment_start
from tests.affiliates.builders import make_affiliate, make_referral, set_program
from tests.store import make_cart, make_discount, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

S = CommissionStatus
START = "2025-03-03 09:00:00"


@pytest.fixture
def rate(db):
    """$5.00 shipping to the US with 10% tax; the only zone."""
    ShippingZone.objects.update(active=False)
    return make_zone(countries="US", tax_rate="10", price="5.00")


@pytest.fixture
def patch(db):
    """A $10.00 pack that earns the affiliate's rate."""
    return make_product(title="Patch", variants=((30, "10.00", 1, 50),)).variants.get()


@pytest.fixture
def kit(db):
    """A $30.00 kit with its own 5% rate."""
    product = make_product(title="Kit", variants=((90, "30.00", 3, 50),))
    ProductCommissionRate.objects.create(product=product, rate=Decimal("5.00"))
    return product.variants.get()


@pytest.fixture
def anna(db):
    set_program(commission_rate=Decimal("15.00"), attribution=Attribution.LAST_CLICK)
    return make_affiliate(code="anna")


@pytest.fixture
def return_window(db, demo_site):
    policy = ReturnPolicySettings.for_site(demo_site)
    policy.return_window_days = 30
    policy.save()
    return 30


@pytest.fixture
def order(anna, patch, kit, rate):
    """2 patches ($20.00) and a kit ($30.00), 10% off: $45.00 of goods; shipping $5.00, tax
    $5.00, total $55.00; referred by Anna; waiting for payment."""
    make_discount(code="SAVE10", value="10")
    placed = place_order(cart=make_cart((patch, 2), (kit, 1)), rate=rate, discount_code="save10")
    make_referral(order=placed, affiliate=anna)
    return placed


def pay(order):
    """Confirm a payment through the provider glue, as the pay page does."""
    payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def statuses(commission) -> list[tuple[str, str]]:
    return list(commission.events.values_list("from_status", "to_status"))


def set_status(commission, status) -> Commission:
    """Put a commission in `status` for a test of what comes next (never done by the code)."""
    Commission.objects.filter(pk=commission.pk).update(status=status)
    commission.refresh_from_db()
    return commission


# --- What an order earns ---------------------------------------------------------------------


def test_the_commission_is_the_rate_of_the_goods_after_discount_with_a_per_product_rate(order):
    assert (order.subtotal, order.discount_amount) == (Decimal("50.00"), Decimal("5.00"))
    assert (order.shipping_amount, order.tax_amount, order.total) == (
        Decimal("5.00"),
        Decimal("5.00"),
        Decimal("55.00"),
    )

    pay(order)

    commission = order.commissions.get()
    # patches 15% of $20.00, kit 5% of $30.00, all less the 10% discount: (3.00 + 1.50) × 0.9
    assert commission.amount == Decimal("4.05")
    assert commission.original_amount == Decimal("4.05")
    assert commission.base_amount == Decimal("45.00")
    assert (commission.kind, commission.status, commission.currency) == (
        CommissionKind.COMMISSION,
        S.PENDING,
        "USD",
    )
    assert (commission.flagged, commission.flag_reason, commission.note) == (False, "", "")
    assert list(commission.events.values_list("to_status", "amount", "message")) == [
        ("pending", Decimal("4.05"), f"Order {order.number} paid")
    ]


def test_an_affiliates_own_rate_replaces_the_programs_but_not_a_products(order, anna):
    anna.commission_rate = Decimal("20.00")
    anna.save()

    pay(order)

    # (20% of 20.00 + 5% of 30.00) × 0.9
    assert order.commissions.get().amount == Decimal("4.95")


def test_an_order_nobody_referred_earns_nothing(patch, rate):
    unreferred = place_order(cart=make_cart((patch, 1)), rate=rate)

    pay(unreferred)

    assert commission_create(order=unreferred) is None
    assert Commission.objects.filter(order=unreferred).count() == 0


def test_a_self_referral_by_account_is_recorded_as_rejected_and_earns_nothing(anna, patch, rate):
    own = place_order(cart=make_cart((patch, 3)), rate=rate, email="private@example.com")
    own.user = anna.user
    own.save()
    make_referral(order=own, affiliate=anna, self_referral=True)

    pay(own)

    commission = own.commissions.get()
    assert (commission.status, commission.amount, commission.original_amount) == (
        S.REJECTED,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert commission.note == "Self-referral"
    assert commission.base_amount == Decimal("30.00")
    assert statuses(commission) == [("", "pending"), ("pending", "rejected")]


def test_a_payment_confirmed_twice_makes_one_commission(order):
    pay(order)

    order_mark_paid(order=order)
    order_paid.send(sender=Order, order=order)
    order_paid.send(sender=Order, order=order)
    payment = order.payments.get()
    payment.change_status(PaymentStatus.CONFIRMED)
    again = commission_create(order=order)

    assert Commission.objects.filter(order=order).count() == 1
    assert again == order.commissions.get()
    assert order.commissions.get().events.count() == 1


def test_a_concurrent_confirmation_that_wins_the_race_is_the_one_commission(order, monkeypatch):
    """Between our check and our insert, another worker inserts the order's commission: the
    unique constraint refuses ours and we return theirs."""
    pay(order)
    theirs = order.commissions.get()
    Commission.objects.filter(pk=theirs.pk).update(note="theirs")
    real_filter = Commission.objects.filter

    def not_seen_yet(*args, **kwargs):
        found = real_filter(*args, **kwargs)
        return found.none() if kwargs.get("kind") == CommissionKind.COMMISSION else found

    monkeypatch.setattr(Commission.objects, "filter", not_seen_yet)

    result = commission_create(order=order)

    monkeypatch.undo()
    assert result.pk == theirs.pk and result.note == "theirs"
    assert Commission.objects.filter(order=order).count() == 1


def test_the_database_refuses_a_second_commission_but_not_adjustments(order):
    pay(order)
    first = order.commissions.get()
    fields = {
        "affiliate": first.affiliate,
        "order": order,
        "base_amount": 0,
        "original_amount": 0,
        "amount": 0,
        "currency": "USD",
    }

    Commission.objects.create(kind=CommissionKind.ADJUSTMENT, **fields)
    Commission.objects.create(kind=CommissionKind.ADJUSTMENT, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commission.objects.create(kind=CommissionKind.COMMISSION, **fields)

    assert Commission.objects.filter(order=order, kind=CommissionKind.COMMISSION).count() == 1


# --- Refunds ---------------------------------------------------------------------------------


def test_a_full_refund_reverses_a_pending_commission(order):
    pay(order)

    order_refund(order=order, amount=Decimal("55.00"))

    commission = order.commissions.get()
    assert commission.status == S.REVERSED
    assert statuses(commission)[-1] == ("pending", "reversed")
    assert commission.events.last().message == f"Order {order.number} refunded in full"


def test_a_full_refund_reverses_an_approved_commission(order):
    pay(order)
    commission_transition(commission=order.commissions.get(), to=S.APPROVED)

    order_refund(order=order, amount=Decimal("55.00"))

    assert order.commissions.get().status == S.REVERSED


def test_partial_refunds_reduce_the_commission_in_proportion_without_double_counting(order):
    pay(order)

    order_refund(order=order, amount=Decimal("11.00"))
    commission = order.commissions.get()
    assert (commission.status, commission.amount) == (S.PENDING, Decimal("3.24"))  # 4.05 × 44/55

    order_refund(order=order, amount=Decimal("11.00"))
    commission.refresh_from_db()
    assert commission.amount == Decimal("2.43")  # 4.05 × 33/55, not 3.24 × 44/55
    assert commission.original_amount == Decimal("4.05")

    commission_adjust_for_refund(order=order)  # the same refund seen again changes nothing
    commission.refresh_from_db()
    assert commission.amount == Decimal("2.43")
    assert list(commission.events.values_list("amount", flat=True)) == [
        Decimal("4.05"),
        Decimal("3.24"),
        Decimal("2.43"),
    ]

    order_refund(order=order, amount=Decimal("33.00"))
    commission.refresh_from_db()
    assert commission.status == S.REVERSED


def test_cancelling_an_unpaid_referred_order_leaves_no_commission(order):
    order_cancel(order=order, reason="Changed my mind")

    assert order.commissions.count() == 0
    assert order.referral.affiliate.code == "anna"


def test_a_cancellation_reverses_a_commission_the_order_had(order):
    commission = commission_create(order=order)  # e.g. made by hand before payment

    order_cancel(order=order, reason="Fraud")

    commission.refresh_from_db()
    assert commission.status == S.REVERSED
    assert commission.events.last().message == f"Order {order.number} cancelled"


def test_a_refund_after_payout_makes_negative_adjustments_for_the_next_payout(order):
    pay(order)
    commission = order.commissions.get()
    commission_transition(commission=commission, to=S.APPROVED)
    commission_transition(commission=commission, to=S.PAID)

    order_refund(order=order, amount=Decimal("11.00"))
    order_refund(order=order, amount=Decimal("11.00"))
    commission_adjust_for_refund(order=order)  # seen again: no third adjustment

    commission.refresh_from_db()
    assert (commission.status, commission.amount) == (S.PAID, Decimal("4.05"))
    adjustments = list(
        Commission.objects.filter(order=order, kind=CommissionKind.ADJUSTMENT).order_by("pk")
    )
    assert [(a.amount, a.status, a.affiliate.code) for a in adjustments] == [
        (Decimal("-0.81"), S.APPROVED, "anna"),
        (Decimal("-0.81"), S.APPROVED, "anna"),
    ]
    assert all(a.approved_at is not None for a in adjustments)

    order_refund(order=order, amount=Decimal("33.00"))

    amounts = Commission.objects.filter(order=order, kind=CommissionKind.ADJUSTMENT)
    assert sorted(amounts.values_list("amount", flat=True)) == [
        Decimal("-2.43"),
        Decimal("-0.81"),
        Decimal("-0.81"),
    ]
    assert commission.amount + sum(amounts.values_list("amount", flat=True)) == Decimal("0.00")


def test_a_payout_can_pay_an_approved_commission_and_an_approved_negative_adjustment(order):
    pay(order)
    commission = order.commissions.get()
    commission_transition(commission=commission, to=S.APPROVED)
    commission_transition(commission=commission, to=S.PAID)
    order_refund(order=order, amount=Decimal("11.00"))
    adjustment = Commission.objects.get(order=order, kind=CommissionKind.ADJUSTMENT)

    paid = commission_transition(commission=adjustment, to=S.PAID, message="Payout 7")

    assert (paid.status, paid.amount) == (S.PAID, Decimal("-0.81"))
    assert statuses(paid) == [("", "pending"), ("pending", "approved"), ("approved", "paid")]


# --- Approval after the return window --------------------------------------------------------


def test_approval_waits_for_the_return_window_after_delivery(order, return_window):
    with freeze_time(START) as frozen:
        pay(order)
        frozen.tick(timedelta(days=2))
        order_ship(order=order, carrier="USPS", tracking_number="9400")
        frozen.tick(timedelta(days=3))
        order_deliver(order=order)
        frozen.tick(timedelta(days=29, hours=23))
        assert commissions_approve_due() == 0
        assert order.commissions.get().status == S.PENDING
        frozen.tick(timedelta(hours=2))

        assert commissions_approve_due() == 1
        assert commissions_approve_due() == 0

    commission = order.commissions.get()
    assert commission.status == S.APPROVED
    assert commission.approved_at is not None
    assert commission.events.last().message == "The 30-day return window has passed"


def test_an_order_never_marked_delivered_counts_from_its_payment(order, return_window):
    with freeze_time(START) as frozen:
        pay(order)
        frozen.tick(timedelta(days=29))
        assert commissions_approve_due() == 0
        frozen.tick(timedelta(days=2))

        assert commissions_approve_due() == 1


def test_the_window_comes_from_the_return_policy(order, demo_site):
    policy = ReturnPolicySettings.for_site(demo_site)
    policy.return_window_days = 14
    policy.save()
    with freeze_time(START) as frozen:
        pay(order)
        frozen.tick(timedelta(days=15))

        assert commissions_approve_due() == 1


def test_flagged_refunded_and_rejected_commissions_are_not_approved(
    anna, patch, rate, return_window
):
    def paid_order(**referral):
        placed = place_order(cart=make_cart((patch, 1)), rate=rate)
        make_referral(order=placed, affiliate=anna, **referral)
        return pay(placed)

    with freeze_time(START) as frozen:
        flagged = paid_order(flag_reason="Ordered 12 seconds after the click")
        refunded = paid_order()
        order_refund(order=refunded, amount=refunded.total)
        rejected = paid_order()
        commission_transition(commission=rejected.commissions.get(), to=S.REJECTED)
        partly = paid_order()
        order_refund(order=partly, amount=Decimal("8.25"))  # half of $16.50
        frozen.tick(timedelta(days=45))

        assert commissions_approve_due() == 1

    assert flagged.commissions.get().status == S.PENDING
    assert flagged.commissions.get().flagged is True
    assert refunded.commissions.get().status == S.REVERSED
    assert rejected.commissions.get().status == S.REJECTED
    assert (partly.commissions.get().status, partly.commissions.get().amount) == (
        S.APPROVED,
        Decimal("0.75"),  # 15% of $10.00, half refunded
    )


def test_staff_may_approve_a_flagged_commission_by_hand(order):
    order.referral.flag_reason = "A burst of clicks"
    order.referral.save()
    pay(order)
    commission = order.commissions.get()
    assert commission.flagged is True

    commission_transition(commission=commission, to=S.APPROVED, message="Checked: genuine")

    assert commission.status == S.APPROVED


def test_the_command_and_the_task_approve_and_say_how_many(order, return_window):
    with freeze_time(START) as frozen:
        pay(order)
        frozen.tick(timedelta(days=31))
        out = StringIO()

        call_command("approve_commissions", stdout=out)
        result = approve_commissions.enqueue()

    assert out.getvalue() == "Approved 1 commission.\n"
    assert result.return_value == 0  # nothing left to approve
    assert order.commissions.get().status == S.APPROVED


# --- The state machine -----------------------------------------------------------------------

ALL_MOVES = list(itertools.product(list(S), list(S)))


@pytest.mark.parametrize(("start", "to"), ALL_MOVES, ids=[f"{a}->{b}" for a, b in ALL_MOVES])
def test_only_the_moves_in_the_table_are_allowed(order, start, to):
    pay(order)
    commission = set_status(order.commissions.get(), start)
    events_before = commission.events.count()

    if to in COMMISSION_TRANSITIONS[start]:
        moved = commission_transition(commission=commission, to=to, message="by hand")
        assert moved.status == to
        assert statuses(moved)[-1] == (start, to)
        assert (moved.approved_at is not None) == (to == S.APPROVED)
    else:
        with pytest.raises(InvalidTransition):
            commission_transition(commission=commission, to=to)
        commission.refresh_from_db()
        assert commission.status == start
        assert commission.events.count() == events_before


def test_the_transition_records_who_and_why(order):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user(email="staff@example.com", password="x-pw-long1")
    pay(order)

    commission_transition(
        commission=order.commissions.get(), to=S.REJECTED, actor=staff, message="Fake order"
    )

    event = order.commissions.get().events.last()
    assert (event.from_status, event.to_status, event.actor, event.message) == (
        "pending",
        "rejected",
        staff,
        "Fake order",
    )
    assert event.amount == Decimal("4.05")


def test_a_commission_error_is_logged_and_the_payment_still_goes_through(
    order, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("commission service down")

    monkeypatch.setattr(services, "commission_create", broken)

    pay(order)

    assert order.commissions.count() == 0
    assert f"commission not created for order {order.number}" in caplog.text
    assert "commission service down" in caplog.text


def test_a_refund_while_the_commission_waits_in_a_payout_batch_is_deducted_next_time(order):
    """The batch's amount may already be uploaded to the payment provider: the commission
    keeps its amount and is paid with the batch; the refund becomes an adjustment."""
    from apothecary.affiliates.payouts import payout_batch_create, payout_batch_mark_paid

    set_program(payout_threshold=Decimal("1.00"))
    pay(order)
    commission = order.commissions.get()
    commission_transition(commission=commission, to=S.APPROVED)
    batch = payout_batch_create(actor=None)
    batched_amount = batch.payouts.get().amount

    order_refund(order=order, amount=Decimal("11.00"))

    commission.refresh_from_db()
    assert (commission.status, commission.amount) == (S.APPROVED, batched_amount)
    adjustment = Commission.objects.get(order=order, kind=CommissionKind.ADJUSTMENT)
    assert (adjustment.status, adjustment.amount, adjustment.payout) == (
        S.APPROVED,
        Decimal("-0.81"),
        None,
    )

    payout_batch_mark_paid(batch=batch, reference="PP-1", actor=None)

    commission.refresh_from_db()
    adjustment.refresh_from_db()
    assert commission.status == S.PAID
    assert (adjustment.status, adjustment.payout) == (S.APPROVED, None)
