"""Returns: a customer asks to send back some lines within the return window; staff approve,
receive (optionally restocking) and refund. One transition function, as for orders."""

from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone

from apothecary.catalog.models import StockMovementKind
from apothecary.catalog.services import stock_release
from apothecary.core.machines import transition

from .emails import send_return_email
from .models import (
    RETURN_TRANSITIONS,
    RETURNABLE_ORDER_STATUSES,
    Order,
    OrderLine,
    ReturnLine,
    ReturnPolicySettings,
    ReturnRequest,
    ReturnStatus,
)
from .refunds import order_refund
from .staff_notices import notify_return_requested


class ReturnError(Exception):
    """Something the customer or staff member can fix; the message says what."""


def return_window_end(order: Order, *, site=None):
    if order.delivered_at is None:
        return None
    days = ReturnPolicySettings.for_site(site).return_window_days if site else 30
    return order.delivered_at + timedelta(days=days)


def returnable_quantities(order: Order) -> dict[int, int]:
    """Order line id → how many units may still be returned."""
    asked = {}
    for line in ReturnLine.objects.filter(request__order=order).exclude(
        request__status=ReturnStatus.REJECTED
    ):
        asked[line.order_line_id] = asked.get(line.order_line_id, 0) + line.quantity
    return {
        line.pk: line.quantity - line.refunded_quantity - asked.get(line.pk, 0)
        for line in order.lines.all()
    }


def _queue_email(request: ReturnRequest) -> None:
    transaction.on_commit(
        lambda: send_return_email.enqueue(return_id=request.pk, status=request.status),
        robust=True,
    )


@transaction.atomic
def return_request_create(
    *, order: Order, quantities: dict[int, int], reason: str, site=None, now=None
) -> ReturnRequest:
    order = Order.objects.select_for_update().get(pk=order.pk)
    now = now or timezone.now()
    if order.status not in RETURNABLE_ORDER_STATUSES:
        raise ReturnError("Returns can be asked for once the order has been delivered.")
    end = return_window_end(order, site=site)
    if end is None or now > end:
        raise ReturnError(
            f"The return window for this order closed on {end:%d %B %Y}. "
            "Please contact us if something is wrong with your order."
        )
    wanted = {pk: q for pk, q in quantities.items() if q}
    if not wanted:
        raise ReturnError("Choose at least one item to return.")
    left = returnable_quantities(order)
    for pk, quantity in wanted.items():
        if pk not in left or quantity < 0 or quantity > left[pk]:
            raise ReturnError("You asked to return more items than the order has left to return.")
    if not reason.strip():
        raise ReturnError("Tell us why you are returning the items.")
    request = ReturnRequest.objects.create(order=order, reason=reason.strip()[:2000])
    ReturnLine.objects.bulk_create(
        ReturnLine(request=request, order_line_id=pk, quantity=q) for pk, q in wanted.items()
    )
    _queue_email(request)
    notify_return_requested(request)
    return request


def _refuse(return_request: ReturnRequest, to: str) -> str:
    return (
        f"A {return_request.get_status_display().lower()} return cannot become "
        f"{ReturnStatus(to).label.lower()}."
    )


def return_transition(
    *, request: ReturnRequest, to: str, actor=None, note: str = "", restock: bool = False
) -> ReturnRequest:
    """Approve, reject, receive (optionally putting the units back in stock) or refund, along
    RETURN_TRANSITIONS (core.machines.transition). A refund goes through the payment provider
    in the same transaction: if it is refused, the return stays as it was."""

    def record(locked: ReturnRequest, from_status: str) -> None:
        if to == ReturnStatus.REFUNDED:
            order_refund(order=locked.order, amount=locked.amount, actor=actor)
            for line in locked.lines.select_related("order_line"):
                OrderLine.objects.filter(pk=line.order_line_id).update(
                    refunded_quantity=models.F("refunded_quantity") + line.quantity
                )
        if to == ReturnStatus.RECEIVED and restock:
            lines = locked.lines.select_related("order_line").order_by("order_line__variant_id")
            for line in lines:
                if line.order_line.variant_id:
                    stock_release(
                        variant_id=line.order_line.variant_id,
                        quantity=line.quantity,
                        kind=StockMovementKind.RETURN_RESTOCK,
                        reason=note,
                        actor=actor,
                        reference=f"return {locked.pk} of order {locked.order.number}",
                    )
        _queue_email(locked)

    changes = {"staff_note": note[:500]} if note else {}
    if to == ReturnStatus.RECEIVED and restock:
        changes["restocked"] = True
    transition(
        request,
        to=to,
        table=RETURN_TRANSITIONS,
        refuse=_refuse,
        changes=changes,
        record=record,
    )
    return request
