"""Orders are snapshots: lines copy title, SKU and price at purchase; nothing is recomputed
from the catalog later. The status changes only through services.order_transition."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from apothecary.core.money import ZERO, money_field_kwargs

from .allocation import order_shares


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Pending payment"
    PAID = "paid", "Paid"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


S = OrderStatus
# The only allowed moves; order_transition refuses every other.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    # A paid order is not "cancelled": it is refunded, and unshipped stock goes back.
    S.PAID: frozenset({S.SHIPPED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    # A partially refunded order keeps that status while it ships and is delivered (the
    # move to itself stamps shipped_at / delivered_at; Order.fulfilment_label shows where
    # the parcel is), and another refund leaves it partially refunded or refunded.
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}


class AttentionReason(models.TextChoices):
    """Why an order needs a person to look at it (orders.attention.order_flag)."""

    PAID_AFTER_CANCELLATION = "paid_after_cancellation", "Paid after cancellation"
    AMOUNT_MISMATCH = "amount_mismatch", "Amount mismatch"
    DUPLICATE_PAYMENT = "duplicate_payment", "Duplicate payment"
    REFUND_AT_PROVIDER = "refund_at_provider", "Refund made at the provider"


# Order numbers: letters and digits that cannot be misread (no 0/O, 1/I/L), random, not
# sequential, so that one order's number says nothing about another's.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_order_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def new_order_token() -> str:
    return secrets.token_urlsafe(24)


class Order(models.Model):
    number = models.CharField(max_length=12, unique=True, default=new_order_number, editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_order_token, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        max_length=24,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
        editable=False,
    )
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )

    shipping_name = models.CharField(max_length=120)
    shipping_line1 = models.CharField(max_length=200)
    shipping_line2 = models.CharField(max_length=200, blank=True)
    shipping_city = models.CharField(max_length=100)
    shipping_region = models.CharField(max_length=100, blank=True)
    shipping_postcode = models.CharField(max_length=20)
    shipping_country = models.CharField(max_length=2)
    phone = models.CharField(max_length=40, blank=True)
    billing_same_as_shipping = models.BooleanField(default=True)
    billing_name = models.CharField(max_length=120, blank=True)
    billing_line1 = models.CharField(max_length=200, blank=True)
    billing_line2 = models.CharField(max_length=200, blank=True)
    billing_city = models.CharField(max_length=100, blank=True)
    billing_region = models.CharField(max_length=100, blank=True)
    billing_postcode = models.CharField(max_length=20, blank=True)
    billing_country = models.CharField(max_length=2, blank=True)

    currency = models.CharField(max_length=3)
    shipping_method = models.CharField(max_length=100)
    subtotal = models.DecimalField(**money_field_kwargs())
    discount_code = models.CharField(max_length=40, blank=True)
    discount_amount = models.DecimalField(**money_field_kwargs(default=0))
    shipping_amount = models.DecimalField(**money_field_kwargs(default=0))
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    tax_amount = models.DecimalField(**money_field_kwargs(default=0))
    prices_include_tax = models.BooleanField(
        default=False,
        editable=False,
        help_text="The prices (goods and shipping) included the tax: the total does not add it.",
    )
    total = models.DecimalField(**money_field_kwargs())
    refunded_amount = models.DecimalField(**money_field_kwargs(default=0))

    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    tracking_url = models.URLField(blank=True)
    staff_note = models.TextField(
        max_length=2000, blank=True, help_text="For staff only; never shown to the customer."
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    stock_released = models.BooleanField(default=False, editable=False)
    # Who placed it, as keyed hashes (checkout.holds): how many unpaid orders, holding stock,
    # one session or one network address may have at once.
    session_hash = models.CharField(max_length=64, blank=True, editable=False)
    client_ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    # A payment anomaly waiting for a person (orders.attention): the reason of the latest flag,
    # what was seen, when. Cleared by "Mark resolved"; the history keeps every flag.
    needs_attention = models.BooleanField(default=False, editable=False)
    attention_reason = models.CharField(
        max_length=30, choices=AttentionReason.choices, blank=True, editable=False
    )
    attention_note = models.CharField(max_length=500, blank=True, editable=False)
    attention_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["email"]),
            models.Index(
                fields=["attention_at"],
                condition=models.Q(needs_attention=True),
                name="order_needs_attention",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(needs_attention=False, attention_reason="")
                | (models.Q(needs_attention=True) & ~models.Q(attention_reason="")),
                name="order_attention_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="order_total_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("total")),
                name="order_refund_within_total",
            ),
        ]

    def __str__(self):
        return f"Order {self.number}"

    def get_absolute_url(self):
        return reverse("checkout:done", args=[self.token])

    @property
    def is_payable(self) -> bool:
        return self.status == OrderStatus.PENDING_PAYMENT

    @property
    def refundable_amount(self):
        return self.total - self.refunded_amount

    @property
    def fulfilment_label(self) -> str:
        """Where the parcel is, shown beside the status: a partially refunded order keeps that
        status through shipping and delivery."""
        if self.delivered_at:
            return "Delivered"
        if self.shipped_at:
            return "Shipped"
        return "Not shipped"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.Variant", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_title = models.CharField(max_length=255)
    variant_name = models.CharField(max_length=120)
    sku = models.CharField(max_length=64)
    unit_price = models.DecimalField(**money_field_kwargs())
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(**money_field_kwargs())
    refunded_quantity = models.PositiveIntegerField(default=0)  # units refunded (the ledger's)
    restocked_quantity = models.PositiveIntegerField(default=0)  # units put back on sale

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} × {self.product_title} ({self.variant_name})"


class Refund(models.Model):
    """One refund, a row of the order's ledger: the lines and units it covers (none for a
    goodwill amount), the shipping and the tax in it, the amount, why, who, when and the
    payment provider's reference. Order.refunded_amount is the sum of its order's rows."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**money_field_kwargs())
    shipping_amount = models.DecimalField(**money_field_kwargs(default=0))
    tax_amount = models.DecimalField(**money_field_kwargs(default=0))
    reason = models.CharField(max_length=300)
    restocked = models.BooleanField(default=False)
    return_request = models.ForeignKey(
        "ReturnRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="refunds"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    provider_reference = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_positive"),
            models.CheckConstraint(
                condition=models.Q(shipping_amount__gte=0, tax_amount__gte=0),
                name="refund_parts_not_negative",
            ),
            # A refund made at the provider (a webhook) is recorded once.
            models.UniqueConstraint(
                fields=["order", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="refund_provider_reference_once",
            ),
        ]

    def __str__(self):
        return f"Refund {self.pk} of order {self.order.number}"


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refunds")
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(**money_field_kwargs())
    tax_amount = models.DecimalField(**money_field_kwargs(default=0))

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.quantity} × {self.order_line.sku}"


class OrderEvent(models.Model):
    """The order's history: every status change, email and note, with who and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    message = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=100,
        blank=True,
        help_text="Who, when not a person: 'payment provider', 'system'.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order.number}: {self.from_status} → {self.to_status}"


@register_setting(icon="redirect")
class ReturnPolicySettings(BaseSiteSetting):
    return_window_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days after delivery in which a customer may ask for a return."
    )

    class Meta:
        verbose_name = "return policy"


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RECEIVED = "received", "Received"
    REFUNDED = "refunded", "Refunded"


R = ReturnStatus
RETURN_TRANSITIONS = {
    R.REQUESTED: frozenset({R.APPROVED, R.REJECTED}),
    R.APPROVED: frozenset({R.RECEIVED, R.REJECTED}),
    R.RECEIVED: frozenset({R.REFUNDED}),
    R.REJECTED: frozenset(),
    R.REFUNDED: frozenset(),
}
RETURNABLE_ORDER_STATUSES = {OrderStatus.DELIVERED, OrderStatus.PARTIALLY_REFUNDED}


class ReturnRequest(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    status = models.CharField(
        max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED, editable=False
    )
    reason = models.TextField(max_length=2000)
    staff_note = models.CharField(max_length=500, blank=True)
    restocked = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Return of order {self.order.number} ({self.get_status_display()})"

    def line_amounts(self) -> list[tuple["ReturnLine", Decimal]]:
        """Each return line with what its units not refunded yet were paid
        (orders.allocation). Reads the prefetched order lines and return lines when there are."""
        if self.status == ReturnStatus.REFUNDED:  # what its refund gave back for each line
            paid: dict[int, Decimal] = {}
            for refund in self.refunds.all():
                for refund_line in refund.lines.all():
                    paid[refund_line.order_line_id] = (
                        paid.get(refund_line.order_line_id, ZERO) + refund_line.amount
                    )
            return [(line, paid.pop(line.order_line_id, ZERO)) for line in self.lines.all()]
        order = self.order
        order_lines = {line.pk: line for line in order.lines.all()}
        shares = order_shares(order, order_lines.values())
        rows, taken = [], {}
        for line in self.lines.all():
            order_line = order_lines[line.order_line_id]
            already = order_line.refunded_quantity + taken.get(order_line.pk, 0)
            units = max(min(line.quantity, order_line.quantity - already), 0)
            taken[order_line.pk] = taken.get(order_line.pk, 0) + units
            rows.append((line, shares.lines[order_line.pk].worth(already, units)[0]))
        return rows

    @property
    def amount(self) -> Decimal:
        """What the return gives back: once refunded, its ledger rows; before, its lines'
        worth within what is left on the order."""
        if self.status == ReturnStatus.REFUNDED:
            return sum((refund.amount for refund in self.refunds.all()), ZERO)
        total = sum((amount for _, amount in self.line_amounts()), ZERO)
        return min(total, self.order.refundable_amount)


class ReturnLine(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.quantity} × {self.order_line.sku}"
