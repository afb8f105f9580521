"""Logins: throttles and lockouts (django-axes), page passwords, password reset limits.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os
from datetime import timedelta

from .base import INSTALLED_APPS, MIDDLEWARE

# -- Logins: throttles and lockouts (django-axes), password reset and change ----------------
# Every call of django.contrib.auth.authenticate() (admin, customer, affiliate and Wagtail's
# private-page logins) goes through axes first: past AXES_FAILURE_LIMIT failures in
# AXES_COOLOFF_TIME by one account (from anywhere) or from one IP address (for any account),
# the login answers 429 with a page saying when to come back, even with the right password.
# The count is kept in the database (not the cache: a dead Redis never opens the gate).
INSTALLED_APPS += ["axes"]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
# Attempts during a lockout are refused without being counted: a lockout ends
# AXES_COOLOFF_TIME after the failure that started it, whatever is tried meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True  # a right password (when not locked out) clears the count
AXES_USERNAME_FORM_FIELD = "username"  # authenticate(username=...) on every login form
AXES_USERNAME_CALLABLE = "apothecary.accounts.throttle.attempted_username"
AXES_CLIENT_IP_CALLABLE = "apothecary.core.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "apothecary.accounts.throttle.lockout_response"
# No table of every login and its IP address kept for ever: the log lines are the record.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False  # our own log lines (accounts.throttle) say who, from where, when
# Wagtail's page-password form: POSTs per IP address (any page) and per restriction (from
# everywhere) in PAGE_PASSWORD_WINDOW_SECONDS; past either, 429 until the window ends.
PAGE_PASSWORD_LIMIT_PER_IP = int(os.environ.get("PAGE_PASSWORD_LIMIT_PER_IP", "10"))
PAGE_PASSWORD_LIMIT_PER_RESTRICTION = int(
    os.environ.get("PAGE_PASSWORD_LIMIT_PER_RESTRICTION", "100")
)
PAGE_PASSWORD_WINDOW_SECONDS = int(os.environ.get("PAGE_PASSWORD_WINDOW_SECONDS", "900"))
# Customers' password reset: the link works once and for this long; requests per hour.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60)))
PASSWORD_RESET_LIMIT_PER_IP = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "10"))
PASSWORD_RESET_LIMIT_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "3"))
# Email changes asked per account and hour (allauth's "manage_email" limit, below); the
# confirmation link's lifetime is ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS.
EMAIL_CHANGE_LIMIT_PER_USER = int(os.environ.get("EMAIL_CHANGE_LIMIT_PER_USER", "5"))  # /hour
