"""Every write of the affiliate program's commissions.

The path of a referred sale (clicks, the cookie and attribution are in referrals.py):

1. A visit by a referral link records a Click and sets the referral cookie
   (``referrals.click_record``, the middleware).
2. When the order is placed, ``referrals.referral_attach`` records whose order it is.
3. When the order is paid, ``commission_create`` records what it earns (pending).
4. Refunds reduce or reverse it (``commission_adjust_for_refund``); once the return window
   has passed a task approves it (``commissions_approve_due``); a payout pays it.

Every status change of a commission goes through ``commission_transition``."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from wagtail.models import Site

from apothecary.core.machines import InvalidTransition, transition
from apothecary.core.money import ZERO, format_money, quantize
from apothecary.orders.models import Order, OrderStatus, ReturnPolicySettings

from .models import (
    COMMISSION_TRANSITIONS,
    Affiliate,
    Commission,
    CommissionEvent,
    CommissionKind,
    CommissionStatus,
    ProductCommissionRate,
    Referral,
    program_settings,
)

# What moved to referrals.py, still importable from here for older callers.
from .referrals import (  # noqa: F401
    COOKIE_SALT,
    REF_PARAM,
    ReferralCookie,
    affiliate_login_seen,
    click_record,
    ip_hash,
    path_without_ref,
    referral_attach,
    referral_cookie_read,
    referral_cookie_value,
    self_referral_reason,
)

logger = logging.getLogger(__name__)

SELF_REFERRAL_NOTE = "Self-referral"
# An order whose refunds reach one of these earns nothing.
FULLY_REFUNDED = frozenset({OrderStatus.REFUNDED, OrderStatus.CANCELLED})


# --- Commissions -----------------------------------------------------------------------------


def _event(commission, *, from_status="", to_status="", amount=None, message="", actor=None):
    CommissionEvent.objects.create(
        commission=commission,
        from_status=from_status,
        to_status=to_status,
        amount=amount,
        message=message[:500],
        actor=actor,
    )


def commission_transition(
    *, commission: Commission, to: str, actor=None, message: str = ""
) -> Commission:
    """Move a commission to `to` along COMMISSION_TRANSITIONS (core.machines.transition), with
    approved_at stamped and its history written. The only code that changes a commission's
    status; an invalid move raises InvalidTransition and changes nothing."""

    def record(locked: Commission, from_status: str) -> None:
        _event(
            locked,
            from_status=from_status,
            to_status=to,
            amount=locked.amount,
            message=message,
            actor=actor,
        )

    transition(
        commission,
        to=to,
        table=COMMISSION_TRANSITIONS,
        refuse=lambda row, to: (
            f"A {row.get_status_display().lower()} commission cannot become "
            f"{CommissionStatus(to).label.lower()}."
        ),
        stamp="approved_at" if to == CommissionStatus.APPROVED else None,
        record=record,
    )
    return commission


def _commission_amount(*, order: Order, affiliate: Affiliate, program) -> Decimal:
    """Rate × the goods after discounts; a product with its own rate earns that on its lines.
    The order's discount is shared among the lines in proportion to their totals; shipping
    and tax earn nothing. Rounded once, at the end."""
    if order.subtotal <= 0:
        return ZERO
    lines = list(order.lines.values_list("line_total", "variant__product_id"))
    product_ids = {product_id for _, product_id in lines if product_id is not None}
    rates = dict(
        ProductCommissionRate.objects.filter(product_id__in=product_ids).values_list(
            "product_id", "rate"
        )
    )
    default = affiliate.rate(program)
    weighted = sum(
        (total * rates.get(product_id, default) for total, product_id in lines), Decimal("0")
    )
    net = order.subtotal - order.discount_amount
    return quantize(weighted * net / order.subtotal / Decimal("100"))


def commission_create(*, order: Order) -> Commission | None:
    """The commission a paid, referred order earns (pending), or None for an order nobody
    referred. A self-referral gets a rejected row of 0 noted "Self-referral"; a referral with
    fraud signals gets a flagged one for staff to decide. Idempotent: a payment confirmed
    twice finds the first commission (the one_commission_per_order constraint settles a race)."""
    with transaction.atomic():
        referral = Referral.objects.select_related("affiliate").filter(order=order).first()
        if referral is None:
            return None
        existing = Commission.objects.filter(order=order, kind=CommissionKind.COMMISSION).first()
        if existing is not None:
            return existing
        affiliate = referral.affiliate
        base = quantize(order.subtotal - order.discount_amount)
        amount = (
            ZERO
            if referral.self_referral
            else _commission_amount(order=order, affiliate=affiliate, program=program_settings())
        )
        try:
            with transaction.atomic():
                commission = Commission.objects.create(
                    affiliate=affiliate,
                    order=order,
                    kind=CommissionKind.COMMISSION,
                    base_amount=base,
                    original_amount=amount,
                    amount=amount,
                    currency=order.currency,
                    flagged=bool(referral.flag_reason) and not referral.self_referral,
                    flag_reason=referral.flag_reason,
                    note=SELF_REFERRAL_NOTE if referral.self_referral else "",
                )
        except IntegrityError:  # a concurrent confirmation of the same payment won
            return Commission.objects.get(order=order, kind=CommissionKind.COMMISSION)
        _event(
            commission,
            to_status=CommissionStatus.PENDING,
            amount=amount,
            message=f"Order {order.number} paid",
        )
        if referral.self_referral:
            why = self_referral_reason(order, affiliate)
            message = f"{SELF_REFERRAL_NOTE}: {why}" if why else SELF_REFERRAL_NOTE
            commission_transition(
                commission=commission, to=CommissionStatus.REJECTED, message=message
            )
            logger.warning(
                "commission on order %s rejected for affiliate %s: %s",
                order.number,
                affiliate.code,
                message,
            )
        return commission


def _fully_refunded(order: Order) -> bool:
    return order.status in FULLY_REFUNDED or (
        order.total > 0 and order.refunded_amount >= order.total
    )


def _due_after_refunds(*, original: Decimal, order: Order) -> Decimal:
    """What a commission is worth now: nothing after a full refund or a cancellation, else
    in proportion to what the customer kept. Computed from the original each time, so a
    second partial refund never reduces twice."""
    if _fully_refunded(order):
        return ZERO
    if order.total <= 0:
        return original
    return quantize(original * (order.total - order.refunded_amount) / order.total)


def commission_adjust_for_refund(*, order: Order) -> None:
    """Bring the order's commission in line with its refunds. Pending or approved: a full
    refund or cancellation reverses it, a partial one reduces its amount. Paid, or already
    in a payout batch (whose amount may have been exported to the payment provider): the
    difference between what was (or is being) paid, net of earlier adjustments, and what is
    now due becomes a negative, approved adjustment for the next payout. Safe to run
    repeatedly."""
    with transaction.atomic():
        order = Order.objects.get(pk=order.pk)
        commissions = Commission.objects.select_for_update().filter(
            order=order, kind=CommissionKind.COMMISSION
        )
        for commission in commissions:
            due = _due_after_refunds(original=commission.original_amount, order=order)
            refunded = (
                f"{format_money(order.refunded_amount, order.currency)} of "
                f"{format_money(order.total, order.currency)}"
            )
            batched = commission.payout_id is not None
            if batched or commission.status == CommissionStatus.PAID:
                _adjust_paid(commission=commission, order=order, due=due, refunded=refunded)
            elif commission.status in (CommissionStatus.PENDING, CommissionStatus.APPROVED):
                if _fully_refunded(order):
                    cancelled = order.status == OrderStatus.CANCELLED
                    what = "cancelled" if cancelled else "refunded in full"
                    commission_transition(
                        commission=commission,
                        to=CommissionStatus.REVERSED,
                        message=f"Order {order.number} {what}",
                    )
                elif due != commission.amount:
                    commission.amount = due
                    commission.save(update_fields=["amount", "updated_at"])
                    _event(
                        commission,
                        from_status=commission.status,
                        to_status=commission.status,
                        amount=due,
                        message=f"Order {order.number} partly refunded ({refunded})",
                    )


def _adjust_paid(*, commission: Commission, order: Order, due: Decimal, refunded: str) -> None:
    earlier = Commission.objects.filter(
        order=order, affiliate=commission.affiliate, kind=CommissionKind.ADJUSTMENT
    ).exclude(status__in=[CommissionStatus.REJECTED, CommissionStatus.REVERSED])
    adjusted = earlier.aggregate(total=Sum("amount"))["total"] or ZERO
    difference = quantize(due - (commission.amount + adjusted))
    if difference >= ZERO:
        return
    adjustment = Commission.objects.create(
        affiliate=commission.affiliate,
        order=order,
        kind=CommissionKind.ADJUSTMENT,
        base_amount=ZERO,
        original_amount=difference,
        amount=difference,
        currency=commission.currency,
        note=f"Refund after payout: order {order.number} refunded {refunded}",
    )
    _event(
        adjustment,
        to_status=CommissionStatus.PENDING,
        amount=difference,
        message=f"Order {order.number} refunded after payout ({refunded})",
    )
    commission_transition(
        commission=adjustment,
        to=CommissionStatus.APPROVED,
        message="Deducted from the next payout",
    )


def commissions_approve_due(*, now=None) -> int:
    """Approve pending commissions whose return window has passed; returns how many.

    The window is ReturnPolicySettings.return_window_days (default site) counted from the
    order's delivery, or from its payment when it was never marked delivered (stores that do
    not record deliveries would otherwise never approve anything). Flagged commissions are
    left for staff; orders refunded in full or cancelled are skipped (their commissions are
    reversed by the refund). Safe to re-run: approved ones are no longer pending."""
    now = now or timezone.now()
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    days = ReturnPolicySettings.for_site(site).return_window_days
    cutoff = now - timedelta(days=days)
    due = (
        Commission.objects.filter(
            status=CommissionStatus.PENDING, flagged=False, kind=CommissionKind.COMMISSION
        )
        .exclude(order__status__in=FULLY_REFUNDED)
        .filter(
            Q(order__delivered_at__lte=cutoff)
            | Q(order__delivered_at__isnull=True, order__paid_at__lte=cutoff)
        )
        .order_by("pk")
    )
    approved = 0
    for commission in due:
        try:
            commission_transition(
                commission=commission,
                to=CommissionStatus.APPROVED,
                message=f"The {days}-day return window has passed",
            )
        except InvalidTransition:  # changed by staff or a refund meanwhile
            continue
        approved += 1
    return approved
