"""Accounts on django-allauth: sign-in, sign-up, reset, email change, staff two-factor.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os

from .base import DEBUG, INSTALLED_APPS, MIDDLEWARE, env_bool
from .logins import (
    EMAIL_CHANGE_LIMIT_PER_USER,
    PASSWORD_RESET_LIMIT_PER_EMAIL,
    PASSWORD_RESET_LIMIT_PER_IP,
)

# -- Accounts: django-allauth (sign-in, sign-up, reset, email change, staff two-factor) -------
# Customers and staff sign in with their email address on allauth's pages under /account/
# (apothecary.accounts.adapter sends its emails through the outbox, links on
# WAGTAILADMIN_BASE_URL). django-axes still guards every authenticate() call: its backend
# comes first, allauth's (email login) second.
# (django.contrib.humanize: allauth's two-factor pages load its template tags.)
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa", "django.contrib.humanize"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
    "allauth.account.middleware.AccountMiddleware",
)
# Staff without an authenticator who open the admin are sent to set up TOTP first.
MIDDLEWARE.append("apothecary.accounts.middleware.StaffTwoFactorMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"  # allauth's sign-in page (was the hand-written accounts:login)
ACCOUNT_ADAPTER = "apothecary.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "apothecary.accounts.forms.SignupForm",
    "reset_password": "apothecary.accounts.forms.ResetPasswordForm",
}
# accounts.User has no username: the email address is the login and the unique key.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# A new account signs in once its address is confirmed (the link allauth sends), which then
# also brings in the guest orders placed with it (orders.accounts). Accounts made before
# allauth or by staff tools count as confirmed (accounts migration 0002, receivers).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # the link shows a button: a GET changes nothing
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = int(os.environ.get("EMAIL_CONFIRMATION_DAYS", "1"))
# One address per account, replaced by a new one only once the new one is confirmed; the old
# address is told of every change of address or password (ACCOUNT_EMAIL_NOTIFICATIONS).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Changing the address (and the two-factor settings) asks for the password again when the
# last sign-in is older than ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (allauth: 300).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_PREVENT_ENUMERATION = True  # a reset request answers the same for any address
# A password change keeps this session and ends every other (allauth logs them out).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True  # a session lasts SESSION_COOKIE_AGE, as before
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the adapter puts the brand's name in front
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False  # after a reset, sign in with the new password
ACCOUNT_LOGOUT_REDIRECT_URL = "/"  # where signing out lands
ACCOUNT_SIGNUP_REDIRECT_URL = "/account/"  # a new account lands on its page
# Reset requests per hour, per visitor address and per email address; past either, 429. The
# reset link works once and for PASSWORD_RESET_TIMEOUT seconds (Django's token). Failed
# logins are axes' job (settings "-- Logins"), so allauth's own count of them is off.
ACCOUNT_RATE_LIMITS = {
    "reset_password": f"{PASSWORD_RESET_LIMIT_PER_IP}/h/ip,{PASSWORD_RESET_LIMIT_PER_EMAIL}/h/key",
    "manage_email": f"{EMAIL_CHANGE_LIMIT_PER_USER}/h/user",
    "login_failed": None,
    "login": None,
}
# Wagtail's admin and private pages sign in on allauth's page (two-factor included): no
# password-only login is left. The admin's login URL stays /admin/login/, which urls.py
# answers with a redirect to allauth's page (next= kept), or a 403 page for a signed-in
# account without admin access (pointing the admin straight at allauth's page would send such
# an account round in a loop: allauth returns a signed-in visitor to next=/admin/).
WAGTAILADMIN_LOGIN_URL = "/admin/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/account/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False  # staff reset their password like customers
# Two-factor (allauth.mfa): an authenticator app (TOTP) with one-use recovery codes, and
# security keys (WebAuthn). TOTP codes carry the brand's name in the app.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Apothecary")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # security keys on http://127.0.0.1 in dev only
MFA_PASSKEY_LOGIN_ENABLED = False
# Staff must set up two-factor before they use the admin: on in production, off in the
# embedded (DEBUG) mode; STAFF_MFA_REQUIRED=0/1 decides either way.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", not DEBUG)
# A reset asked for an address without an account sends nothing (no mail to strangers).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
