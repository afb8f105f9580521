"""Orders that need a person: a payment anomaly (paid after cancellation, an amount that does
not match, a second payment, a refund made at the provider) flags the order instead of only
being logged. A flag writes the order's history and emails the staff once; "Mark resolved" in
the admin clears it. Payments (the floor above) call `order_flag`; the admin, `order_clear_flag`.

Count or list them with `Order.objects.filter(needs_attention=True)`."""

import logging

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apothecary.core.money import format_money
from apothecary.core.notifications import StaffEvent, notify_staff

from .models import AttentionReason, Order, OrderEvent

logger = logging.getLogger(__name__)


class AttentionError(ValueError):
    """The order does not need attention (someone resolved it meanwhile): a 409."""

    status = 409


def _admin_url(order: Order) -> str:
    try:
        return reverse("store_orders:inspect", args=[order.number])
    except NoReverseMatch:  # the admin's URLs are not loaded (a management command)
        return ""


@transaction.atomic
def order_flag(*, order: Order, reason: str, note: str = "", actor_label: str = "") -> bool:
    """Flag `order` as needing attention for `reason` (an AttentionReason), with what was seen.
    Flagging again for the reason it already carries changes nothing (a payment status applied
    twice); another reason replaces it, and both stay in the history. Each flag emails the
    staff once. Returns whether the order was flagged now."""
    reason = AttentionReason(reason)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.needs_attention and locked.attention_reason == reason:
        return False
    now = timezone.now()
    note = note.strip()[:500]
    Order.objects.filter(pk=locked.pk).update(
        needs_attention=True, attention_reason=reason, attention_note=note, attention_at=now
    )
    for target in (order, locked):
        target.needs_attention, target.attention_reason = True, reason
        target.attention_note, target.attention_at = note, now
    event = OrderEvent.objects.create(
        order=locked,
        actor_label=actor_label or "system",
        message=f"Needs attention: {reason.label}. {note}".strip()[:500],
    )
    url = _admin_url(locked)
    notify_staff(
        event=StaffEvent.NEEDS_ATTENTION,
        key=f"needs_attention:{locked.pk}:{reason}:{event.pk}",
        subject=f"Order {locked.number} needs attention: {reason.label.lower()}",
        body=(
            f"Order {locked.number} ({locked.email}, "
            f"{format_money(locked.total, locked.currency)}) needs attention: "
            f"{reason.label.lower()}.\n\n{note}\n\n"
            + (f"Open it in the admin: {url}\n" if url else "")
        ),
    )
    logger.warning("order %s needs attention: %s. %s", locked.number, reason.label, note)
    return True


@transaction.atomic
def order_clear_flag(*, order: Order, actor=None, note: str = "") -> Order:
    """A person looked and resolved it: the flag is cleared and the history says who."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not locked.needs_attention:
        raise AttentionError(f"Order {locked.number} does not need attention.")
    label = AttentionReason(locked.attention_reason).label
    Order.objects.filter(pk=locked.pk).update(
        needs_attention=False, attention_reason="", attention_note="", attention_at=None
    )
    OrderEvent.objects.create(
        order=locked,
        actor=actor,
        message=f"Resolved: {label}. {note.strip()}".strip()[:500],
    )
    order.refresh_from_db()
    return order


def order_note(*, order: Order, message: str, actor_label: str = "system") -> None:
    """A line in the order's history that is no change of status (e.g. a surplus payment
    refunded at the provider)."""
    OrderEvent.objects.create(order=order, actor_label=actor_label, message=message[:500])
