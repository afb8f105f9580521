"""The writes of the accounts app: signing in a new account, and changing a customer's email
address in two steps (asked with the password, done from a link sent to the new address)."""

import logging

from django.contrib.auth import login
from django.core import signing
from django.db import IntegrityError, transaction

from .emails import send_email_change_confirmation, send_email_changed_notice
from .models import User
from .tokens import email_change_read

logger = logging.getLogger(__name__)

# The backend that signs in an account just made, without asking its password again. Not
# AUTHENTICATION_BACKENDS[0]: that is axes', which only counts attempts.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class EmailChangeError(Exception):
    pass


def sign_in_new_account(*, request, user: User) -> None:
    login(request, user, backend=MODEL_BACKEND)


def email_change_request(*, user: User, new_email: str) -> None:
    send_email_change_confirmation.enqueue(
        user_id=user.pk, old_email=user.email, new_email=new_email
    )
    logger.info("user %s asked to change their email address", user.pk)


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    try:
        data = email_change_read(token)
    except signing.SignatureExpired as error:
        raise EmailChangeError("This link has expired: ask for the change again.") from error
    except signing.BadSignature as error:
        raise EmailChangeError("This link is not valid: ask for the change again.") from error
    user = User.objects.select_for_update().filter(pk=data.get("user")).first()
    if user is None or user.email != data.get("old"):
        raise EmailChangeError("This link was already used, or the address changed since.")
    new_email = data["new"]
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise EmailChangeError("Another account uses this address: sign in to that one.")
    old_email, user.email = user.email, new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as error:  # the same address taken at the same moment
        raise EmailChangeError("Another account uses this address: sign in to that one.") from error
    transaction.on_commit(
        lambda: send_email_changed_notice.enqueue(old_email=old_email, new_email=new_email)
    )
    logger.info("user %s changed their email address", user.pk)
    return user
