"""Payout batches (affiliates.payouts): who is paid, how much, the PayPal file, and marking a
batch paid."""

import csv
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections

from apothecary.affiliates import payouts
from apothecary.affiliates.models import (
    AffiliateStatus,
    Commission,
    CommissionEvent,
    CommissionKind,
    CommissionStatus,
    Payout,
    PayoutBatch,
    PayoutBatchStatus,
    PayoutMethod,
)
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import make_affiliate, set_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    product = make_product(title="Payout Patch")
    return product.variants.get(), make_zone()


def make_commission(shop, affiliate, amount, *, status=CommissionStatus.APPROVED, kind=None):
    """A commission (or, with kind=ADJUSTMENT, an adjustment) of `amount` on a new order."""
    variant, rate = shop
    order = place_order(cart=make_cart((variant, 1)), rate=rate)
    return Commission.objects.create(
        affiliate=affiliate,
        order=order,
        kind=kind or CommissionKind.COMMISSION,
        base_amount=Decimal("10.00"),
        original_amount=Decimal(amount),
        amount=Decimal(amount),
        currency="USD",
        status=status,
    )


@pytest.fixture
def threshold_50():
    return set_program(payout_threshold=Decimal("50.00"))


def test_a_batch_pays_only_approved_commissions_of_affiliates_over_the_threshold(
    shop, threshold_50, django_user_model
):
    anna = make_affiliate(code="anna")
    ben = make_affiliate(code="ben")
    paid_anna = [make_commission(shop, anna, "30.00"), make_commission(shop, anna, "25.00")]
    pending = make_commission(shop, anna, "40.00", status=CommissionStatus.PENDING)
    rejected = make_commission(shop, anna, "40.00", status=CommissionStatus.REJECTED)
    below = make_commission(shop, ben, "49.99")
    staff = django_user_model.objects.create_user(email="pay@example.com", password="pw")

    batch = payouts.payout_batch_create(actor=staff)

    payout = batch.payouts.get()
    assert (payout.affiliate, payout.amount, payout.currency) == (anna, Decimal("55.00"), "USD")
    assert (payout.method, payout.destination) == (PayoutMethod.PAYPAL, "anna@affiliate.example")
    assert batch.created_by == staff and batch.status == PayoutBatchStatus.OPEN
    assert sorted(payout.commissions.values_list("pk", flat=True)) == [c.pk for c in paid_anna]
    for untouched in (pending, rejected, below):
        untouched.refresh_from_db()
        assert untouched.payout is None
    assert Commission.objects.get(pk=paid_anna[0].pk).status == CommissionStatus.APPROVED


def test_approved_negative_adjustments_are_deducted_and_can_keep_an_affiliate_below(
    shop, threshold_50
):
    anna = make_affiliate(code="anna")
    ben = make_affiliate(code="ben")
    make_commission(shop, anna, "80.00")
    make_commission(shop, anna, "-12.50", kind=CommissionKind.ADJUSTMENT)
    make_commission(shop, ben, "60.00")
    ben_adjustment = make_commission(shop, ben, "-15.00", kind=CommissionKind.ADJUSTMENT)

    batch = payouts.payout_batch_create(actor=None)

    assert list(batch.payouts.values_list("affiliate__code", "amount")) == [
        ("anna", Decimal("67.50"))
    ]
    ben_adjustment.refresh_from_db()
    assert ben_adjustment.payout is None  # waits, with Ben's commission, for the next batch


def test_suspended_affiliates_and_affiliates_without_a_destination_are_left_out(shop, threshold_50):
    make_commission(shop, make_affiliate(code="sus", status=AffiliateStatus.SUSPENDED), "90")
    make_commission(shop, make_affiliate(code="nopaypal", paypal_email=""), "90")

    preview = payouts.payout_preview()

    assert preview.due == []
    assert [(row.affiliate.code, row.skipped) for row in preview.skipped] == [
        ("nopaypal", "No PayPal email: ask them to add one in their dashboard.")
    ]
    assert payouts.payout_batch_create(actor=None) is None
    assert PayoutBatch.objects.count() == 0


def test_nothing_due_creates_no_batch(shop, threshold_50):
    make_commission(shop, make_affiliate(code="anna"), "10.00")

    assert payouts.payout_batch_create(actor=None) is None
    assert PayoutBatch.objects.count() == 0 and Payout.objects.count() == 0


def test_a_second_creation_finds_nothing_to_pay_twice(shop, threshold_50):
    anna = make_affiliate(code="anna")
    commission = make_commission(shop, anna, "75.00")

    first = payouts.payout_batch_create(actor=None)
    second = payouts.payout_batch_create(actor=None)

    assert second is None
    assert PayoutBatch.objects.count() == 1
    commission.refresh_from_db()
    assert commission.payout.batch == first


def test_bank_transfer_affiliates_are_in_the_batch_but_not_in_the_paypal_file(shop, threshold_50):
    anna = make_affiliate(code="anna")
    bob = make_affiliate(
        code="bob",
        payout_method=PayoutMethod.BANK,
        paypal_email="",
        bank_details="Bob Bank, IBAN DE00 1234",
    )
    make_commission(shop, anna, "51.25")
    make_commission(shop, bob, "70.00")

    batch = payouts.payout_batch_create(actor=None)
    rows = list(csv.reader(io.StringIO(payouts.payout_batch_csv(batch))))

    bank = batch.payouts.get(method=PayoutMethod.BANK)
    assert (bank.affiliate, bank.amount, bank.destination) == (
        bob,
        Decimal("70.00"),
        "Bob Bank, IBAN DE00 1234",
    )
    assert [row[0] for row in rows] == ["anna@affiliate.example"]


def test_the_paypal_file_parses_back_and_sums_to_the_batchs_paypal_total(shop, threshold_50):
    for code, amounts in {
        "anna": ["33.33", "33.34"],
        "cleo": ["50.10"],
        "dan": ["99.99", "0.01"],
    }.items():
        affiliate = make_affiliate(code=code)
        for amount in amounts:
            make_commission(shop, affiliate, amount)
    batch = payouts.payout_batch_create(actor=None)

    text = payouts.payout_batch_csv(batch)
    rows = list(csv.reader(io.StringIO(text)))

    expected = {p.pk: p for p in batch.payouts.all()}
    assert [row[0] for row in rows] == [
        "anna@affiliate.example",
        "cleo@affiliate.example",
        "dan@affiliate.example",
    ]
    assert [row[1] for row in rows] == ["66.67", "50.10", "100.00"]
    assert sum(Decimal(row[1]) for row in rows) == sum(p.amount for p in expected.values())
    assert {row[2] for row in rows} == {"USD"}
    assert [row[3] for row in rows] == [f"b{batch.pk}-p{pk}" for pk in sorted(expected)]
    assert all(len(row[3]) <= 30 and " " not in row[3] for row in rows)
    assert rows[0][4] == f"Affiliate commissions for Anna (anna), payout batch {batch.pk}"
    assert {row[5] for row in rows} == {"PAYPAL"}
    assert text.endswith("\r\n") and "Email" not in text  # no header row


def test_mark_paid_pays_the_batch_its_payouts_and_commissions_once(
    shop, threshold_50, django_user_model
):
    anna = make_affiliate(code="anna")
    commissions = [make_commission(shop, anna, "40.00"), make_commission(shop, anna, "20.00")]
    staff = django_user_model.objects.create_user(email="pay@example.com", password="pw")
    batch = payouts.payout_batch_create(actor=staff)

    payouts.payout_batch_mark_paid(batch=batch, reference=" PP-BATCH-1 ", actor=staff)

    batch.refresh_from_db()
    assert (batch.status, batch.reference) == (PayoutBatchStatus.PAID, "PP-BATCH-1")
    assert batch.paid_at is not None
    assert list(batch.payouts.values_list("reference", flat=True)) == ["PP-BATCH-1"]
    for commission in commissions:
        commission.refresh_from_db()
        assert commission.status == CommissionStatus.PAID
        event = CommissionEvent.objects.filter(commission=commission).last()
        assert (event.from_status, event.to_status, event.actor) == ("approved", "paid", staff)
        assert event.message == f"Paid in payout batch {batch.pk} (reference PP-BATCH-1)"

    with pytest.raises(payouts.PayoutError, match="already marked paid"):
        payouts.payout_batch_mark_paid(batch=batch, reference="PP-BATCH-2", actor=staff)
    batch.refresh_from_db()
    assert batch.reference == "PP-BATCH-1"
    assert (
        CommissionEvent.objects.filter(commission__payout__batch=batch, to_status="paid").count()
        == 2
    )


def test_mark_paid_needs_a_reference(shop, threshold_50):
    make_commission(shop, make_affiliate(code="anna"), "60.00")
    batch = payouts.payout_batch_create(actor=None)

    with pytest.raises(payouts.PayoutError, match="reference"):
        payouts.payout_batch_mark_paid(batch=batch, reference="  ", actor=None)
    batch.refresh_from_db()
    assert batch.status == PayoutBatchStatus.OPEN


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-lock concurrency is tested on PostgreSQL (CI's second pass)",
)
def test_two_concurrent_creations_never_put_a_commission_in_two_batches(demo_after_flush):
    product = make_product(title="Race Patch")
    shop = (product.variants.get(), make_zone())
    set_program(payout_threshold=Decimal("50.00"))
    for code in ("anna", "ben", "cleo"):
        affiliate = make_affiliate(code=code)
        for _ in range(3):
            make_commission(shop, affiliate, "20.00")
    barrier = threading.Barrier(2)

    def create(_n):
        barrier.wait()
        try:
            batch = payouts.payout_batch_create(actor=None)
            return batch.pk if batch else None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(create, range(2)))

    assert sorted(results, key=lambda r: r is None)[1] is None  # one batch, one None
    assert PayoutBatch.objects.count() == 1
    assert Payout.objects.count() == 3
    assert Commission.objects.filter(payout__isnull=True).count() == 0
