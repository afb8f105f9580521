"""Stripe's webhook events, each applied once (WebhookEvent): a Checkout Session completed
pays its payment, one expired rejects it, and a charge refunded at Stripe is written in the
order's ledger. Events may come in any order: a refund told before the completion is kept and
applied to what Stripe says when the completion comes (the refunds are asked of Stripe)."""

import logging
from decimal import Decimal

import stripe
from django.db import transaction
from payments import PaymentStatus

from apothecary.core.money import format_money, quantize
from apothecary.orders.attention import order_flag, order_note
from apothecary.orders.models import AttentionReason, OrderStatus
from apothecary.orders.refunds import RefundError, refund_record
from apothecary.orders.services import order_cancel

from .models import Payment, WebhookEvent
from .services import SETTLED_STATUSES, payment_refunded_at_provider

logger = logging.getLogger(__name__)

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
    if getattr(payment.attrs, "refunded_unconfirmed", None):
        return "ignored: refunded at Stripe before the completion arrived"
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
    early = getattr(payment.attrs, "early_charge", None)
    if isinstance(early, dict):  # a partial refund told before: recorded now, as Stripe has it
        _stripe_charge_refunded(charge=early, event_id=event_id)
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
    if getattr(payment.attrs, "refunded_unconfirmed", None):
        return "ignored: refunded at Stripe before the completion arrived"
    try:
        refunds = _stripe_charge_refunds(payment, charge)
    except stripe.StripeError as error:
        raise StripeUnavailable(str(error)) from error
    if payment.status not in SETTLED_STATUSES:
        return _stripe_refunded_before_completion(payment, charge, refunds)
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
                payment_refunded_at_provider(payment, amount)
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
            payment_refunded_at_provider(payment, amount)
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


def _refunded_cents(refunds: list[dict]) -> int:
    return sum(
        int(refund.get("amount") or 0)
        for refund in refunds
        if refund.get("status") in ("succeeded", "pending")
    )


def _stripe_refunded_before_completion(payment: Payment, charge: dict, refunds) -> str:
    """A charge refunded before its session's completion reached us (events come in any
    order). Refunded whole, the payment is marked refunded and the order cancelled (its stock
    back on sale; the completion, when it comes, then changes nothing and no "payment
    received" email goes out). Refunded in part, the charge is kept: the completion pays the
    order, then records the refunds as Stripe has them then."""
    order = payment.order
    refunded = _refunded_cents(refunds)
    payment.attrs.early_charge = {
        "id": charge.get("id"),
        "payment_intent": charge.get("payment_intent"),
        "metadata": {"token": payment.token},
    }
    if refunded < _stripe_amount(payment):
        payment.save(update_fields=["extra_data"])
        order_note(
            order=order,
            message=f"Stripe refunded {refunded} (smallest unit) of charge {charge.get('id')} "
            "before the payment was confirmed; recorded when it is.",
            actor_label="Stripe",
        )
        return "partial refund before the completion: kept for it"
    payment.attrs.refunded_unconfirmed = [refund.get("id") for refund in refunds]
    payment.save(update_fields=["extra_data"])
    payment.change_status(PaymentStatus.REFUNDED, "Paid and refunded at Stripe before confirmed")
    reason = (
        f"Paid and refunded whole at Stripe (charge {charge.get('id')}) before the payment "
        "reached the store"
    )
    if order.status == OrderStatus.PENDING_PAYMENT:
        order_cancel(order=order, actor_label="Stripe", reason=reason)
        return "refunded before the completion: order cancelled"
    order_note(order=order, message=reason + ".", actor_label="Stripe")
    return "refunded before the completion"


class StripeUnavailable(Exception):
    """Stripe could not be asked (its refunds of a charge): the webhook answers 503 so that
    Stripe delivers the event again."""
