"""Two-factor builders: a staff member with an authenticator app (TOTP) and recovery codes,
and the code their app would show now (allauth's own TOTP arithmetic)."""

import time

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings


def with_totp(user) -> str:
    """Give `user` an authenticator app and recovery codes; the app's secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str) -> str:
    counter = int(time.time()) // getattr(settings, "MFA_TOTP_PERIOD", 30)
    return format_hotp_value(hotp_value(secret, counter))


def recovery_codes(user) -> list[str]:
    from allauth.mfa.models import Authenticator

    instance = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(instance).get_unused_codes()
