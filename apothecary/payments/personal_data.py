"""Payments' personal data (privacy.registry): a payment is kept with its order for the tax
law; the buyer's details on it are replaced. django-payments' fields are declared here, as
they are columns of our Payment table."""

import datetime

from django.conf import settings

from apothecary.privacy.erasure import anonymise_rows
from apothecary.privacy.registry import anonymise, entry, keep, register, register_retention, same

from .models import Payment

PROVIDER = "the payment provider's codes and references, needed to reconcile the accounts"

register(
    "payments.Payment",
    title="payments",
    user=("order__user",),
    email=("billing_email", "order__email"),
    personal={
        **{
            name: anonymise("")
            for name in (
                "billing_first_name",
                "billing_last_name",
                "billing_address_1",
                "billing_address_2",
                "billing_city",
                "billing_postcode",
                "billing_country_area",
                "billing_email",
                "billing_phone",
            )
        },
        "billing_country_code": keep("the country decides the tax charged: kept for the tax law"),
        "customer_ip_address": anonymise(None, waive_export="a network address: not kept"),
        "extra_data": anonymise("", waive_export="the provider's raw answer"),
        "description": anonymise("Order"),
        "message": anonymise(""),
    },
    not_personal={
        **same(PROVIDER, "variant", "status", "fraud_status", "fraud_message", "transaction_id"),
        **same(PROVIDER, "currency", "surplus_reason"),
        "token": "a random id the provider echoes back",
    },
    hide={"token": "internal id"},
)
register("payments.WebhookEvent", not_personal=same(PROVIDER, "provider", "event_id", "event_type"))


def _old_guest_payments(now) -> dict[str, int]:
    cutoff = now - datetime.timedelta(days=settings.PRIVACY_RETENTION_DAYS["guest_orders"])
    old = Payment.objects.filter(order__user__isnull=True, order__created_at__lt=cutoff).exclude(
        billing_email=""
    )
    return {"guest payments anonymised": anonymise_rows(entry("payments.Payment"), old)}


register_retention("guest_orders:payments", _old_guest_payments)
