"""Every change of an order's status (placing an order is checkout's: checkout.services), and
the edit of its shipping details and staff note before it ships."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apothecary.catalog.models import StockMovementKind
from apothecary.catalog.services import stock_release
from apothecary.core.machines import InvalidTransition, transition

from . import signals
from .emails import queue_order_email
from .models import ALLOWED_TRANSITIONS, Order, OrderEvent, OrderStatus

logger = logging.getLogger(__name__)


STAMPS = {
    OrderStatus.PAID: "paid_at",
    OrderStatus.SHIPPED: "shipped_at",
    OrderStatus.DELIVERED: "delivered_at",
    OrderStatus.CANCELLED: "cancelled_at",
}
EMAILS = {
    OrderStatus.PAID: "paid",
    OrderStatus.SHIPPED: "shipped",
    OrderStatus.CANCELLED: "cancelled",
}
# Refunds email and signal from the ledger (orders.refunds), once per refund.


def _refuse(order: Order, to: str) -> str:
    return (
        f"Order {order.number} cannot go from {order.get_status_display()} "
        f"to {OrderStatus(to).label}."
    )


FULFIL_STAMPS = {"ship": "shipped_at", "deliver": "delivered_at"}


def _guard(fulfil: str | None):
    """What the table cannot say: ship once; deliver once, and only after shipping."""

    def guard(order: Order) -> str | None:
        if fulfil == "ship" and order.shipped_at is not None:
            return f"Order {order.number} has already been shipped."
        if fulfil == "deliver" and (order.shipped_at is None or order.delivered_at):
            return (
                f"Order {order.number} must be shipped, and not yet delivered, to be marked "
                "delivered."
            )
        return None

    return guard


def order_transition(
    *,
    order: Order,
    to: str,
    actor=None,
    actor_label: str = "",
    message: str = "",
    fulfil: str | None = None,
    **fields,
) -> Order:
    """Move an order to `to` (core.machines.transition: row lock, ALLOWED_TRANSITIONS, the
    guard), set the fields given, write the history, put the stock back when nothing left
    the warehouse, queue the email and tell other apps. `fulfil` ("ship", "deliver") is the
    parcel's step, stamped even when the status stays (a partially refunded order). An
    invalid move raises InvalidTransition."""

    def record(locked: Order, from_status: str) -> None:
        OrderEvent.objects.create(
            order=locked,
            from_status=from_status,
            to_status=to,
            actor=actor,
            actor_label=actor_label,
            message=message[:500],
        )
        if to == OrderStatus.CANCELLED or (to == OrderStatus.REFUNDED and not locked.shipped_at):
            # nothing left the warehouse: the units are back
            _release_order_stock(locked, actor=actor, reason=message or OrderStatus(to).label)
        email = "shipped" if fulfil == "ship" else EMAILS.get(to)
        if email:
            queue_order_email(order=locked, kind=email)
        if to == OrderStatus.PAID:
            signals.order_paid.send(sender=Order, order=locked)
        elif to == OrderStatus.CANCELLED:
            signals.order_refunded.send(sender=Order, order=locked)

    transition(
        order,
        to=to,
        table=ALLOWED_TRANSITIONS,
        refuse=_refuse,
        guard=_guard(
            fulfil or {OrderStatus.SHIPPED: "ship", OrderStatus.DELIVERED: "deliver"}.get(to)
        ),
        stamp=FULFIL_STAMPS[fulfil] if fulfil else STAMPS.get(to),
        changes=fields,
        record=record,
    )
    return order


def _release_order_stock(order: Order, *, actor=None, reason: str = "") -> None:
    """Every unit not put back already (by a refund that restocked it) goes back on sale."""
    if order.stock_released:
        return
    for line in order.lines.exclude(variant=None).order_by("variant_id"):
        if line.quantity <= line.restocked_quantity:
            continue
        stock_release(
            variant_id=line.variant_id,
            quantity=line.quantity - line.restocked_quantity,
            kind=StockMovementKind.CANCELLATION,
            reason=reason,
            actor=actor,
            reference=f"order {order.number}",
        )
    Order.objects.filter(pk=order.pk).update(stock_released=True)
    order.stock_released = True


def order_mark_paid(*, order: Order, actor_label: str = "payment provider") -> Order:
    """Payment confirmed. Applying it twice changes nothing the second time."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return order
    try:
        return order_transition(
            order=order, to=OrderStatus.PAID, actor_label=actor_label, message="Payment received"
        )
    except InvalidTransition:  # a concurrent delivery got there first
        order.refresh_from_db()
        return order


def order_ship(
    *, order: Order, carrier: str, tracking_number: str, tracking_url: str = "", actor=None
) -> Order:
    return order_transition(
        order=order,
        to=_fulfilment_status(order, OrderStatus.SHIPPED),
        fulfil="ship",
        actor=actor,
        message=f"Shipped with {carrier}, tracking {tracking_number}",
        carrier=carrier,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
    )


def order_deliver(*, order: Order, actor=None) -> Order:
    return order_transition(
        order=order,
        to=_fulfilment_status(order, OrderStatus.DELIVERED),
        fulfil="deliver",
        actor=actor,
        message="Delivered",
    )


def _fulfilment_status(order: Order, to: str) -> str:
    """Shipping or delivering a partially refunded order keeps its status (and the partial
    refund visible); the move stamps the time all the same. Read from the database: the
    caller's copy may be older than a refund (a refund in between makes the move a 409)."""
    current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
    return OrderStatus.PARTIALLY_REFUNDED if current == OrderStatus.PARTIALLY_REFUNDED else to


def order_cancel(*, order: Order, actor=None, actor_label: str = "", reason: str = "") -> Order:
    """Cancel and put the stock back."""
    return order_transition(
        order=order,
        to=OrderStatus.CANCELLED,
        actor=actor,
        actor_label=actor_label,
        message=reason or "Cancelled",
    )


def release_expired_orders(*, older_than: timedelta | None = None, now=None) -> int:
    """Cancel unpaid orders older than the payment window and release their stock, except
    those flagged for attention. A payment confirmed after this flags the order instead
    (payments.services.payment_apply_status)."""
    window = older_than or timedelta(minutes=settings.ORDER_PAYMENT_WINDOW_MINUTES)
    cutoff = (now or timezone.now()) - window
    count = 0
    # An order flagged for attention (e.g. paid the wrong amount) waits for a person.
    waiting = Order.objects.filter(
        status=OrderStatus.PENDING_PAYMENT, created_at__lt=cutoff, needs_attention=False
    )
    for order in waiting:
        try:
            order_cancel(
                order=order, actor_label="system", reason="Not paid in time; the stock was released"
            )
            count += 1
        except InvalidTransition:
            logger.info("order %s was paid or cancelled meanwhile", order.number)
    return count


# Editing an order before it ships: the shipping address, the phone and the staff note.

# field → how the history names it. The country is not among them: the shipping rate and the
# tax were worked out for it (they stay as paid whatever is edited here).
EDITABLE_FIELDS = {
    "shipping_name": "Name",
    "shipping_line1": "Address",
    "shipping_line2": "Address line 2",
    "shipping_city": "City",
    "shipping_region": "State or region",
    "shipping_postcode": "Postcode",
    "phone": "Phone",
    "staff_note": "Staff note",
}
# What the customer is told about (the staff note is never shown to them).
CUSTOMER_FIELDS = frozenset(EDITABLE_FIELDS) - {"staff_note"}
NOT_EDITABLE = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


class OrderEditError(Exception):
    """The order cannot be edited now, or changed since the form was opened; nothing was
    changed. Admin pages answer 409."""

    status = 409


def edit_refusal(order: Order) -> str | None:
    """Why `order`'s details cannot be edited now, or None when they can."""
    if order.shipped_at is not None:
        return f"Order {order.number} has been shipped: its address can no longer be changed."
    if order.status in NOT_EDITABLE:
        return f"Order {order.number} is {order.get_status_display().lower()}: nothing to edit."
    return None


def edit_state(order: Order) -> str:
    """A fingerprint of what an edit form shows and depends on: the editable fields and the
    status. A form sent back with another value was opened before someone changed the order."""
    parts = [order.status, str(order.refunded_amount), str(order.shipped_at)]
    parts += [getattr(order, name) for name in EDITABLE_FIELDS]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def _shown(value: str) -> str:
    return " ".join(value.split()) or "(empty)"


def order_edit(*, order: Order, changes: dict[str, str], actor=None, seen: str | None = None):
    """Set the fields of `changes` (keys of EDITABLE_FIELDS) on an order not yet shipped,
    cancelled or refunded, under its row lock; `seen` (edit_state when the form was opened)
    must still match. Each changed field is one history row, old → new; the customer gets an
    email after commit when their address or phone changed. Returns the changed fields'
    names (none: nothing written). Raises OrderEditError."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        refusal = edit_refusal(locked)
        if refusal:
            raise OrderEditError(refusal)
        if seen is not None and seen != edit_state(locked):
            raise OrderEditError(
                f"Order {locked.number} changed since this page was opened; check it and edit "
                "again if still needed."
            )
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return []
        for name in changed:
            old = getattr(locked, name)
            setattr(locked, name, changes[name])
            OrderEvent.objects.create(
                order=locked,
                actor=actor,
                message=f"{EDITABLE_FIELDS[name]}: {_shown(old)} → {_shown(changes[name])}"[:500],
            )
        locked.save(update_fields=changed)
        if CUSTOMER_FIELDS & set(changed):
            last_event = OrderEvent.objects.filter(order=locked).latest("pk")
            queue_order_email(order=locked, kind="details_changed", event=last_event.pk)
    order.refresh_from_db()
    return changed
