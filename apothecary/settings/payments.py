"""Payments: webhook signatures and PayPal's webhook id.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os

# -- Payments: webhooks and tokens -----------------------------------------------------------
# A signed Stripe event is refused when its timestamp is further than this from now, in the
# past (a replay) or in the future (Stripe's library accepts those); Stripe's own is 300 s.
STRIPE_WEBHOOK_TOLERANCE_SECONDS = int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE_SECONDS", "300"))
# PayPal's id of our webhook (/payments/webhooks/paypal/): each event is verified with PayPal's
# verify-webhook-signature API against it; without it PayPal events are refused (and the
# payments.W002 system check warns when PayPal is configured).
PAYPAL_WEBHOOK_ID = os.environ.get("PAYPAL_WEBHOOK_ID", "")
