"""System checks of the payment settings: a provider that takes money must be able to tell us
so in a way nobody can forge."""

from django.conf import settings
from django.core import checks


def _stripe_variants() -> list[str]:
    return [
        name
        for name, (path, _) in settings.PAYMENT_VARIANTS.items()
        if path.rsplit(".", 1)[-1].startswith("Stripe")
    ]


@checks.register(checks.Tags.security)
def check_webhook_secrets(app_configs=None, **kwargs):
    """payments.E001: a Stripe key without STRIPE_WEBHOOK_SECRET (every event would be
    refused, or worse, trusted unsigned); payments.W002: PayPal without PAYPAL_WEBHOOK_ID (its
    events cannot be verified)."""
    errors = []
    stripe_key = getattr(settings, "STRIPE_SECRET_KEY", "") or _stripe_variants()
    if stripe_key and not getattr(settings, "STRIPE_WEBHOOK_SECRET", ""):
        errors.append(
            checks.Error(
                "A Stripe key is set but STRIPE_WEBHOOK_SECRET is empty: Stripe's webhook "
                "events cannot be verified, so no Stripe payment would ever pay its order.",
                hint="Set STRIPE_WEBHOOK_SECRET to the signing secret of the endpoint "
                "/payments/stripe/webhook/ (whsec_…), from Stripe's dashboard.",
                id="payments.E001",
            )
        )
    if "paypal" in settings.PAYMENT_VARIANTS and not getattr(settings, "PAYPAL_WEBHOOK_ID", ""):
        errors.append(
            checks.Warning(
                "PayPal is configured but PAYPAL_WEBHOOK_ID is empty: PayPal's webhook events "
                "cannot be verified (they are refused), so refunds made at PayPal go unrecorded.",
                hint="Set PAYPAL_WEBHOOK_ID to the id PayPal gave the webhook "
                "/payments/webhooks/paypal/ of the REST app.",
                id="payments.W002",
            )
        )
    return errors
