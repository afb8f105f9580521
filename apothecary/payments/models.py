"""A payment of an order through django-payments (dummy provider embedded, Stripe by keys)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from payments import PaymentStatus, PurchasedItem
from payments.models import BasePayment

# Statuses of a payment still in progress: the shopper may complete it.
OPEN_STATUSES = (PaymentStatus.WAITING, PaymentStatus.INPUT)


class Payment(BasePayment):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    # Set when the money of this payment is not the order's: it was confirmed for an order
    # cancelled already, or paid by another payment (orders.AttentionReason). Such a payment
    # is never refunded through the order's ledger; it may be refunded whole, once
    # (services.payment_refund_surplus).
    surplus_reason = models.CharField(max_length=30, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            # Webhooks find a payment by its token (Stripe's client_reference_id).
            models.UniqueConstraint(fields=["token"], name="payment_token_unique"),
            # An order has at most one payment in progress; payment_start reuses it.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="payment_one_open_per_order",
            ),
        ]

    def _absolute(self, path: str) -> str:
        scheme = "https" if settings.PAYMENT_USES_SSL else "http"
        return f"{scheme}://{settings.PAYMENT_HOST}{path}"

    def get_failure_url(self) -> str:
        return self._absolute(reverse("payments:pay", args=[self.order.token]))

    def get_success_url(self) -> str:
        return self._absolute(reverse("checkout:done", args=[self.order.token]))

    def get_process_url(self) -> str:
        # The library reverses an unnamespaced "process_payment"; ours lives under payments:.
        return reverse("payments:process_payment", kwargs={"token": self.token})

    def get_purchased_items(self):
        for line in self.order.lines.all():
            yield PurchasedItem(
                name=f"{line.product_title}, {line.variant_name}",
                sku=line.sku,
                quantity=line.quantity,
                price=line.unit_price,
                currency=self.currency,
            )


class WebhookEvent(models.Model):
    """Each provider event applied once: its id is kept under a unique constraint."""

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")
        ]

    def __str__(self):
        return f"{self.provider} {self.event_id}"
