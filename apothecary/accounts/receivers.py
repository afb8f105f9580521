"""One log line per login event (success, failure, lockout, logout) from every login form,
with the UTC time, the account as typed (control characters escaped, so a username cannot
forge a log line) and the client address; and the end of a lockout when a password changes."""

import logging
from datetime import UTC

from allauth.account.models import EmailAddress
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from apothecary.core.ratelimit import client_ip

from .throttle import attempted_username, end_lockout

logger = logging.getLogger("apothecary.accounts.logins")


def printable(value, limit: int = 254) -> str:
    """`value` on one line: CR, LF, tabs and other control characters as escapes."""
    text = str(value or "")[:limit]
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def _line(event: str, request, username: str) -> str:
    at = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = request.path if request is not None else "-"
    ip = client_ip(request) if request is not None else "-"
    return (
        f'login {event} at={at} username="{printable(username)}" ip={printable(ip)} '
        f"path={printable(path)}"
    )


@receiver(user_logged_in, dispatch_uid="accounts.log_login")
def log_login(sender, request, user, **kwargs):
    logger.info(_line("success", request, user.get_username()))


@receiver(user_login_failed, dispatch_uid="accounts.log_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username") or credentials.get("email") or ""
    logger.warning(_line("failure", request, username))


@receiver(user_locked_out, dispatch_uid="accounts.log_lockout")
def log_lockout(sender, request, username=None, ip_address=None, **kwargs):
    logger.warning(_line("lockout", request, username or attempted_username(request)))


@receiver(user_logged_out, dispatch_uid="accounts.log_logout")
def log_logout(sender, request, user, **kwargs):
    logger.info(_line("logout", request, user.get_username() if user else ""))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.end_lockout")
def end_lockout_on_new_password(sender, instance, created, **kwargs):
    """Django keeps the new raw password in `_password` from set_password() until save() has
    written it (then tells the password validators): a saved user with one has a new
    password, by a reset email, the admin, the account page or the changepassword command."""
    if not created and getattr(instance, "_password", None) is not None:
        end_lockout(instance)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.record_email")
def record_email_address(sender, instance, created, **kwargs):
    """An account made outside allauth's sign-up (createsuperuser, the admin, seed_demo, an
    affiliate application) gets its allauth address row at once, primary and counted as
    confirmed, as accounts were before allauth (accounts migration 0002): otherwise the
    mandatory verification would keep the owner's own admin account out."""
    if created and instance.email and not getattr(instance, "_allauth_signup", False):
        EmailAddress.objects.get_or_create(
            user=instance,
            email=instance.email.lower(),
            defaults={"primary": True, "verified": True},
        )
