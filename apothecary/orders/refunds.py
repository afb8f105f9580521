"""The refund ledger: every refund of an order is a Refund row with the lines and units it
covers. What a line can still give back is what the customer paid for it (orders.allocation);
the order's refunded total, its status and the refund emails all come from these rows.

The money is the payment provider's, and payments stand above orders: `order_refund` asks
through the `refund_requested` signal, whose receiver refunds through the provider and returns
its reference; refunds made at the provider itself (a dashboard, a webhook) are recorded with
`refund_record`."""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, transaction

from apothecary.catalog.models import StockMovementKind
from apothecary.catalog.services import stock_release
from apothecary.core.money import ZERO, format_money, quantize

from . import signals
from .allocation import order_shares, split
from .emails import queue_order_email
from .models import Order, OrderLine, OrderStatus, Refund, RefundLine
from .services import order_transition

logger = logging.getLogger(__name__)

# Statuses in which money has been taken and may be given back.
REFUNDABLE_STATUSES = frozenset(
    {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.PARTIALLY_REFUNDED}
)


class RefundError(ValueError):
    """A refund that cannot be made; the message says why. The admin answers it with 409."""

    status = 409


@dataclass(frozen=True)
class PlannedLine:
    line: OrderLine
    quantity: int
    amount: Decimal
    tax: Decimal


@dataclass(frozen=True)
class RefundPlan:
    """Exactly what a refund will give back, before it is made (the admin's confirmation)."""

    order: Order
    lines: list[PlannedLine] = field(default_factory=list)
    shipping: Decimal = ZERO
    extra: Decimal = ZERO  # a goodwill amount, on no line
    tax: Decimal = ZERO
    restock: bool = False

    @property
    def amount(self) -> Decimal:
        return sum((p.amount for p in self.lines), ZERO) + self.shipping + self.extra


def shipping_refundable(order: Order) -> Decimal:
    paid = order_shares(order, order.lines.all()).shipping_paid
    done = order.refunds.aggregate(s=models.Sum("shipping_amount"))["s"] or ZERO
    return max(paid - done, ZERO)


def refund_plan(
    order: Order,
    *,
    quantities: dict[int, int] | None = None,
    shipping: bool = False,
    amount: Decimal | None = None,
    restock: bool = False,
) -> RefundPlan:
    """What refunding these units of these lines (order line id → units), the shipping and a
    goodwill `amount` would give back; RefundError when it cannot be done. Never more than
    what is left on the order: when earlier amounts used it up, the lines' parts shrink."""
    if order.status not in REFUNDABLE_STATUSES:
        raise RefundError(
            f"Order {order.number} is {order.get_status_display().lower()}: "
            "there is no payment to refund."
        )
    lines = {line.pk: line for line in order.lines.all()}
    shares = order_shares(order, lines.values())
    planned = []
    for pk, units in (quantities or {}).items():
        if not units:
            continue
        line = lines.get(int(pk))
        left = line.quantity - line.refunded_quantity if line else 0
        if line is None or units < 0 or units > left:
            raise RefundError("Those units are not on the order, or have been refunded already.")
        worth, tax = shares.lines[line.pk].worth(line.refunded_quantity, units)
        planned.append(PlannedLine(line, units, worth, tax))
    shipping_amount = shipping_refundable(order) if shipping else ZERO
    extra = quantize(amount) if amount else ZERO
    if extra < 0:
        raise RefundError("A refund must be more than zero.")
    plan = RefundPlan(order, planned, shipping_amount, extra, restock=restock)
    if quantities is None and not shipping and not extra:
        raise RefundError("A refund must be more than zero.")
    left = order.refundable_amount
    if extra and plan.amount > left:
        raise RefundError(
            f"At most {format_money(left, order.currency)} can be refunded on order {order.number}."
        )
    if plan.amount > left:  # earlier goodwill amounts: the lines get what is left, pro rata
        parts = split(left, [p.amount for p in planned] + [shipping_amount])
        planned = [
            PlannedLine(
                p.line, p.quantity, part, quantize(p.tax * part / p.amount) if p.amount else ZERO
            )
            for p, part in zip(planned, parts, strict=False)
        ]
        plan = RefundPlan(order, planned, parts[-1], ZERO, restock=restock)
    tax = sum((p.tax for p in plan.lines), ZERO) + _shipping_tax(order, plan.shipping, shares)
    if extra:
        tax += min(quantize(extra * order.tax_amount / order.total), extra) if order.total else ZERO
    return RefundPlan(order, plan.lines, plan.shipping, plan.extra, tax, restock)


def _shipping_tax(order: Order, shipping: Decimal, shares) -> Decimal:
    if not shipping or not shares.shipping_paid:
        return ZERO
    return quantize(shares.shipping_tax * shipping / shares.shipping_paid)


@transaction.atomic
def order_refund(
    *,
    order: Order,
    quantities: dict[int, int] | None = None,
    shipping: bool = False,
    amount: Decimal | None = None,
    restock: bool = False,
    reason: str = "",
    actor=None,
    return_request=None,
) -> Refund | None:
    """Refund what `refund_plan` says through the order's payment, write it in the ledger and
    move the order. Returns the Refund, or None when a return's units had nothing left to give
    back. RefundError when it cannot be done; then nothing changed."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    plan = refund_plan(
        locked, quantities=quantities, shipping=shipping, amount=amount, restock=restock
    )
    if plan.amount <= 0:
        if return_request is None:
            raise RefundError("Nothing is left to refund on those units.")
        _count_units(plan, actor=actor, reason=reason)
        order.refresh_from_db()
        return None
    answers = signals.refund_requested.send(
        sender=Order, order=locked, amount=plan.amount, actor=actor
    )
    if not answers:
        raise RefundError("No payment provider is set up to give money back.")
    reference = next((str(answer) for _, answer in answers if isinstance(answer, str)), "")
    refund = _write(
        locked,
        plan,
        reason=reason or ("Goodwill" if plan.extra and not plan.lines else "Refund"),
        actor=actor,
        actor_label="",
        reference=reference,
        return_request=return_request,
    )
    order.refresh_from_db()
    return refund


@transaction.atomic
def refund_record(
    *, order: Order, amount: Decimal, reference: str, reason: str, actor_label: str
) -> Refund | None:
    """A refund made at the payment provider (its dashboard), told by a webhook: written in
    the ledger once per `reference`, without asking the provider again. None when it was
    recorded already; RefundError when it is more than what is left."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if reference and locked.refunds.filter(provider_reference=reference).exists():
        return None
    plan = refund_plan(locked, amount=amount)
    return _write(
        locked,
        plan,
        reason=reason,
        actor=None,
        actor_label=actor_label,
        reference=reference,
        return_request=None,
    )


def _count_units(plan: RefundPlan, *, actor=None, reason: str = "") -> None:
    for planned in plan.lines:
        changes = {"refunded_quantity": models.F("refunded_quantity") + planned.quantity}
        if plan.restock:
            changes["restocked_quantity"] = models.F("restocked_quantity") + planned.quantity
        OrderLine.objects.filter(pk=planned.line.pk).update(**changes)
        if plan.restock and planned.line.variant_id:
            stock_release(
                variant_id=planned.line.variant_id,
                quantity=planned.quantity,
                kind=StockMovementKind.RETURN_RESTOCK,
                reason=reason or "Refunded and put back on sale",
                actor=actor,
                reference=f"refund of order {plan.order.number}",
            )


def _write(
    locked: Order, plan: RefundPlan, *, reason, actor, actor_label, reference, return_request
) -> Refund:
    refund = Refund.objects.create(
        order=locked,
        amount=plan.amount,
        shipping_amount=plan.shipping,
        tax_amount=plan.tax,
        reason=reason[:300],
        restocked=plan.restock and bool(plan.lines),
        return_request=return_request,
        actor=actor,
        actor_label=actor_label,
        provider_reference=reference[:255],
    )
    RefundLine.objects.bulk_create(
        RefundLine(
            refund=refund,
            order_line=p.line,
            quantity=p.quantity,
            amount=p.amount,
            tax_amount=p.tax,
        )
        for p in plan.lines
    )
    signals.refund_recorded.send(sender=Refund, refund=refund)
    _count_units(plan, actor=actor, reason=reason)
    refunded = locked.refunded_amount + plan.amount
    order_transition(
        order=locked,
        to=OrderStatus.REFUNDED if refunded >= locked.total else OrderStatus.PARTIALLY_REFUNDED,
        actor=actor,
        actor_label=actor_label,
        message=f"Refunded {format_money(plan.amount, locked.currency)}: {reason}",
        refunded_amount=refunded,
    )
    queue_order_email(order=locked, kind="refunded", event=refund.pk)
    signals.order_refunded.send(sender=Order, order=locked)
    return refund
