"""The person's data: retention periods, emailed and download links, request limits.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os

from .base import INSTALLED_APPS

# -- Privacy: the person's data (apothecary.privacy) -----------------------------------------
INSTALLED_APPS += ["apothecary.privacy"]
# How long each kind of personal data is kept, in days; apply_retention (a daily task and a
# command) removes what is older, and the demo's privacy policy states the same periods
# (tests/privacy/test_retention.py compares them). The keys:
#   unpaid_carts      carts not checked out, counted from their last change: deleted
#   guest_orders      orders placed without an account: the buyer's name, address, email and
#                     phone replaced (amounts, products and country stay, as for an erasure)
#   contact_messages  contact form messages: deleted (the one source of this period)
#   referral_clicks   clicks on affiliates' links (hashed network address): deleted
#   consent_records   cookie consent records: deleted (applied by the consent app's rule)
PRIVACY_RETENTION_DAYS = {
    "unpaid_carts": int(os.environ.get("RETENTION_UNPAID_CARTS_DAYS", 30)),
    "guest_orders": int(os.environ.get("RETENTION_GUEST_ORDERS_DAYS", 7 * 365)),
    "contact_messages": int(os.environ.get("RETENTION_CONTACT_MESSAGES_DAYS", 365)),
    "referral_clicks": int(os.environ.get("RETENTION_REFERRAL_CLICKS_DAYS", 90)),
    "consent_records": int(os.environ.get("RETENTION_CONSENT_RECORDS_DAYS", 2 * 365)),
}
# How long an emailed link (a guest's export or erasure request) works, once.
PRIVACY_EMAIL_LINK_SECONDS = 24 * 3600
# How long a signed-in customer's export download link works.
PRIVACY_DOWNLOAD_LINK_SECONDS = 15 * 60
# Floods: at most this many export or erasure requests per window (per person and per
# network address), then 429.
PRIVACY_REQUEST_LIMIT = 5
PRIVACY_REQUEST_WINDOW_SECONDS = 3600
