"""The price of a checkout, computed from the database on the server, never from a form."""

from dataclasses import dataclass
from decimal import Decimal

from apothecary.catalog.pricing import PricedLine
from apothecary.core.money import ZERO, quantize

__all__ = ["PricedLine", "Totals", "compute_totals"]


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal


def compute_totals(*, lines, discount=None, shipping_rate=None, tax_rate=Decimal("0")) -> Totals:
    """total = lines − discount + shipping + tax, each amount rounded half-up to the cent.
    The discount never exceeds the goods; shipping is free above the rate's threshold (goods
    after discount); tax applies to goods after discount plus shipping."""
    subtotal = quantize(sum((line.total for line in lines), ZERO))
    discount_amount = ZERO
    if discount is not None:
        discount_amount = min(quantize(discount.amount_off(subtotal)), subtotal)
    goods = subtotal - discount_amount
    shipping = ZERO
    if shipping_rate is not None:
        free = (
            shipping_rate.free_above_subtotal is not None
            and goods >= shipping_rate.free_above_subtotal
        )
        shipping = ZERO if free else quantize(shipping_rate.price)
    tax = quantize((goods + shipping) * Decimal(tax_rate) / Decimal("100"))
    return Totals(subtotal, discount_amount, shipping, tax, quantize(goods + shipping + tax))
