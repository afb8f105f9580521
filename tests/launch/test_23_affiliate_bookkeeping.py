"""Launch test 23: affiliate self-referral and commission bookkeeping.

- An affiliate buying through their own link (the same account, the same email, or the
  email they are paid at) earns 0: the commission is rejected and the reason logged.
- One commission per order, however often the payment webhook is delivered; a refund inside
  the hold (return) window reverses it.
- A payout run executed twice pays each commission once, and what it pays is the sum of the
  approved commissions."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from freezegun import freeze_time
from wagtail.models import Site

from apothecary.affiliates import payouts
from apothecary.affiliates.models import (
    Commission,
    CommissionEvent,
    CommissionKind,
    CommissionStatus,
    Payout,
)
from apothecary.affiliates.referrals import referral_attach
from apothecary.affiliates.services import commissions_approve_due
from apothecary.core.http import Visitor
from apothecary.orders.models import OrderStatus, ReturnPolicySettings
from apothecary.orders.refunds import order_refund
from apothecary.orders.services import order_deliver, order_ship
from apothecary.payments.models import PaymentStatus
from apothecary.payments.services import payment_start
from tests.affiliates.builders import make_affiliate, make_commission, set_program
from tests.helpers import give_consent
from tests.launch.invariants import check_invariants, stock_before
from tests.payments.conftest import _no_stripe_api_calls, stripe_settings  # noqa: F401
from tests.payments.stripe_events import post_webhook, stripe_event, stripe_signature
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

BUYER_IP = "198.51.100.30"


@pytest.fixture
def shop(db):
    """(variant, rate): a $10.00 pack, $5.00 shipping, no tax."""
    product = make_product(title="Bookkeeping Patch", variants=((30, "10.00", 1, 50),))
    return product.variants.get(), make_zone(countries="US", tax_rate="0", price="5.00")


@pytest.fixture
def pat(db):
    set_program(commission_rate=Decimal("10.00"), payout_threshold=Decimal("1.00"))
    return make_affiliate(code="pat", paypal_email="Pat.Payouts@example.net")


def referred_order(shop, code, *, email="ada@example.com", user=None):
    """An order placed by a shopper who came by /r/<code>, attributed as the checkout does."""
    browser = give_consent(Client(), "marketing")
    browser.get(f"/r/{code}", REMOTE_ADDR=BUYER_IP)
    variant, rate = shop
    order = place_order(cart=make_cart((variant, 2)), rate=rate, email=email)
    if user is not None:
        order.user = user
        order.save()
    visitor = Visitor(ip=BUYER_IP, cookies={"ref": browser.cookies["ref"].value})
    referral_attach(order=order, visitor=visitor)
    return order


def pay(order):
    payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("account", "the order was placed from the affiliate's own account"),
        ("email", "the order's email is the affiliate's own"),
        ("payout email", "the order's email is the one the affiliate is paid at"),
    ],
)
def test_an_affiliate_buying_through_their_own_link_earns_nothing_and_the_reason_is_logged(
    shop, pat, how, reason, caplog
):
    order_by = {
        "account": {"email": "someone.else@example.com", "user": pat.user},
        "email": {"email": " PAT@affiliate.example "},
        "payout email": {"email": "pat.payouts@EXAMPLE.net"},
    }[how]
    with caplog.at_level(logging.WARNING, logger="apothecary.affiliates"):
        order = pay(referred_order(shop, "pat", **order_by))

    assert order.referral.self_referral is True
    commission = order.commissions.get()
    assert (commission.status, commission.amount) == (CommissionStatus.REJECTED, Decimal("0"))
    assert commission.events.last().message == f"Self-referral: {reason}"
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("apothecary.affil")]
    expected = f"commission on order {order.number} rejected for affiliate pat: Self-referral"
    assert f"{expected}: {reason}" in logged
    assert not payouts.payout_preview().due


def test_another_shopper_through_the_same_link_earns_the_affiliate_a_commission(shop, pat):
    order = pay(referred_order(shop, "pat", email="ada@example.com"))

    commission = order.commissions.get()
    assert order.referral.self_referral is False
    assert (commission.status, commission.amount) == (CommissionStatus.PENDING, Decimal("2.00"))


def test_one_commission_per_order_however_often_the_webhook_is_delivered(
    client,
    shop,
    pat,
    stripe_settings,  # noqa: F811
):
    before = stock_before()
    order = referred_order(shop, "pat")
    payment = payment_start(order=order, variant="stripe")
    deliveries = [stripe_event("evt_paid_1", "checkout.session.completed", payment)] * 4
    deliveries.append(stripe_event("evt_paid_2", "checkout.session.completed", payment))

    answers = [
        post_webhook(client, body, **{"Stripe-Signature": stripe_signature(body)}).status_code
        for body in deliveries
    ]

    assert answers == [200] * 5
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Commission.objects.filter(order=order).count() == 1
    assert order.commissions.get().events.count() == 1  # "paid", once
    check_invariants(before)


@pytest.fixture
def return_window(db):
    policy = ReturnPolicySettings.for_site(Site.objects.get(is_default_site=True))
    policy.return_window_days = 30
    policy.save()
    return 30


def test_a_refund_inside_the_hold_window_reverses_the_commission_and_it_is_never_paid(
    shop, pat, return_window
):
    with freeze_time("2026-03-02 09:00") as frozen:
        order = pay(referred_order(shop, "pat"))
        order_ship(order=order, carrier="USPS", tracking_number="9400")
        order_deliver(order=order)
        frozen.tick(timedelta(days=return_window - 1))
        assert commissions_approve_due() == 0  # still held

        order_refund(order=order, amount=order.total, reason="returned")
        frozen.tick(timedelta(days=2))
        assert commissions_approve_due() == 0

    commission = order.commissions.get()
    assert commission.status == CommissionStatus.REVERSED
    assert payouts.payout_batch_create(actor=None) is None


def test_a_payout_run_twice_pays_each_commission_once_and_pays_the_approved_sum(
    shop, pat, django_user_model
):
    set_program(payout_threshold=Decimal("50.00"))
    bea = make_affiliate(code="bea")
    approved = [
        make_commission(shop, pat, "30.00", status=CommissionStatus.APPROVED),
        make_commission(shop, pat, "25.50", status=CommissionStatus.APPROVED),
        make_commission(shop, bea, "60.00", status=CommissionStatus.APPROVED),
        make_commission(
            shop, pat, "-5.50", status=CommissionStatus.APPROVED, kind=CommissionKind.ADJUSTMENT
        ),
    ]
    make_commission(shop, pat, "99.00", status=CommissionStatus.PENDING)
    make_commission(shop, bea, "99.00", status=CommissionStatus.REJECTED)
    make_commission(shop, bea, "99.00", status=CommissionStatus.REVERSED)
    staff = django_user_model.objects.create_user(email="pay@example.com", password="pw")

    batch = payouts.payout_batch_create(actor=staff)
    assert payouts.payout_batch_create(actor=staff) is None
    payouts.payout_batch_mark_paid(batch=batch, reference="PP-1", actor=staff)
    with pytest.raises(payouts.PayoutError, match="already marked paid"):
        payouts.payout_batch_mark_paid(batch=batch, reference="PP-2", actor=staff)
    assert payouts.payout_batch_create(actor=staff) is None

    total_paid = sum(Payout.objects.values_list("amount", flat=True), Decimal("0"))
    assert total_paid == sum((c.amount for c in approved), Decimal("0")) == Decimal("110.00")
    assert dict(Payout.objects.values_list("affiliate__code", "amount")) == {
        "pat": Decimal("50.00"),
        "bea": Decimal("60.00"),
    }
    for commission in approved:
        commission.refresh_from_db()
        assert commission.status == CommissionStatus.PAID
        paid_events = CommissionEvent.objects.filter(commission=commission, to_status="paid")
        assert paid_events.count() == 1
    assert Commission.objects.filter(payout__isnull=False).count() == len(approved)
