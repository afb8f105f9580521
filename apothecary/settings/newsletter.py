"""The newsletter: double opt-in sign-up, rate limits, confirmation links.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os

from .base import INSTALLED_APPS

# -- Newsletter: double opt-in sign-up, rate limits, confirmation links ----------------------
# The newsletter app (apothecary.newsletter): the footer's sign-up form, /newsletter/ pages,
# the subscriber list in the admin.
INSTALLED_APPS += ["apothecary.newsletter"]
# Sign-ups per visitor address, and per email address (each one sends a confirmation email),
# in each window of NEWSLETTER_LIMIT_WINDOW_SECONDS; past either the form answers 429.
NEWSLETTER_LIMIT_PER_IP = int(os.environ.get("NEWSLETTER_LIMIT_PER_IP", "10"))
NEWSLETTER_LIMIT_PER_EMAIL = int(os.environ.get("NEWSLETTER_LIMIT_PER_EMAIL", "3"))
NEWSLETTER_LIMIT_WINDOW_SECONDS = int(os.environ.get("NEWSLETTER_LIMIT_WINDOW_SECONDS", "3600"))
# How long a confirmation link works (seconds); an older one answers 410.
NEWSLETTER_CONFIRM_MAX_AGE_SECONDS = int(
    os.environ.get("NEWSLETTER_CONFIRM_MAX_AGE_SECONDS", str(3 * 86400))
)
# Days an address that signed up but never confirmed is kept (apply_retention, newsletter_pending).
NEWSLETTER_PENDING_RETENTION_DAYS = int(os.environ.get("NEWSLETTER_PENDING_RETENTION_DAYS", "30"))
