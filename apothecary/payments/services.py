"""Every write about payments: starting one, reacting to its status and refunding. The
providers' webhook events are applied in stripe_events and paypal_events."""

import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from payments import PaymentError, PaymentStatus, RedirectNeeded
from phonenumber_field.phonenumber import to_python as phone_to_python

from apothecary.core.money import format_money
from apothecary.orders.attention import order_flag, order_note
from apothecary.orders.models import AttentionReason, Order, OrderStatus
from apothecary.orders.refunds import RefundError
from apothecary.orders.services import order_mark_paid

from .models import OPEN_STATUSES, Payment

logger = logging.getLogger(__name__)


# A payment in one of these has its money (or had it): a late rejection must not undo it.
SETTLED_STATUSES = (PaymentStatus.CONFIRMED, PaymentStatus.PREAUTH, PaymentStatus.REFUNDED)


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
        # One request at a time per payment: a double submit must not make two Stripe
        # sessions (the second waits here, then finds the first's session and follows it).
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        try:
            return locked.get_form(data=data)
        except RedirectNeeded as redirect:
            target = str(redirect)
    raise RedirectNeeded(target)


def payment_apply_status(*, payment: Payment) -> None:
    """React to the payment's status: a confirmed payment pays its order; a rejected one
    leaves the order waiting for another try. A payment confirmed for an order cancelled
    meanwhile, or paid by another payment, is surplus: the order is flagged for attention
    (and the payment refunded, when the setting allows). Safe to apply any number of times."""
    if payment.status == PaymentStatus.CONFIRMED:
        with transaction.atomic():
            _payment_confirmed(payment)
    elif payment.status in (PaymentStatus.REJECTED, PaymentStatus.ERROR):
        logger.info(
            "payment %s of order %s %s: %s; the order waits for another try",
            payment.pk,
            payment.order.number,
            payment.status,
            payment.message or "no message",
        )


def payment_not_paid_as_asked(*, payment: Payment, problem: str, paid: bool) -> None:
    """The provider's answer does not pay the payment as asked. When money was taken (for
    another amount or currency), a person decides: the order is flagged and the payment set
    to error; otherwise the payment is rejected and the order waits for another try."""
    if not paid:
        payment.change_status(PaymentStatus.REJECTED, problem[:255])
        return
    order_flag(
        order=payment.order,
        reason=AttentionReason.AMOUNT_MISMATCH,
        note=f"{problem} (payment {payment.pk}, {payment.variant} "
        f"{payment.transaction_id or 'no reference'}). Check it at the provider.",
        actor_label="payment provider",
    )
    payment.change_status(PaymentStatus.ERROR, problem[:255])


def _payment_confirmed(payment: Payment) -> None:
    # Our providers capture at once; the dummy provider does not record it. (The field's
    # default is the string "0.0" on an instance not read back from the database.)
    if Decimal(payment.captured_amount or 0) <= 0:
        Payment.objects.filter(pk=payment.pk).update(captured_amount=payment.total)
        payment.captured_amount = payment.total
    order = order_mark_paid(order=payment.order)
    order = Order.objects.select_for_update().get(pk=order.pk)  # one anomaly check at a time
    if Payment.objects.filter(pk=payment.pk).exclude(surplus_reason="").exists():
        return  # told already
    if order.status == OrderStatus.CANCELLED:
        _payment_surplus(payment, order, AttentionReason.PAID_AFTER_CANCELLATION)
    elif (
        order.payments.filter(status__in=SETTLED_STATUSES, surplus_reason="")
        .exclude(pk=payment.pk)
        .exists()
    ):
        _payment_surplus(payment, order, AttentionReason.DUPLICATE_PAYMENT)


def _payment_surplus(payment: Payment, order: Order, reason: str) -> None:
    """The payment's money is not the order's: mark it, flag the order and, when the setting
    allows, refund it whole after the commit."""
    Payment.objects.filter(pk=payment.pk).update(surplus_reason=reason)
    payment.surplus_reason = reason
    auto = settings.PAYMENTS_AUTO_REFUND_SURPLUS
    what = (
        "the order was cancelled before"
        if reason == AttentionReason.PAID_AFTER_CANCELLATION
        else "another payment had paid the order"
    )
    order_flag(
        order=order,
        reason=reason,
        note=(
            f"Payment {payment.pk} ({payment.variant}, {payment.transaction_id or 'no reference'})"
            f" took {format_money(payment.captured_amount, payment.currency)}, but {what}. "
            + (
                "It is being refunded automatically."
                if auto
                else "Refund it at the provider (PAYMENTS_AUTO_REFUND_SURPLUS is off)."
            )
        ),
        actor_label="payment provider",
    )
    if auto:
        from .tasks import refund_surplus_payment

        transaction.on_commit(
            lambda: refund_surplus_payment.enqueue(payment_id=payment.pk), robust=True
        )


def payment_refund_surplus(*, payment_id: int) -> str:
    """Refund a surplus payment whole through its provider, once: under the payment's row lock,
    only while it is still confirmed, and only while it is still surplus (its order cancelled,
    or paid by another payment not refunded). The order's ledger is not touched: the order's
    money is the other payment's. The order's history says what happened."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None or payment.status != PaymentStatus.CONFIRMED:
            return "nothing to refund"
        if not payment.surplus_reason:
            return "not surplus"
        order = payment.order
        if payment.surplus_reason == AttentionReason.PAID_AFTER_CANCELLATION:
            safe = order.status == OrderStatus.CANCELLED
        else:
            safe = (
                order.payments.filter(status=PaymentStatus.CONFIRMED, surplus_reason="")
                .exclude(pk=payment.pk)
                .exists()
            )
        if not safe:
            order_note(
                order=order,
                message=f"Payment {payment.pk} was not refunded automatically: the order's "
                "payments changed; a person decides.",
            )
            return "not safe"
        amount = Decimal(payment.captured_amount)
        try:
            payment.refund(amount)
        except (PaymentError, ValueError) as error:
            order_note(
                order=order,
                message=f"The automatic refund of payment {payment.pk} failed: {error}",
            )
            logger.error("surplus payment %s not refunded: %s", payment.pk, error)
            return "failed"
        made = getattr(payment.attrs, "refund", None)
        reference = made.get("id", "") if isinstance(made, dict) else ""
        order_note(
            order=order,
            message=f"Surplus payment {payment.pk} refunded automatically: "
            f"{format_money(amount, payment.currency)}"
            + (f" ({payment.variant}:{reference})" if reference else "."),
        )
        return "refunded"


def payment_refund(*, order: Order, amount: Decimal) -> str:
    """Give `amount` of `order` back through its confirmed payment, inside the ledger's
    transaction (orders.refunds.order_refund asks, and writes the ledger row). Returns the
    provider's reference for the row ("stripe:re_…"; a webhook telling of the same refund is
    then recognised), RefundError when the provider cannot or will not."""
    payment = (
        Payment.objects.select_for_update()
        .filter(
            order=order,
            status=PaymentStatus.CONFIRMED,
            captured_amount__gte=amount,
            surplus_reason="",  # a surplus payment's money is not the order's
        )
        .order_by("pk")
        .first()
    )
    if payment is None:
        raise RefundError(f"Order {order.number} has no confirmed payment to refund.")
    try:
        payment.refund(amount)
    except PaymentError as error:
        raise RefundError(f"The payment provider refused the refund: {error}") from error
    except ValueError as error:  # the library's own checks (status, captured amount)
        raise RefundError(f"The payment cannot be refunded: {error}") from error
    made = getattr(payment.attrs, "refund", None)  # Stripe keeps its Refund object here
    if isinstance(made, dict) and made.get("id"):
        return f"{payment.variant}:{made['id']}"
    return ""  # the dummy provider names no refund


def payment_refunded_at_provider(payment: Payment, amount: Decimal) -> None:
    """Keep the payment's captured amount as the provider's, so the next refund of ours asks
    for what is left (and its idempotency key is new)."""
    left = max(Decimal(payment.captured_amount) - amount, Decimal(0))
    Payment.objects.filter(pk=payment.pk).update(captured_amount=left)
    payment.captured_amount = left
    if left <= 0 and payment.status == PaymentStatus.CONFIRMED:
        payment.change_status(PaymentStatus.REFUNDED, "Refunded at the provider")
