"""Builders for affiliate tests: an affiliate with an account, in the status asked for."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from apothecary.affiliates.models import Affiliate, AffiliateStatus


def make_affiliate(
    *, code="anna", email=None, status=AffiliateStatus.APPROVED, password="pw-affiliate-1", **fields
) -> Affiliate:
    """An affiliate whose account signs in with `email` / `password`. The status is set
    directly: tests of the approval flow itself go through membership.affiliate_transition."""
    email = email or f"{code}@affiliate.example"
    user = get_user_model().objects.create_user(email=email, password=password)
    fields.setdefault("name", code.title())
    fields.setdefault("website", f"https://{code}.example")
    fields.setdefault("promotion", "A weekly newsletter about plant-based food.")
    fields.setdefault("paypal_email", email)
    affiliate = Affiliate.objects.create(
        user=user, code=code, email=email, terms_accepted_at=timezone.now(), **fields
    )
    if status != AffiliateStatus.PENDING:
        Affiliate.objects.filter(pk=affiliate.pk).update(status=status, decided_at=timezone.now())
        affiliate.refresh_from_db()
    return affiliate
