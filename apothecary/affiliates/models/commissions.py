"""What referred orders earn (commissions, with their history) and the payouts that pay them.

A commission's status changes only through services.commission_transition (which
payouts.payout_batch_mark_paid also uses), along COMMISSION_TRANSITIONS below."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apothecary.core.money import format_money, money_field_kwargs

from .affiliates import Affiliate, PayoutMethod


class CommissionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Rejected"
    REVERSED = "reversed", "Reversed"


C = CommissionStatus
COMMISSION_TRANSITIONS: dict[str, frozenset[str]] = {
    C.PENDING: frozenset({C.APPROVED, C.REJECTED, C.REVERSED}),
    C.APPROVED: frozenset({C.PAID, C.REJECTED, C.REVERSED}),
    C.PAID: frozenset(),  # a refund after payout makes a negative adjustment instead
    C.REJECTED: frozenset({C.PENDING}),  # staff may reopen a rejection
    C.REVERSED: frozenset(),
}


class CommissionKind(models.TextChoices):
    COMMISSION = "commission", "Commission"
    ADJUSTMENT = "adjustment", "Adjustment"


class Commission(models.Model):
    """What an order earns its affiliate. A refund reduces `amount` (pending / approved) or,
    once paid, adds a negative adjustment row that the next payout deducts."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="commissions")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="commissions")
    kind = models.CharField(
        max_length=10, choices=CommissionKind.choices, default=CommissionKind.COMMISSION
    )
    base_amount = models.DecimalField(
        **money_field_kwargs(), help_text="Products after discounts; no shipping, no tax."
    )
    original_amount = models.DecimalField(**money_field_kwargs())
    amount = models.DecimalField(**money_field_kwargs())
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=CommissionStatus.choices, default=C.PENDING, editable=False
    )
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)
    payout = models.ForeignKey(
        "Payout", null=True, blank=True, on_delete=models.SET_NULL, related_name="commissions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["affiliate", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            # One commission per order: a payment confirmed twice cannot pay twice.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(kind="commission"),
                name="one_commission_per_order",
            ),
        ]

    def __str__(self):
        amount = format_money(self.amount, self.currency)
        return f"{self.get_kind_display()} {amount} for {self.affiliate.code}"


class CommissionEvent(models.Model):
    """A commission's history: each change of status or amount, with who and why."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    amount = models.DecimalField(**money_field_kwargs(null=True, blank=True))
    message = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}: {self.message}"


class PayoutBatchStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAID = "paid", "Paid"


class PayoutBatch(models.Model):
    """Approved commissions of every affiliate over the threshold, paid together."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=5,
        choices=PayoutBatchStatus.choices,
        default=PayoutBatchStatus.OPEN,
        editable=False,
    )
    reference = models.CharField(
        max_length=120, blank=True, help_text="The payment provider's batch id."
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "payout batches"

    def __str__(self):
        return f"Payout batch {self.pk} of {self.created_at:%Y-%m-%d}"


class Payout(models.Model):
    """One affiliate's share of a batch: their approved commissions and adjustments."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="payouts")
    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(**money_field_kwargs())
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=10, choices=PayoutMethod.choices)
    destination = models.CharField(
        max_length=1000, help_text="PayPal email or bank details as they were when batched."
    )
    reference = models.CharField(max_length=120, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-batch__created_at", "affiliate__name"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "affiliate"], name="one_payout_per_batch"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_positive"),
        ]

    def __str__(self):
        return f"{format_money(self.amount, self.currency)} to {self.affiliate.code}"
