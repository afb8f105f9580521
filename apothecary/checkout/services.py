"""Checkout rules: which shipping rates apply, whether a discount code may be used, and
the race-safe redemption of a code."""

from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone

from .models import DiscountCode, DiscountRedemption, ShippingRate, ShippingZone


class CheckoutError(Exception):
    """Something the shopper can fix; the message says what."""


class DiscountError(CheckoutError):
    pass


def zone_for_country(country: str) -> ShippingZone | None:
    country = (country or "").upper()
    for zone in ShippingZone.objects.filter(active=True):
        if country in zone.country_codes():
            return zone
    return None


def rates_for(*, country: str, weight_grams: int) -> list[ShippingRate]:
    zone = zone_for_country(country)
    if zone is None:
        return []
    return [
        r for r in zone.rates.filter(active=True).select_related("zone") if r.fits(weight_grams)
    ]


def discount_find(*, code: str, subtotal: Decimal, email: str, now=None) -> DiscountCode:
    """The usable code, or DiscountError saying exactly why not."""
    text = (code or "").strip().upper()
    discount = DiscountCode.objects.filter(code=text).first()
    if discount is None or not discount.active:
        raise DiscountError(f"The code “{text}” is not valid.")
    now = now or timezone.now()
    if discount.starts_at and now < discount.starts_at:
        raise DiscountError(f"The code “{text}” is not valid yet.")
    if discount.ends_at and now >= discount.ends_at:
        raise DiscountError(f"The code “{text}” has expired.")
    if discount.usage_limit is not None and discount.times_used >= discount.usage_limit:
        raise DiscountError(f"The code “{text}” has been used up.")
    if subtotal < discount.min_subtotal:
        raise DiscountError(
            f"The code “{text}” needs an order of at least {discount.min_subtotal}."
        )
    if discount.per_email_limit is not None and email:
        used = DiscountRedemption.objects.filter(code=discount, email__iexact=email).count()
        if used >= discount.per_email_limit:
            raise DiscountError(f"You have already used the code “{text}”.")
    return discount


def discount_redeem(*, discount: DiscountCode, email: str, order) -> None:
    """Count one use in a single conditional UPDATE, so concurrent checkouts can never use a
    code more often than its limit. Call inside the order's transaction."""
    # Lock the code's row first: per-email counts are then checked one checkout at a time.
    DiscountCode.objects.select_for_update().filter(pk=discount.pk).first()
    if discount.per_email_limit is not None:
        used = DiscountRedemption.objects.filter(code=discount, email__iexact=email).count()
        if used >= discount.per_email_limit:
            raise DiscountError(f"You have already used the code “{discount.code}”.")
    updated = (
        DiscountCode.objects.filter(pk=discount.pk, active=True)
        .filter(Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit")))
        .update(times_used=F("times_used") + 1)
    )
    if not updated:
        raise DiscountError(f"The code “{discount.code}” has been used up.")
    DiscountRedemption.objects.create(code=discount, email=email.lower(), order=order)
