"""Giving money back on an order, from the back office and from a return.

The money is the payment provider's, and payments stand above orders: `order_refund` asks
through the `refund_requested` signal, and the payments app's receiver refunds through the
provider and moves the order (partially refunded / refunded) with order_transition."""

from decimal import Decimal

from . import signals
from .models import Order


class RefundError(ValueError):
    """A refund that cannot be made; the message says why. The admin answers it with 409."""

    status = 409


def order_refund(*, order: Order, amount: Decimal, actor=None) -> Order:
    """Refund `amount` of `order` through its payment, or raise RefundError."""
    amount = Decimal(amount)
    if amount <= 0:
        raise RefundError("A refund must be more than zero.")
    handled = signals.refund_requested.send(sender=Order, order=order, amount=amount, actor=actor)
    if not handled:
        raise RefundError("No payment provider is set up to give money back.")
    order.refresh_from_db()
    return order
