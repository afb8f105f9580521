"""What django-axes needs from us (settings "-- Logins"): the account a login attempt names,
the page a locked-out visitor sees, and the end of a lockout when the password changes
(receivers.py calls it, and logs every login)."""

from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse


def attempted_username(request, credentials=None) -> str:
    """The account an attempt names, as the User model stores it (emails are kept in lower
    case), so that "Ada@Example.com " and "ada@example.com" count as one account."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("login") or data.get("username") or data.get("email")
    return str(value or "").strip().lower()[:255]


def cool_off_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return round(cool_off.total_seconds() / 60) if cool_off else 0


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a login refused because of too many failures: 429 and a page saying
    when to come back and the way out (a password reset), the same whether the account
    exists or not. Staff sign in on the same page as customers (the admin's login sends
    there), so there is one lockout page."""
    context = {"minutes": cool_off_minutes(request), "reset_url": reverse("account_reset_password")}
    response = render(
        request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    if context["minutes"]:
        response["Retry-After"] = str(context["minutes"] * 60)
    return response


def end_lockout(user) -> int:
    """Forget the account's failed logins (from every address): its password was just reset
    or changed, so whoever knows the new one may sign in at once."""
    return axes_reset(username=user.get_username()) if user.get_username() else 0
