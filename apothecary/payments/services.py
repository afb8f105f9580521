"""Every write about payments: starting one, reacting to its status, refunding, and applying
the provider's webhook events (each once)."""

import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from payments import PaymentError, PaymentStatus, RedirectNeeded
from phonenumber_field.phonenumber import to_python as phone_to_python

from apothecary.core.money import format_money
from apothecary.orders.models import Order, OrderStatus
from apothecary.orders.refunds import RefundError
from apothecary.orders.services import order_mark_paid, order_transition

from .models import OPEN_STATUSES, Payment, WebhookEvent

logger = logging.getLogger(__name__)

# Order statuses in which money has been taken and may be given back.
REFUNDABLE_ORDER_STATUSES = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.PARTIALLY_REFUNDED,
    }
)


class OrderNotPayable(ValueError):
    """The order is not waiting for a payment (paid, cancelled…); the message says which."""


def _billing_fields(order: Order) -> dict:
    first, _, last = order.billing_name.strip().partition(" ")
    fields = {
        "billing_first_name": first,
        "billing_last_name": last,
        "billing_address_1": order.billing_line1,
        "billing_address_2": order.billing_line2,
        "billing_city": order.billing_city,
        "billing_postcode": order.billing_postcode,
        "billing_country_code": order.billing_country,
        "billing_country_area": order.billing_region,
        "billing_email": order.email,
    }
    # The phone as typed may not parse (no country code); the provider does without it.
    phone = phone_to_python(order.phone, region=order.billing_country or None)
    if phone and phone.is_valid():
        fields["billing_phone"] = phone
    return fields


def payment_start(*, order: Order, variant: str | None = None) -> Payment:
    """The order's open payment for its total, made now if it has none. An open payment of
    another provider or amount is cancelled here (no provider call) and replaced."""
    variant = variant or settings.PAYMENT_VARIANT
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not locked.is_payable:
            raise OrderNotPayable(
                f"Order {locked.number} is {locked.get_status_display().lower()}."
            )
        current = locked.payments.filter(status__in=OPEN_STATUSES).first()
        if current is not None:
            if (
                current.variant == variant
                and current.total == locked.total
                and current.currency == locked.currency
            ):
                return current
            current.change_status(PaymentStatus.CANCELLED, "Replaced by a new payment")
        return Payment.objects.create(
            order=locked,
            variant=variant,
            currency=locked.currency,
            total=locked.total,
            delivery=locked.shipping_amount,
            tax=locked.tax_amount,
            description=f"Order {locked.number}",
            **_billing_fields(locked),
        )


def payment_form(*, payment: Payment, data=None):
    """The provider's form for the payment, bound to `data` when given. A provider that
    wants the shopper elsewhere raises RedirectNeeded, after its writes are committed."""
    with transaction.atomic():
        try:
            return payment.get_form(data=data)
        except RedirectNeeded as redirect:
            target = str(redirect)
    raise RedirectNeeded(target)


def payment_apply_status(*, payment: Payment) -> None:
    """React to the payment's status: a confirmed payment pays its order; a rejected one
    leaves the order waiting for another try. Safe to apply any number of times."""
    if payment.status == PaymentStatus.CONFIRMED:
        # Our providers capture at once; the dummy provider does not record it. (The field's
        # default is the string "0.0" on an instance not read back from the database.)
        if Decimal(payment.captured_amount or 0) <= 0:
            Payment.objects.filter(pk=payment.pk).update(captured_amount=payment.total)
            payment.captured_amount = payment.total
        order = order_mark_paid(order=payment.order)
        if order.status == OrderStatus.CANCELLED:
            logger.error(
                "payment %s confirmed for cancelled order %s: refund it",
                payment.pk,
                order.number,
            )
        elif order.payments.filter(status=PaymentStatus.CONFIRMED).exclude(pk=payment.pk).exists():
            logger.error(
                "payment %s confirmed for order %s, which another payment had paid: refund it",
                payment.pk,
                order.number,
            )
    elif payment.status in (PaymentStatus.REJECTED, PaymentStatus.ERROR):
        logger.info(
            "payment %s of order %s %s: %s; the order waits for another try",
            payment.pk,
            payment.order.number,
            payment.status,
            payment.message or "no message",
        )


def payment_refund(*, order: Order, amount: Decimal, actor=None) -> Order:
    """Give `amount` back through the provider, then mark the order partially refunded, or
    refunded when nothing is left. Refuses amounts ≤ 0 or above what is refundable."""
    amount = Decimal(amount)
    if amount <= 0:
        raise RefundError("A refund must be more than zero.")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in REFUNDABLE_ORDER_STATUSES:
            raise RefundError(
                f"Order {locked.number} is {locked.get_status_display().lower()}: "
                "there is no payment to refund."
            )
        if amount > locked.refundable_amount:
            raise RefundError(
                f"At most {format_money(locked.refundable_amount, locked.currency)} can be "
                f"refunded on order {locked.number}."
            )
        payment = locked.payments.filter(status=PaymentStatus.CONFIRMED).first()
        if payment is None:
            raise RefundError(f"Order {locked.number} has no confirmed payment to refund.")
        try:
            payment.refund(amount)
        except PaymentError as error:
            raise RefundError(f"The payment provider refused the refund: {error}") from error
        except ValueError as error:  # the library's own checks (status, captured amount)
            raise RefundError(f"The payment cannot be refunded: {error}") from error
        refunded = locked.refunded_amount + amount
        to = OrderStatus.REFUNDED if refunded == locked.total else OrderStatus.PARTIALLY_REFUNDED
        return order_transition(
            order=order,
            to=to,
            actor=actor,
            message=f"Refunded {format_money(amount, locked.currency)}",
            refunded_amount=refunded,
        )


# Stripe Checkout events we act on, and what each means for the payment.
STRIPE_CONFIRMING_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
}
STRIPE_REJECTING_EVENTS = {
    "checkout.session.expired",
    "checkout.session.async_payment_failed",
}
STRIPE_EVENTS = STRIPE_CONFIRMING_EVENTS | STRIPE_REJECTING_EVENTS
# A payment in one of these has its money (or had it): a late rejection must not undo it.
SETTLED_STATUSES = (PaymentStatus.CONFIRMED, PaymentStatus.PREAUTH, PaymentStatus.REFUNDED)


def _stripe_amount(payment: Payment) -> int:
    from payments.stripe.providers import zero_decimal_currency

    factor = 1 if payment.currency.lower() in zero_decimal_currency else 100
    return int(payment.total * factor)


def stripe_event_apply(*, event: dict) -> str:
    """Apply one verified Stripe event, once: its id is recorded in the same transaction,
    so a replay changes nothing. Returns what was done, for the webhook's answer."""
    kind = event.get("type", "")
    if kind not in STRIPE_EVENTS:
        return "ignored"
    with transaction.atomic():
        _, created = WebhookEvent.objects.get_or_create(
            provider="stripe", event_id=event["id"], defaults={"event_type": kind}
        )
        if not created:
            return "already processed"
        session = event.get("data", {}).get("object", {})
        token = session.get("client_reference_id") or ""
        payment = Payment.objects.select_for_update().filter(token=token).first()
        if payment is None:
            logger.warning("stripe event %s: no payment with token %r", event["id"], token)
            return "no such payment"
        if kind in STRIPE_CONFIRMING_EVENTS:
            return _stripe_confirm(payment=payment, session=session, event_id=event["id"])
        if payment.status in SETTLED_STATUSES:
            return "ignored: payment already settled"
        payment.change_status(PaymentStatus.REJECTED, f"Stripe: {kind}")
        return "rejected"


def _stripe_confirm(*, payment: Payment, session: dict, event_id: str) -> str:
    if session.get("payment_status") != "paid":
        return "waiting for payment"
    if payment.status in SETTLED_STATUSES:
        return "already confirmed"
    amount, currency = session.get("amount_total"), session.get("currency", "")
    if amount != _stripe_amount(payment) or currency.lower() != payment.currency.lower():
        logger.error(
            "stripe event %s: session paid %s %s, payment %s is for %s %s",
            event_id,
            amount,
            currency,
            payment.pk,
            payment.total,
            payment.currency,
        )
        return "amount mismatch"
    payment.transaction_id = session.get("id", "")
    payment.captured_amount = payment.total
    payment.attrs.session = session
    payment.save(update_fields=["transaction_id", "captured_amount", "extra_data"])
    payment.change_status(PaymentStatus.CONFIRMED)
    return "confirmed"
