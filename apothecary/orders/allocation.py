"""What each part of an order cost the customer, to the cent.

An order stores its lines' list prices, one discount, shipping and one tax amount. A refund
of some units needs what those units were paid: the discount is spread over the lines in
proportion to their list price, and the tax over the lines (after discount) and shipping, each
split by the largest-remainder method so that the parts add up to the whole exactly. Within a
line, n of its q units are worth paid × n / q rounded half-up to the cent, and all q the whole
of it, so refunding units one at a time or all at once comes to the same amounts.

With prices that include tax, the tax is inside the line and shipping amounts: it is spread the
same way for the credit note's breakdown, but not added to what was paid."""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from apothecary.core.money import CENT, ZERO, quantize


def split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` split in proportion to `weights`, in whole cents that sum to `total` exactly
    (largest remainder; ties go to the earlier weight). Zero weights get nothing unless every
    weight is zero, when the total is spread evenly."""
    total = Decimal(total)
    if not weights:
        return []
    weights = [max(Decimal(w), ZERO) for w in weights]
    whole = sum(weights, ZERO)
    if whole == 0:
        weights, whole = [Decimal(1)] * len(weights), Decimal(len(weights))
    cents = int((total / CENT).to_integral_value())
    exact = [Decimal(cents) * w / whole for w in weights]
    parts = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    left = cents - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return [Decimal(p) * CENT for p in parts]


def units_worth(amount: Decimal, quantity: int, units: int) -> Decimal:
    """What `units` of a line's `quantity` units are worth when the line is worth `amount`."""
    if quantity <= 0 or units <= 0:
        return ZERO
    if units >= quantity:
        return amount
    return quantize(amount * units / quantity)


@dataclass(frozen=True)
class LineShare:
    line_id: int
    quantity: int
    discount: Decimal  # the part of the order's discount this line carries
    tax: Decimal  # the tax on this line (included in `paid` only when prices include tax)
    paid: Decimal  # what the customer paid for the whole line

    def worth(self, already: int, more: int) -> tuple[Decimal, Decimal]:
        """(amount, tax) of `more` units once `already` units have been refunded."""
        amount = units_worth(self.paid, self.quantity, already + more) - units_worth(
            self.paid, self.quantity, already
        )
        tax = units_worth(self.tax, self.quantity, already + more) - units_worth(
            self.tax, self.quantity, already
        )
        return amount, tax


@dataclass(frozen=True)
class OrderShares:
    lines: dict[int, LineShare]
    shipping_paid: Decimal
    shipping_tax: Decimal


def order_shares(order, lines) -> OrderShares:
    """Each line's and the shipping's part of what `order` was paid; they sum to its total."""
    lines = list(lines)
    discounts = split(order.discount_amount, [line.line_total for line in lines])
    nets = [line.line_total - d for line, d in zip(lines, discounts, strict=True)]
    shipping = order.shipping_amount
    taxes = split(order.tax_amount, [*nets, shipping])
    line_taxes, shipping_tax = taxes[:-1], taxes[-1]
    added = not order.prices_include_tax
    shares = {
        line.pk: LineShare(
            line_id=line.pk,
            quantity=line.quantity,
            discount=discount,
            tax=tax,
            paid=net + (tax if added else ZERO),
        )
        for line, discount, net, tax in zip(lines, discounts, nets, line_taxes, strict=True)
    }
    return OrderShares(
        lines=shares,
        shipping_paid=shipping + (shipping_tax if added else ZERO),
        shipping_tax=shipping_tax,
    )
