"""The one answer to "what does this cost, and may they buy N?" for the product page, the
order page, the cart and the checkout."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from apothecary.core.money import quantize

from .models import Variant


@dataclass(frozen=True)
class PricedLine:
    """One line of a cart or an order, priced: what compute_totals adds up."""

    variant_id: int
    unit_price: Decimal
    quantity: int
    weight_grams: int = 0

    @property
    def total(self) -> Decimal:
        return quantize(self.unit_price * self.quantity)


@dataclass(frozen=True)
class PurchaseInfo:
    unit_price: Decimal
    available: bool
    max_quantity: int
    reason: str = ""  # why it cannot be bought, for the shopper

    def permits(self, quantity: int) -> bool:
        return self.available and 1 <= quantity <= self.max_quantity


def purchase_info(variant: Variant | None) -> PurchaseInfo:
    limit = settings.CART_MAX_QUANTITY_PER_LINE
    if variant is None or not variant.active or not variant.product.live:
        return PurchaseInfo(
            quantize(variant.price if variant else 0), False, 0, "This pack is no longer sold."
        )
    if variant.sold_out:
        return PurchaseInfo(quantize(variant.price), False, 0, "This pack is sold out.")
    most = limit if variant.stock is None else min(limit, variant.stock)
    return PurchaseInfo(quantize(variant.price), True, most)


def price_per_month(variant: Variant) -> Decimal:
    return quantize(variant.price / variant.months)


def savings(variant: Variant, base: Variant | None) -> Decimal:
    """What the pack saves against buying the base (one-month) pack month by month."""
    if base is None or base.pk == variant.pk:
        return quantize(0)
    return max(quantize(base.price / base.months * variant.months - variant.price), quantize(0))
