"""The account's personal data (privacy.registry): the account row goes last, deleted when
nothing kept for the law still points at it, otherwise emptied and disabled."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError

from apothecary.privacy.registry import (
    anonymise,
    delete,
    erased_email,
    register,
    register_email_check,
)


def _account(person):
    User = get_user_model()
    if person.user is None:
        return User.objects.none()
    return User.objects.filter(pk=person.user.pk)


def _erase_accounts(person, users) -> int:
    count = 0
    for user in users:
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:  # e.g. an affiliate record kept for the payouts' accounts
            user.email = erased_email(user)
            user.first_name = user.last_name = ""
            user.is_active = user.is_staff = user.is_superuser = False
            user.set_unusable_password()
            user.save()
            user.groups.clear()
            user.user_permissions.clear()
        count += 1
    return count


register(
    "accounts.User",
    title="account",
    find=_account,
    erase=_erase_accounts,
    step=100,  # last: the other rows are found through it
    personal={
        "email": anonymise(erased_email),
        "first_name": anonymise(""),
        "last_name": anonymise(""),
        "password": anonymise(
            "!", waive_export="a one-way hash: no use to the person, a risk in a leaked file"
        ),
    },
)


# django-allauth's tables: the account's addresses and second factors go with the account
# (also when it is only emptied, see _erase_accounts).
register(
    "account.EmailAddress",
    title="email addresses",
    user=("user",),
    step=90,
    personal={"email": delete()},
)
register("account.EmailConfirmation", user=("email_address__user",), step=80)
register(
    "mfa.Authenticator",
    title="second factors",
    user=("user",),
    step=90,
    personal={"data": delete(waive_export="the second factor's secrets")},
    not_personal={"type": "the kind of second factor"},
)


@register_email_check
def _verified(user, email: str) -> bool:
    """The account's address counts as the person's once they confirmed it (allauth)."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
