"""The writes of the accounts app that allauth's own flows do not make."""

from django.contrib.auth import login

from .models import User

# The backend that signs in an account just made, without asking its password again. Not
# AUTHENTICATION_BACKENDS[0]: that is axes', which only counts attempts.
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def sign_in_new_account(*, request, user: User) -> None:
    """An account made outside allauth's sign-up (the affiliate application) is signed in;
    its address row was written when it was saved (receivers.record_email_address)."""
    login(request, user, backend=ALLAUTH_BACKEND)
