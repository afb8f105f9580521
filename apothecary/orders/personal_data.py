"""Orders' personal data (privacy.registry). Orders are kept for the tax law, with the buyer's
name, address, email and phone replaced; amounts, products and the country (it decides the
tax) stay. Guest orders lose their personal data after PRIVACY_RETENTION_DAYS["guest_orders"]."""

import datetime

from django.conf import settings

from apothecary.privacy.erasure import anonymise_rows
from apothecary.privacy.registry import (
    anonymise,
    entry,
    erased_email,
    keep,
    register,
    register_retention,
    same,
)

from .models import Order
from .services import EDITABLE_FIELDS

ERASED = "Erased"
TAX = "kept with the order for the tax law"
CODE = "set by the shop or the system, never typed by the customer"

register(
    "orders.Order",
    title="orders",
    user=("user",),
    email=("email",),
    personal={
        "user": anonymise(None),  # the account goes (or stays only as an empty shell)
        "email": anonymise(erased_email),
        "shipping_name": anonymise(ERASED),
        "shipping_line1": anonymise(ERASED),
        "shipping_line2": anonymise(""),
        "shipping_city": anonymise(ERASED),
        "shipping_region": anonymise(""),
        "shipping_postcode": anonymise(""),
        "shipping_country": keep("the country decides the tax charged: " + TAX),
        "phone": anonymise(""),
        "billing_name": anonymise(""),
        "billing_line1": anonymise(""),
        "billing_line2": anonymise(""),
        "billing_city": anonymise(""),
        "billing_region": anonymise(""),
        "billing_postcode": anonymise(""),
        "billing_country": keep("the country decides the tax charged: " + TAX),
        "tracking_url": anonymise(""),
        "staff_note": anonymise("", waive_export="staff's internal note (may be withheld)"),
        "session_hash": anonymise("", waive_export="a keyed hash, meaningless outside the shop"),
        "client_ip_hash": anonymise("", waive_export="a keyed hash, meaningless outside the shop"),
    },
    not_personal={
        **same(CODE, "number", "idempotency_key", "status", "currency", "shipping_method"),
        **same(CODE, "discount_code", "carrier", "attention_reason", "attention_note"),
        "token": "a random secret for the order's page",
        "tracking_number": "the carrier's parcel number; the address it led to is erased",
    },
    hide={"token": "the secret of the order's page", "idempotency_key": "internal"},
)
register(
    "orders.OrderLine",
    title="order lines",
    user=("order__user",),
    email=("order__email",),
    not_personal=same(
        "a copy of the catalog's product at purchase", "product_title", "variant_name", "sku"
    ),
)


def _event_message(event) -> str:
    """An edit's history row ("Address: old → new") loses the values; other rows stay."""
    label, colon, _ = event.message.partition(":")
    if colon and label in EDITABLE_FIELDS.values():
        return f"{label}: {ERASED.lower()}"
    return event.message


register(
    "orders.OrderEvent",
    title="order history",
    user=("order__user",),
    email=("order__email",),
    personal={"message": anonymise(_event_message, waive_export="the shop's internal history")},
    not_personal={
        **same(CODE, "from_status", "to_status"),
        "actor_label": "who acted when not a person: 'payment provider', 'system'",
    },
)
register(
    "orders.Refund",
    title="refunds",
    user=("order__user",),
    email=("order__email",),
    personal={"reason": keep("the refund's accounting record: " + TAX)},
    not_personal={
        "actor_label": "who acted when not a person",
        "provider_reference": "the payment provider's reference",
    },
)
register(
    "orders.ReturnRequest",
    title="returns",
    user=("order__user",),
    email=("order__email",),
    personal={
        "reason": anonymise(ERASED),
        "staff_note": anonymise("", waive_export="staff's internal note"),
    },
    not_personal={"status": CODE},
)
register(
    "orders.ReturnLine",
    title="return lines",
    user=("request__order__user",),
    email=("request__order__email",),
)


def _old_guest_orders(now) -> dict[str, int]:
    days = settings.PRIVACY_RETENTION_DAYS["guest_orders"]
    cutoff = now - datetime.timedelta(days=days)
    old = Order.objects.filter(user__isnull=True, created_at__lt=cutoff).exclude(
        email__endswith="@erased.invalid"
    )
    return {"guest orders anonymised": anonymise_rows(entry("orders.Order"), old)}


register_retention("guest_orders", _old_guest_orders)
