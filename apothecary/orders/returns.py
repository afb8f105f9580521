"""Returns: a customer asks to send back some lines within the return window; staff approve,
receive (optionally restocking) and refund. One transition function, as for orders."""

from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone

from apothecary.catalog.models import StockMovementKind
from apothecary.catalog.services import stock_release
from apothecary.core.machines import transition

from .emails import queue_return_email
from .models import (
    RETURN_TRANSITIONS,
    RETURNABLE_ORDER_STATUSES,
    Order,
    OrderLine,
    RefundLine,
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


def return_refusal(order: Order, *, site=None, now=None) -> str:
    """Why no return can be asked for on `order` now, in words for its buyer ("" when one
    can): the return page says it instead of its form, and return_request_create refuses
    with it."""
    end = return_window_end(order, site=site)
    if order.status not in RETURNABLE_ORDER_STATUSES or end is None:
        return "You can ask for a return once your order is delivered."
    if (now or timezone.now()) > end:
        closed = timezone.localtime(end)
        return (
            f"The return window for this order closed on {closed:%d %B %Y}. "
            "Please contact us if something is wrong with your order."
        )
    return ""


def returnable_quantities(order: Order) -> dict[int, int]:
    """Order line id → how many units may still be returned: not asked for in a return (one
    not rejected), and not refunded apart from a return (a refund of units in the admin)."""
    gone: dict[int, int] = {}
    asked = ReturnLine.objects.filter(request__order=order).exclude(
        request__status=ReturnStatus.REJECTED
    )
    refunded = RefundLine.objects.filter(refund__order=order, refund__return_request=None)
    for line in [*asked, *refunded]:
        gone[line.order_line_id] = gone.get(line.order_line_id, 0) + line.quantity
    return {line.pk: max(line.quantity - gone.get(line.pk, 0), 0) for line in order.lines.all()}


@transaction.atomic
def return_request_create(
    *, order: Order, quantities: dict[int, int], reason: str, site=None, now=None
) -> ReturnRequest:
    order = Order.objects.select_for_update().get(pk=order.pk)
    refusal = return_refusal(order, site=site, now=now)
    if refusal:
        raise ReturnError(refusal)
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
    queue_return_email(request=request)
    notify_return_requested(request)
    return request


def _refuse(return_request: ReturnRequest, to: str) -> str:
    return (
        f"A {return_request.get_status_display().lower()} return cannot become "
        f"{ReturnStatus(to).label.lower()}."
    )


def _refund_return(request: ReturnRequest, actor) -> None:
    """Give back what the returned units were paid, through the ledger; whatever refunds came
    before, the return ends refunded: units refunded already are skipped, and when the order
    has nothing left to give back, no money moves."""
    order = Order.objects.select_for_update().get(pk=request.order_id)
    if order.refundable_amount <= 0:
        return
    lines = {line.pk: line for line in order.lines.all()}
    units = {}
    for line in request.lines.all():
        order_line = lines[line.order_line_id]
        left = order_line.quantity - order_line.refunded_quantity - units.get(order_line.pk, 0)
        units[order_line.pk] = units.get(order_line.pk, 0) + min(line.quantity, max(left, 0))
    order_refund(
        order=order,
        quantities=units,
        reason=f"Return {request.pk}",
        actor=actor,
        return_request=request,
    )


def return_transition(
    *, request: ReturnRequest, to: str, actor=None, note: str = "", restock: bool = False
) -> ReturnRequest:
    """Approve, reject, receive (optionally putting the units back in stock) or refund, along
    RETURN_TRANSITIONS (core.machines.transition). A refund goes through the payment provider
    in the same transaction: if it is refused, the return stays as it was."""

    def record(locked: ReturnRequest, from_status: str) -> None:
        if to == ReturnStatus.REFUNDED:
            _refund_return(locked, actor)
        if to == ReturnStatus.RECEIVED and restock:
            lines = locked.lines.select_related("order_line").order_by("order_line__variant_id")
            for line in lines:
                OrderLine.objects.filter(pk=line.order_line_id).update(
                    restocked_quantity=models.F("restocked_quantity") + line.quantity
                )
                if line.order_line.variant_id:
                    stock_release(
                        variant_id=line.order_line.variant_id,
                        quantity=line.quantity,
                        kind=StockMovementKind.RETURN_RESTOCK,
                        reason=note,
                        actor=actor,
                        reference=f"return {locked.pk} of order {locked.order.number}",
                    )
        queue_return_email(request=locked)

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
