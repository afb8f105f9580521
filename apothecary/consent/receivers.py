"""A choice made before signing in joins the account on sign-in (services)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import consent_record_claim


@receiver(user_logged_in, dispatch_uid="consent-claim-on-login")
def claim_choice(sender, request, user, **kwargs):
    if request is not None:
        consent_record_claim(request=request, user=user)
