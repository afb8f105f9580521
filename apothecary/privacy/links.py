"""The links that carry a privacy request: signed, expiring, and (for emailed links) used once.

An emailed link is a random nonce; its PrivacyLink row keeps the nonce's hash and the address
until the link is used (then the address is forgotten); old rows go with apply_retention. A
signed-in customer's download link signs {user id, nonce} and works for
PRIVACY_DOWNLOAD_LINK_SECONDS, for that account only."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import PrivacyLink

DOWNLOAD_SALT = "apothecary.privacy.download-link"


class LinkGone(Exception):
    """The link expired, was used already, or was never ours: 410."""


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def email_link_token(*, email: str, purpose: str) -> str:
    nonce = secrets.token_urlsafe(24)
    PrivacyLink.objects.create(
        nonce_hash=_hash(nonce),
        email=email,
        purpose=purpose,
        expires_at=timezone.now() + datetime.timedelta(seconds=settings.PRIVACY_EMAIL_LINK_SECONDS),
    )
    return nonce


def read_email_link(token: str, *, purpose: str) -> PrivacyLink:
    """The link's row when it is valid and unused; raises LinkGone otherwise."""
    link = PrivacyLink.objects.filter(nonce_hash=_hash(token), purpose=purpose).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise LinkGone
    return link


def use_email_link(token: str, *, purpose: str) -> str:
    """Use the link once (inside the caller's transaction); returns its email address, which
    the row then forgets. Two requests at once: the row lock lets one through."""
    link = read_email_link(token, purpose=purpose)
    with transaction.atomic():
        locked = PrivacyLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None:
            raise LinkGone
        email = locked.email
        locked.used_at = timezone.now()
        locked.email = ""
        locked.save(update_fields=["used_at", "email"])
    return email


def download_token(user) -> str:
    return signing.dumps({"u": user.pk, "n": secrets.token_urlsafe(8)}, salt=DOWNLOAD_SALT)


def read_download_token(token: str, user) -> None:
    """Raises LinkGone unless the token is this account's and not expired."""
    try:
        data = signing.loads(
            token, salt=DOWNLOAD_SALT, max_age=settings.PRIVACY_DOWNLOAD_LINK_SECONDS
        )
    except signing.BadSignature:
        raise LinkGone from None
    if data.get("u") != user.pk:
        raise LinkGone


def delete_old_links(now) -> int:
    """Used links and links expired a day ago: nothing left to do with them."""
    return PrivacyLink.objects.filter(expires_at__lt=now - datetime.timedelta(days=1)).delete()[0]
