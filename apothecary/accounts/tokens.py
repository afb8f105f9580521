"""The signed link that moves an account to a new email address (services.email_change_*)."""

from django.conf import settings
from django.core import signing

EMAIL_CHANGE_SALT = "apothecary.accounts.email-change"


def email_change_token(*, user_id: int, old_email: str, new_email: str) -> str:
    """Signed and time-stamped; it names the address it replaces, so it works once: after the
    change (or any other change of address) that address is no longer the account's."""
    return signing.dumps(
        {"user": user_id, "old": old_email, "new": new_email}, salt=EMAIL_CHANGE_SALT
    )


def email_change_read(token: str) -> dict:
    """The token's data; signing.SignatureExpired or signing.BadSignature otherwise."""
    return signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CHANGE_TIMEOUT)
