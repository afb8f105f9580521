"""Staff set up two-factor before they use the admin (setting STAFF_MFA_REQUIRED): a signed-in
staff member without an authenticator who opens the admin is sent to set up TOTP, and comes
back to the admin once it is active."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.path})}")
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request) -> bool:
        if not getattr(settings, "STAFF_MFA_REQUIRED", False):
            return False
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        return not Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exists()
