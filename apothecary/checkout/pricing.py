"""The price of a checkout, computed from the database on the server, never from a form."""

from dataclasses import dataclass
from decimal import Decimal

from apothecary.catalog.pricing import PricedLine
from apothecary.core.money import ZERO, quantize

__all__ = ["PricedLine", "Totals", "compute_totals", "included_tax", "totals_for_address"]

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Totals:
    """`tax` is the tax added to the total, or, when `prices_include_tax`, the tax the total
    already includes."""

    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    tax_rate: Decimal = ZERO
    prices_include_tax: bool = False


def included_tax(gross: Decimal, rate: Decimal) -> Decimal:
    """The tax inside a tax-inclusive amount: gross × rate / (100 + rate), to the cent."""
    return quantize(Decimal(gross) * Decimal(rate) / (HUNDRED + Decimal(rate)))


def compute_totals(
    *, lines, discount=None, shipping_rate=None, tax_rate=Decimal("0"), prices_include_tax=False
) -> Totals:
    """total = lines − discount + shipping (+ tax, unless the prices include it), each amount
    rounded half-up to the cent. The discount never exceeds the goods; shipping is free above
    the rate's threshold (goods after discount); tax applies to goods after discount plus
    shipping. With `prices_include_tax` that sum is the total and `tax` the part of it that is
    tax."""
    rate = Decimal(tax_rate)
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
    if prices_include_tax:
        total = quantize(goods + shipping)
        tax = included_tax(total, rate)
    else:
        tax = quantize((goods + shipping) * rate / HUNDRED)
        total = quantize(goods + shipping + tax)
    return Totals(subtotal, discount_amount, shipping, tax, total, rate, bool(prices_include_tax))


def totals_for_address(*, lines, discount, shipping_rate, country: str, region: str) -> Totals:
    """The price of shipping to an address with this rate: its zone's tax mode, and the rate
    of the address's region when the zone has one (else the zone's)."""
    zone = shipping_rate.zone
    return compute_totals(
        lines=lines,
        discount=discount,
        shipping_rate=shipping_rate,
        tax_rate=zone.tax_rate_for(country, region),
        prices_include_tax=zone.prices_include_tax,
    )
