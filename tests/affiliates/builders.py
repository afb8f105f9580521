"""Builders for affiliate tests: an affiliate with an account, in the status asked for, the
program's settings, coupons, referrals and commissions."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apothecary.affiliates.models import (
    Affiliate,
    AffiliateCoupon,
    AffiliateProgramSettings,
    AffiliateStatus,
    Commission,
    CommissionStatus,
    Referral,
    ReferralSource,
    program_settings,
)
from apothecary.checkout.models import DiscountCode
from tests.store import make_cart, place_order


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


def set_program(**fields) -> AffiliateProgramSettings:
    """The default site's program settings with `fields` changed (the rest as they are)."""
    program = program_settings()
    for name, value in fields.items():
        setattr(program, name, value)
    program.save()
    return program


def make_coupon(*, affiliate: Affiliate, code: str, value="10") -> AffiliateCoupon:
    """A percent-off discount code that belongs to `affiliate`."""
    discount = DiscountCode.objects.create(code=code.upper(), kind="percent", value=Decimal(value))
    return AffiliateCoupon.objects.create(affiliate=affiliate, discount_code=discount)


def make_referral(*, order, affiliate: Affiliate, **fields) -> Referral:
    """The order attributed to `affiliate` (by link unless `source` says otherwise)."""
    fields.setdefault("source", ReferralSource.LINK)
    return Referral.objects.create(order=order, affiliate=affiliate, **fields)


def make_commission(shop, affiliate, amount="12.00", *, status=CommissionStatus.PENDING, **extra):
    """A commission of `amount` on a new order of one unit of `shop`'s (variant, rate), set
    straight into `status`: for tests of what staff see and do with it."""
    variant, rate = shop
    order = place_order(cart=make_cart((variant, 1)), rate=rate)
    extra.setdefault("base_amount", Decimal("10.00"))
    return Commission.objects.create(
        affiliate=affiliate,
        order=order,
        original_amount=Decimal(amount),
        amount=Decimal(amount),
        currency="USD",
        status=status,
        **extra,
    )
