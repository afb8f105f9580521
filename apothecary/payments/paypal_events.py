"""PayPal's webhook events: each verified with PayPal's verify-webhook-signature API (PayPal
signs with a certificate chain; asking PayPal is its documented way to check one), then applied
once (WebhookEvent). A capture (or v1 sale) completed pays its payment when the return from
PayPal did not already; a refund made at PayPal is written in the order's ledger once."""

import logging
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.db import transaction
from payments import PaymentStatus

from apothecary.core.money import format_money
from apothecary.orders.attention import order_flag
from apothecary.orders.models import AttentionReason
from apothecary.orders.refunds import RefundError, refund_record

from .models import Payment, WebhookEvent
from .services import payment_not_paid_as_asked, payment_refunded_at_provider

logger = logging.getLogger(__name__)

COMPLETED_EVENTS = {"PAYMENT.CAPTURE.COMPLETED", "PAYMENT.SALE.COMPLETED"}
REFUNDED_EVENTS = {"PAYMENT.CAPTURE.REFUNDED", "PAYMENT.SALE.REFUNDED"}
# The transmission headers PayPal sends with each event, and the API's names for them.
TRANSMISSION_HEADERS = {
    "auth_algo": "PayPal-Auth-Algo",
    "cert_url": "PayPal-Cert-Url",
    "transmission_id": "PayPal-Transmission-Id",
    "transmission_sig": "PayPal-Transmission-Sig",
    "transmission_time": "PayPal-Transmission-Time",
}
SETTLED = (PaymentStatus.CONFIRMED, PaymentStatus.PREAUTH, PaymentStatus.REFUNDED)


class PaypalUnavailable(Exception):
    """PayPal could not verify the event just now: the webhook answers 503, PayPal retries."""


def _provider():
    from payments.core import provider_factory

    return provider_factory("paypal")


def paypal_event_verified(*, event: dict, headers) -> str:
    """Why PayPal does not vouch for `event` (sent with `headers`), or "" when it does: its
    verify-webhook-signature API must answer SUCCESS for our PAYPAL_WEBHOOK_ID."""
    sent = {name: headers.get(header, "") for name, header in TRANSMISSION_HEADERS.items()}
    missing = [TRANSMISSION_HEADERS[name] for name, value in sent.items() if not value]
    if missing:
        return f"Missing {', '.join(missing)} header{'s' if len(missing) > 1 else ''}."
    provider = _provider()
    try:
        authorization = provider.get_access_token(None)
        response = requests.post(
            f"{provider.endpoint}/v1/notifications/verify-webhook-signature",
            json={**sent, "webhook_id": settings.PAYPAL_WEBHOOK_ID, "webhook_event": event},
            headers={"Authorization": authorization, "Content-Type": "application/json"},
            timeout=15,
        )
    except requests.RequestException as error:
        raise PaypalUnavailable(str(error)) from error
    if response.status_code >= 500:
        raise PaypalUnavailable(f"PayPal answered {response.status_code}")
    try:
        status = response.json().get("verification_status")
    except (ValueError, AttributeError):
        status = None
    if response.status_code != 200 or status != "SUCCESS":
        return f"PayPal did not verify the event ({status or response.status_code})."
    return ""


def _amount(resource: dict) -> tuple[Decimal | None, str]:
    """(value, currency) of a v2 capture or refund ({value, currency_code}) or a v1 sale or
    refund ({total, currency})."""
    amount = resource.get("amount") if isinstance(resource.get("amount"), dict) else {}
    try:
        value = Decimal(str(amount.get("value", amount.get("total", ""))))
    except InvalidOperation:
        value = None
    return value, str(amount.get("currency_code", amount.get("currency", "")))


def _payment_of(resource: dict) -> Payment | None:
    """The PayPal payment a capture, sale or refund belongs to: by the v1 parent payment or v2
    order id (our transaction_id), else by our token as custom_id or invoice_id."""
    related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
    ids = [resource.get("parent_payment"), related.get("order_id")]
    ids = [value for value in ids if isinstance(value, str) and value]
    payments = Payment.objects.select_for_update().filter(variant="paypal")
    if ids:
        found = payments.filter(transaction_id__in=ids).first()
        if found is not None:
            return found
    tokens = [resource.get("custom_id"), resource.get("invoice_id")]
    tokens = [value for value in tokens if isinstance(value, str) and value]
    return payments.filter(token__in=tokens).first() if tokens else None


def paypal_event_apply(*, event: dict) -> str:
    """Apply one verified PayPal event, once: its id is recorded in the same transaction, so
    a replay changes nothing. Returns what was done."""
    kind = event.get("event_type", "")
    if kind not in COMPLETED_EVENTS | REFUNDED_EVENTS:
        return "ignored"
    with transaction.atomic():
        _, created = WebhookEvent.objects.get_or_create(
            provider="paypal", event_id=event["id"], defaults={"event_type": kind[:100]}
        )
        if not created:
            return "already processed"
        resource = event["resource"]
        payment = _payment_of(resource)
        if payment is None:
            logger.warning("paypal event %s: no payment for %s", event["id"], resource.get("id"))
            return "no such payment"
        if kind in COMPLETED_EVENTS:
            return _completed(payment, resource)
        return _refunded(payment, resource)


def _completed(payment: Payment, resource: dict) -> str:
    if payment.status in SETTLED:
        return "already confirmed"  # the shopper's return executed it (the usual case)
    if str(resource.get("status", resource.get("state", ""))).lower() != "completed":
        return "waiting for payment"
    value, currency = _amount(resource)
    if value != payment.total or currency != payment.currency:
        payment_not_paid_as_asked(
            payment=payment,
            problem=f"PayPal: captured {value} {currency}, not {payment.total} {payment.currency}",
            paid=True,
        )
        return "amount mismatch"
    Payment.objects.filter(pk=payment.pk).update(captured_amount=payment.total)
    payment.captured_amount = payment.total
    payment.change_status(PaymentStatus.CONFIRMED)
    return "confirmed"


def _refunded(payment: Payment, resource: dict) -> str:
    value, currency = _amount(resource)
    refund_id = resource.get("id") or ""
    if not value or value <= 0 or currency != payment.currency or not refund_id:
        return "ignored: not a refund of this payment"
    if payment.status != PaymentStatus.CONFIRMED or payment.surplus_reason:
        return "ignored: the payment holds none of the order's money"
    reference = f"paypal:{refund_id}"
    try:
        made = refund_record(
            order=payment.order,
            amount=value,
            reference=reference,
            reason="Refunded at PayPal",
            actor_label="PayPal",
        )
    except RefundError as error:
        note = f"{format_money(value, currency)} ({reference}) not recorded: {error}"
        made = None
    else:
        if made is None:
            return "already recorded"  # our own refund, told back
        note = f"Refunded at PayPal and recorded in the ledger: {format_money(value, currency)}"
        payment_refunded_at_provider(payment, value)
    order_flag(
        order=payment.order,
        reason=AttentionReason.REFUND_AT_PROVIDER,
        note=f"{note} ({reference}). Check the stock and tell the customer if needed.",
        actor_label="PayPal",
    )
    return "recorded" if made is not None else "refused"
