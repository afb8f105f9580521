"""Paying affiliates: a payout batch gathers what is due, a CSV hands the PayPal part to
PayPal's mass payout, and marking the batch paid moves its commissions to PAID.

What is due: the approved commissions and approved adjustments (negative, after a refund of
an order already paid out) not yet in a payout, of affiliates who are approved now, in the
store's currency. An affiliate is paid when their sum reaches
AffiliateProgramSettings.payout_threshold; below it, everything waits for the next batch.

Bank transfers: PayPal's upload cannot pay them, so a batch holds them too (they are owed
the same) but the CSV leaves them out; the batch page lists them with the bank details
snapshot for staff to pay by hand. An affiliate with no PayPal email or no bank details
(whichever their method needs) is left out of the batch, and the preview says why.

Plain functions, keyword-only writes, one transaction each."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from apothecary.core.admin.exports import spreadsheet_safe
from apothecary.core.money import ZERO, quantize, store_currency

from . import services
from .models import (
    Affiliate,
    AffiliateStatus,
    Commission,
    CommissionStatus,
    Payout,
    PayoutBatch,
    PayoutBatchStatus,
    PayoutMethod,
    program_settings,
)

# PayPal's limits for the optional columns (Payouts Web, "Create a payment file").
PAYPAL_ID_MAX = 30
PAYPAL_NOTE_MAX = 400
PAYPAL_WALLET = "PAYPAL"


class PayoutError(Exception):
    """A refusal staff caused (e.g. paying a batch twice); the message is for them."""


@dataclass
class DueAffiliate:
    """What one affiliate is owed now, and whether a batch would pay it."""

    affiliate: Affiliate
    amount: Decimal
    count: int
    destination: str
    skipped: str = ""  # why a batch would leave them out; "" when they are paid

    @property
    def method_label(self) -> str:
        return PayoutMethod(self.affiliate.payout_method).label


@dataclass
class PayoutPreview:
    """What a batch made now would pay (`due`) and who reaches the threshold but cannot be
    paid yet (`skipped`), with the threshold and currency used."""

    threshold: Decimal
    currency: str
    due: list[DueAffiliate] = field(default_factory=list)
    skipped: list[DueAffiliate] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.due), ZERO)


def _payable():
    """Commissions a payout may include: approved (commissions and adjustments alike), in no
    payout yet, of an approved affiliate, in the store's currency (one currency per PayPal
    file; the store sells in one)."""
    return Commission.objects.filter(
        status=CommissionStatus.APPROVED,
        payout__isnull=True,
        affiliate__status=AffiliateStatus.APPROVED,
        currency=store_currency(),
    )


def _destination(affiliate: Affiliate) -> str:
    if affiliate.payout_method == PayoutMethod.PAYPAL:
        return affiliate.paypal_email.strip()
    return affiliate.bank_details.strip()


def _missing(affiliate: Affiliate) -> str:
    if affiliate.payout_method == PayoutMethod.PAYPAL:
        return "No PayPal email: ask them to add one in their dashboard."
    return "No bank details: ask them to add them in their dashboard."


def payout_preview() -> PayoutPreview:
    """The batch payout_batch_create would make now, without making it. Two queries, whatever
    the number of commissions."""
    program = program_settings()
    threshold = program.payout_threshold
    sums = {
        row["affiliate"]: row
        for row in _payable()
        .values("affiliate")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by()
    }
    preview = PayoutPreview(threshold=threshold, currency=store_currency())
    affiliates = Affiliate.objects.filter(pk__in=sums).order_by("name", "pk")
    for affiliate in affiliates:
        row = sums[affiliate.pk]
        amount = quantize(row["total"] or ZERO)
        if amount <= ZERO or amount < threshold:
            continue
        due = DueAffiliate(affiliate, amount, row["count"], _destination(affiliate))
        if not due.destination:
            due.skipped = _missing(affiliate)
            preview.skipped.append(due)
        else:
            preview.due.append(due)
    return preview


def payout_batch_create(*, actor, now=None) -> PayoutBatch | None:
    """A batch paying every approved affiliate whose approved commissions and adjustments (not
    yet in a payout) add up to the threshold or more; None when nobody is due.

    The commissions are locked (in primary-key order, so two callers cannot deadlock) and
    re-read under the lock: a second call running at the same time waits, then finds them
    already in a payout and pays nothing twice. Each payout keeps the method and the PayPal
    email or bank details as they are now, so later edits by the affiliate do not change
    where this batch's money went."""
    now = now or timezone.now()
    threshold = program_settings().payout_threshold
    with transaction.atomic():
        locked = list(
            _payable()
            .select_for_update()
            .order_by("pk")
            .values_list("pk", "affiliate_id", "amount", "currency")
        )
        by_affiliate: dict[int, list[tuple[int, Decimal]]] = {}
        for pk, affiliate_id, amount, _currency in locked:
            by_affiliate.setdefault(affiliate_id, []).append((pk, amount))
        affiliates = Affiliate.objects.in_bulk(list(by_affiliate))
        batch = None
        for affiliate_id in sorted(by_affiliate, key=lambda pk: (affiliates[pk].name, pk)):
            affiliate = affiliates[affiliate_id]
            rows = by_affiliate[affiliate_id]
            total = quantize(sum((amount for _, amount in rows), ZERO))
            destination = _destination(affiliate)
            if total <= ZERO or total < threshold or not destination:
                continue
            if batch is None:
                batch = PayoutBatch.objects.create(created_at=now, created_by=actor)
            payout = Payout.objects.create(
                batch=batch,
                affiliate=affiliate,
                amount=total,
                currency=store_currency(),
                method=affiliate.payout_method,
                destination=destination,
            )
            ids = [pk for pk, _ in rows]
            linked = Commission.objects.filter(pk__in=ids, payout__isnull=True).update(
                payout=payout
            )
            if linked != len(ids):  # cannot happen under the lock; never pay from a guess
                raise PayoutError(
                    "Some commissions were put in another payout meanwhile. Nothing was "
                    "created; try again."
                )
        return batch


def payout_batch_csv(batch: PayoutBatch) -> str:
    """The batch's PayPal payouts as a PayPal Payouts Web payment file ("Create a payment
    file", developer.paypal.com/docs/payouts/standard/payouts-web/).

    One row per payout and no header row (PayPal reads the first row as the first
    recipient), six columns: recipient email, amount (a plain decimal with two places, e.g.
    12.50), currency code, customer ID (unique, at most 30 characters, no spaces:
    "b<batch>-p<payout>"), note to recipient (at most 400 characters), recipient wallet
    ("PAYPAL"). One currency per file, as PayPal asks: the store's. Bank transfers are left
    out: PayPal cannot pay them; the batch page lists them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for payout in paypal_payouts(batch):
        note = (
            f"Affiliate commissions for {payout.affiliate.name} ({payout.affiliate.code}), "
            f"payout batch {batch.pk}"
        )
        writer.writerow(
            [
                _csv_safe(payout.destination),
                f"{payout.amount:.2f}",
                payout.currency,
                f"b{batch.pk}-p{payout.pk}"[:PAYPAL_ID_MAX],
                _csv_safe(note)[:PAYPAL_NOTE_MAX],
                PAYPAL_WALLET,
            ]
        )
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """No line breaks, and nothing a spreadsheet would run as a formula."""
    return spreadsheet_safe(" ".join(value.split()))


def paypal_payouts(batch: PayoutBatch) -> list[Payout]:
    return list(
        batch.payouts.filter(method=PayoutMethod.PAYPAL).select_related("affiliate").order_by("pk")
    )


def payout_batch_mark_paid(*, batch: PayoutBatch, reference: str, actor) -> PayoutBatch:
    """Record that the batch was sent: the batch and each payout get the reference (the
    payment provider's batch id) and the time, and every commission in it moves to PAID
    through commission_transition, which writes its history. Paying twice is refused with
    PayoutError and changes nothing.

    A commission reversed or rejected while the batch was open (a refund, a staff decision)
    cannot become paid: it is left as it is, still linked to the payout, and the batch page
    lists it, since the money sent for it must be settled with the affiliate by hand."""
    reference = reference.strip()
    if not reference:
        raise PayoutError("Give the payment provider's reference for this batch.")
    with transaction.atomic():
        locked = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == PayoutBatchStatus.PAID:
            raise PayoutError(
                f"Payout batch {locked.pk} was already marked paid on "
                f"{timezone.localtime(locked.paid_at):%Y-%m-%d %H:%M} (reference "
                f"{locked.reference}). Nothing was changed."
            )
        commissions = list(
            Commission.objects.select_for_update()
            .filter(payout__batch=locked, status=CommissionStatus.APPROVED)
            .order_by("pk")
        )
        now = timezone.now()
        locked.status = PayoutBatchStatus.PAID
        locked.reference = reference[:120]
        locked.paid_at = now
        locked.save(update_fields=["status", "reference", "paid_at"])
        locked.payouts.update(reference=reference[:120], paid_at=now)
        for commission in commissions:
            services.commission_transition(
                commission=commission,
                to=CommissionStatus.PAID,
                actor=actor,
                message=f"Paid in payout batch {locked.pk} (reference {locked.reference})",
            )
    batch.refresh_from_db()
    return batch
