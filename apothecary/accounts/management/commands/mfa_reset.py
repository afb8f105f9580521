"""The owner's way back in when a staff member lost their phone and their recovery codes:
`manage.py mfa_reset EMAIL` removes that account's authenticators (TOTP, recovery codes,
security keys) and ends its sessions. With STAFF_MFA_REQUIRED on, the next visit to the admin
asks them to set up TOTP again, after signing in with their password (which a reset email
gives them if that is lost too)."""

import logging
from importlib import import_module

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

logger = logging.getLogger("apothecary.accounts.logins")


def end_sessions(user) -> int:
    """Delete the stored sessions signed in as `user`, from the cache too (cached_db)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


class Command(BaseCommand):
    help = "Remove every two-factor authenticator of one account and end its sessions."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the account's email address")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email!r}.")
        with transaction.atomic():
            removed, _ = Authenticator.objects.filter(user=user).delete()
            ended = end_sessions(user)
        logger.warning("mfa reset for user %s: %s authenticators removed", user.pk, removed)
        self.stdout.write(
            f"{user.email}: {removed} authenticator(s) removed, {ended} session(s) ended. "
            "They set up two-factor again at their next visit to the admin."
        )
