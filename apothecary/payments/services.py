"""Every write about payments: starting one, reacting to its status, refunding, and applying
the provider's webhook events (each once)."""

import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import transaction
from payments import PaymentError, PaymentStatus, RedirectNeeded
from phonenumber_field.phonenumber import to_python as phone_to_python

from apothecary.core.money import format_money, quantize
from apothecary.orders.attention import order_flag, order_note
from apothecary.orders.models import AttentionReason, Order, OrderStatus
from apothecary.orders.refunds import RefundError, refund_record
from apothecary.orders.services import order_mark_paid

from .models import OPEN_STATUSES, Payment, WebhookEvent

logger = logging.getLogger(__name__)


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


# Stripe Checkout events we act on, and what each means for the payment.
STRIPE_CONFIRMING_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
}
STRIPE_REJECTING_EVENTS = {
    "checkout.session.expired",
    "checkout.session.async_payment_failed",
}
# A refund made at Stripe (its dashboard), or one of ours told back: the ledger records each once.
STRIPE_REFUND_EVENT = "charge.refunded"
STRIPE_EVENTS = STRIPE_CONFIRMING_EVENTS | STRIPE_REJECTING_EVENTS | {STRIPE_REFUND_EVENT}
# A payment in one of these has its money (or had it): a late rejection must not undo it.
SETTLED_STATUSES = (PaymentStatus.CONFIRMED, PaymentStatus.PREAUTH, PaymentStatus.REFUNDED)


def _stripe_factor(currency: str) -> int:
    from payments.stripe.providers import zero_decimal_currency

    return 1 if currency.lower() in zero_decimal_currency else 100


def _stripe_amount(payment: Payment) -> int:
    return int(payment.total * _stripe_factor(payment.currency))


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
        if kind == STRIPE_REFUND_EVENT:
            return _stripe_charge_refunded(charge=event["data"]["object"], event_id=event["id"])
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
        # The customer paid, but not what the order asks: a person decides (the payment stays
        # open, the order unpaid, and it is not cancelled for being late while flagged).
        order_flag(
            order=payment.order,
            reason=AttentionReason.AMOUNT_MISMATCH,
            note=(
                f"Stripe session {session.get('id', '?')} (event {event_id}) paid {amount} "
                f"{currency.upper()} in the currency's smallest unit; payment {payment.pk} is "
                f"for {format_money(payment.total, payment.currency)}."
            ),
            actor_label="payment provider",
        )
        return "amount mismatch"
    payment.transaction_id = session.get("id", "")
    payment.captured_amount = payment.total
    payment.attrs.session = session
    payment.save(update_fields=["transaction_id", "captured_amount", "extra_data"])
    payment.change_status(PaymentStatus.CONFIRMED)
    return "confirmed"


def _stripe_charge_payment(charge: dict) -> Payment | None:
    """The payment a charge belongs to: by our token in its metadata, else by its payment
    intent, which the confirmed session kept (payment.attrs.session)."""
    metadata = charge.get("metadata") if isinstance(charge.get("metadata"), dict) else {}
    token = metadata.get("token") or ""
    if token:
        return Payment.objects.select_for_update().filter(token=token).first()
    intent = charge.get("payment_intent") or ""
    if not isinstance(intent, str) or not intent.startswith("pi_"):
        return None
    for payment in Payment.objects.select_for_update().filter(extra_data__contains=intent):
        session = getattr(payment.attrs, "session", None)
        if isinstance(session, dict) and session.get("payment_intent") == intent:
            return payment
    return None


def _stripe_charge_refunds(payment: Payment, charge: dict) -> list[dict]:
    """The charge's refunds: in the event when Stripe put them there (older API versions),
    else asked of Stripe."""
    listed = charge.get("refunds")
    if (
        isinstance(listed, dict)
        and isinstance(listed.get("data"), list)
        and not listed.get("has_more")
    ):
        return [r for r in listed["data"] if isinstance(r, dict)]
    from payments.core import provider_factory

    from .providers import _plain

    provider = provider_factory(payment.variant, payment)
    found = stripe.Refund.list(charge=charge.get("id"), limit=100, api_key=provider.api_key)
    return [_plain(r) for r in found.auto_paging_iter()]


def _stripe_charge_refunded(*, charge: dict, event_id: str) -> str:
    """Every refund of the charge not in the ledger yet is recorded there (our own refunds
    carry their reference already, so they are not recorded twice) and the order is flagged:
    a refund made at the provider is news to the staff. A surplus payment's refunds are not the
    order's: they are only noted in its history."""
    payment = _stripe_charge_payment(charge)
    if payment is None:
        logger.warning("stripe event %s: no payment for charge %s", event_id, charge.get("id"))
        return "no such payment"
    try:
        refunds = _stripe_charge_refunds(payment, charge)
    except stripe.StripeError as error:
        raise StripeUnavailable(str(error)) from error
    order, factor = payment.order, _stripe_factor(payment.currency)
    recorded, refused = [], []
    for refund in refunds:
        if refund.get("status") not in ("succeeded", "pending") or not refund.get("id"):
            continue
        reference = f"stripe:{refund['id']}"
        amount = quantize(Decimal(int(refund.get("amount") or 0)) / factor)
        if amount <= 0:
            continue
        if payment.surplus_reason:
            if not order.events.filter(message__contains=reference).exists():
                order_note(
                    order=order,
                    message=f"Stripe refunded {format_money(amount, payment.currency)} of "
                    f"surplus payment {payment.pk} ({reference}).",
                    actor_label="Stripe",
                )
                _payment_refunded_at_provider(payment, amount)
            continue
        try:
            made = refund_record(
                order=order,
                amount=amount,
                reference=reference,
                reason="Refunded at Stripe"
                + (f" ({refund['reason']})" if refund.get("reason") else ""),
                actor_label="Stripe",
            )
        except RefundError as error:
            refused.append(
                f"{format_money(amount, payment.currency)} ({reference}) not recorded: {error}"
            )
            continue
        if made is not None:
            recorded.append(f"{format_money(amount, payment.currency)} ({reference})")
            _payment_refunded_at_provider(payment, amount)
    if recorded or refused:
        order_flag(
            order=order,
            reason=AttentionReason.REFUND_AT_PROVIDER,
            note=(
                (
                    f"Refunded at Stripe and recorded in the ledger: {', '.join(recorded)}. "
                    if recorded
                    else ""
                )
                + "".join(f"{line} " for line in refused)
                + "Check the stock and tell the customer if needed."
            ),
            actor_label="Stripe",
        )
    return f"recorded {len(recorded)} refund(s)" + (f", {len(refused)} refused" if refused else "")


def _payment_refunded_at_provider(payment: Payment, amount: Decimal) -> None:
    """Keep the payment's captured amount as the provider's, so the next refund of ours asks
    for what is left (and its idempotency key is new)."""
    left = max(Decimal(payment.captured_amount) - amount, Decimal(0))
    Payment.objects.filter(pk=payment.pk).update(captured_amount=left)
    payment.captured_amount = left
    if left <= 0 and payment.status == PaymentStatus.CONFIRMED:
        payment.change_status(PaymentStatus.REFUNDED, "Refunded at the provider")


class StripeUnavailable(Exception):
    """Stripe could not be asked (its refunds of a charge): the webhook answers 503 so that
    Stripe delivers the event again."""
