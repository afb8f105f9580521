"""Email delivery: how long an SMTP connection may hang.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os

# -- Email delivery and logs -----------------------------------------------------------------
# Every customer email is a row of the outbox (core.outbox), sent after commit; a failure is
# retried by `manage.py send_outbox` (every minute) after BASE, 2 x BASE, 4 x BASE ... seconds,
# at most MAX seconds apart, and given up after MAX_ATTEMPTS (logged as an error).
EMAIL_RETRY_BASE_SECONDS = int(os.environ.get("EMAIL_RETRY_BASE_SECONDS", "60"))
EMAIL_RETRY_MAX_SECONDS = int(os.environ.get("EMAIL_RETRY_MAX_SECONDS", "3600"))
EMAIL_RETRY_MAX_ATTEMPTS = int(os.environ.get("EMAIL_RETRY_MAX_ATTEMPTS", "12"))
# Seconds an SMTP connection may hang before the attempt counts as failed (Django: forever).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# Where Django's file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
# writes each message: `make prod` uses it on a machine with no mail server.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "") or None
