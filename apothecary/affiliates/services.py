"""Every write of the affiliate program's tracking, attribution and commissions.

The path of a referred sale:

1. A visit by ``?ref=<code>`` records a Click (``click_record``) and, where consent allows,
   sets a signed first-party cookie naming the affiliate, the click and its time (the
   middleware).
2. When the order is placed, ``referral_attach`` decides whose order it is (an affiliate's
   coupon first, else the cookie if still within the affiliate's window) and records a
   Referral, with the fraud signals seen at that moment.
3. When the order is paid, ``commission_create`` records what it earns (pending).
4. Refunds reduce or reverse it (``commission_adjust_for_refund``); once the return window
   has passed a task approves it (``commissions_approve_due``); a payout pays it.

Every status change of a commission goes through ``commission_transition``."""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import escape_uri_path
from wagtail.models import Site

from apothecary.core import ratelimit
from apothecary.core.http import Visitor
from apothecary.core.machines import InvalidTransition, transition
from apothecary.core.money import ZERO, format_money, quantize
from apothecary.orders.models import Order, OrderStatus, ReturnPolicySettings

from .models import (
    COMMISSION_TRANSITIONS,
    Affiliate,
    AffiliateCoupon,
    AffiliateLogin,
    AffiliateProgramSettings,
    AffiliateStatus,
    Click,
    Commission,
    CommissionEvent,
    CommissionKind,
    CommissionStatus,
    ProductCommissionRate,
    Referral,
    ReferralSource,
    program_settings,
)

logger = logging.getLogger(__name__)

# Salts: changing one invalidates every hash or cookie made under it.
IP_HASH_SALT = "apothecary.affiliates.ip_hash"
COOKIE_SALT = "apothecary.affiliates.referral"
REF_PARAM = "ref"
SELF_REFERRAL_NOTE = "Self-referral"
# An order whose refunds reach one of these earns nothing.
FULLY_REFUNDED = frozenset({OrderStatus.REFUNDED, OrderStatus.CANCELLED})


# --- Visitors: IPs, links, cookies -------------------------------------------------------------


def ip_hash(ip: str) -> str:
    """The IP as HMAC-SHA256 hex: stable (so bursts and sign-in IPs can be matched) but not
    reversible without the key. The key is settings.AFFILIATE_IP_SALT, else one derived from
    SECRET_KEY, so the raw IP is never stored."""
    value = (ip or "").encode()
    if settings.AFFILIATE_IP_SALT:
        return hmac.new(settings.AFFILIATE_IP_SALT.encode(), value, hashlib.sha256).hexdigest()
    return salted_hmac(IP_HASH_SALT, value, algorithm="sha256").hexdigest()


def path_without_ref(request) -> str:
    """The request's path and query without any ``ref`` parameter, other parameters kept:
    where a referral link redirects to, and the click's landing page. Leading slashes are
    collapsed so "//evil.example/?ref=x" cannot become a redirect to another host."""
    path = "/" + request.path.lstrip("/")
    params = [
        (key, value) for key, values in request.GET.lists() if key != REF_PARAM for value in values
    ]
    url = escape_uri_path(path)
    return f"{url}?{urlencode(params)}" if params else url


def _program_for(request) -> AffiliateProgramSettings:
    return program_settings(Site.find_for_request(request))


def _program_for_visitor(visitor: Visitor) -> AffiliateProgramSettings:
    site = Site.objects.filter(pk=visitor.site_id).first() if visitor.site_id else None
    return program_settings(site or Site.objects.filter(is_default_site=True).first())


@dataclass(frozen=True)
class ReferralCookie:
    """A referral cookie that is genuine, still within its affiliate's window, and names an
    active affiliate."""

    affiliate: Affiliate
    click_id: int | None
    clicked_at: datetime


def referral_cookie_value(*, click: Click) -> str:
    """What the (signed) referral cookie holds: affiliate id, click id, click time (epoch)."""
    return f"{click.affiliate_id}:{click.pk}:{int(click.created_at.timestamp())}"


def referral_cookie_read(*, visitor: Visitor, program=None, now=None) -> ReferralCookie | None:
    """The visitor's referral cookie if it is signed by us, names an active affiliate and is
    younger than that affiliate's window, else None. The age is checked here, on the server,
    against the time inside the value: a browser that keeps a cookie too long gains nothing."""
    raw = visitor.signed_cookie(settings.REFERRAL_COOKIE_NAME, salt=COOKIE_SALT)
    if not raw:
        return None
    try:
        affiliate_id, click_id, stamp = (int(part) for part in raw.split(":"))
        clicked_at = datetime.fromtimestamp(stamp, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    affiliate = Affiliate.objects.filter(pk=affiliate_id, status=AffiliateStatus.APPROVED).first()
    if affiliate is None:
        return None
    program = program or _program_for_visitor(visitor)
    age = (now or timezone.now()) - clicked_at
    if age > timedelta(days=affiliate.window_days(program)):
        return None
    return ReferralCookie(affiliate=affiliate, click_id=click_id or None, clicked_at=clicked_at)


@transaction.atomic
def click_record(*, affiliate: Affiliate, request, now=None) -> Click:
    """Record a visit by the affiliate's link. When one hashed IP has made program.burst_clicks
    clicks (on any affiliate's links) within program.burst_minutes, every click of that burst
    is flagged, so staff can discount them."""
    now = now or timezone.now()
    program = _program_for(request)
    hashed = ip_hash(ratelimit.client_ip(request))
    click = Click.objects.create(
        affiliate=affiliate,
        created_at=now,
        landing_url=path_without_ref(request)[:500],
        referrer=request.META.get("HTTP_REFERER", "")[:500],
        ip_hash=hashed,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    burst = Click.objects.filter(
        ip_hash=hashed,
        created_at__gt=now - timedelta(minutes=program.burst_minutes),
        created_at__lte=now,
    )
    count = burst.count()
    if count >= program.burst_clicks:
        reason = f"{count} clicks from one visitor within {program.burst_minutes} minutes"
        burst.update(flagged=True, flag_reason=reason[:200])
        click.refresh_from_db(fields=["flagged", "flag_reason"])
    return click


def affiliate_login_seen(*, affiliate: Affiliate, request) -> None:
    """Remember the (hashed) IP the affiliate signs in from: an order placed from it moments
    after a click on their own link is how self-clicking shows. A request without an IP (a
    test client's login, a management shell) records nothing."""
    ip = ratelimit.client_ip(request)
    if not ip:
        return
    AffiliateLogin.objects.update_or_create(
        affiliate=affiliate, ip_hash=ip_hash(ip), defaults={"last_seen": timezone.now()}
    )


# --- Orders: attribution ---------------------------------------------------------------------


def _coupon_affiliate(order: Order) -> Affiliate | None:
    if not order.discount_code:
        return None
    coupon = (
        AffiliateCoupon.objects.select_related("affiliate")
        .filter(discount_code__code__iexact=order.discount_code)
        .first()
    )
    if coupon is None or not coupon.affiliate.is_active:
        return None
    return coupon.affiliate


def _is_self_referral(order: Order, affiliate: Affiliate) -> bool:
    email = order.email.strip().lower()
    own = {affiliate.email.strip().lower(), affiliate.user.email.strip().lower()}
    return email in own or (order.user_id is not None and order.user_id == affiliate.user_id)


def _flag_reasons(*, order, affiliate, click, buyer_ip_hash, program) -> list[str]:
    reasons = []
    if click is None:
        return reasons
    if click.flagged:
        reasons.append(f"The click was flagged: {click.flag_reason}")
    seconds = (order.created_at - click.created_at).total_seconds()
    if (
        0 <= seconds <= program.quick_order_seconds
        and AffiliateLogin.objects.filter(affiliate=affiliate, ip_hash=buyer_ip_hash).exists()
    ):
        reasons.append(
            f"Ordered {int(seconds)} seconds after the click, from an IP the affiliate signs "
            "in from"
        )
    return reasons


def referral_attach(*, order: Order, visitor: Visitor) -> Referral | None:
    """Decide whose order this is and record it; None when nobody referred it.

    An affiliate's coupon wins (it needs no cookie, and beats another affiliate's cookie);
    else the referral cookie, if still within its affiliate's window. Inactive affiliates
    are skipped. Self-referrals are recorded (self_referral=True) so staff see them; they earn
    nothing. Idempotent: the checkout may send order_placed twice for one order."""
    existing = Referral.objects.filter(order=order).first()
    if existing is not None:
        return existing
    program = _program_for_visitor(visitor)
    cookie = referral_cookie_read(visitor=visitor, program=program)
    affiliate = _coupon_affiliate(order)
    source = ReferralSource.COUPON
    if affiliate is None and cookie is not None:
        affiliate, source = cookie.affiliate, ReferralSource.LINK
    if affiliate is None:
        return None
    click = None
    if cookie is not None and cookie.affiliate.pk == affiliate.pk and cookie.click_id:
        click = Click.objects.filter(pk=cookie.click_id, affiliate=affiliate).first()
    buyer = ip_hash(visitor.ip)
    reasons = _flag_reasons(
        order=order, affiliate=affiliate, click=click, buyer_ip_hash=buyer, program=program
    )
    try:
        with transaction.atomic():
            return Referral.objects.create(
                order=order,
                affiliate=affiliate,
                click=click,
                source=source,
                ip_hash=buyer,
                self_referral=_is_self_referral(order, affiliate),
                flag_reason="; ".join(reasons)[:300],
            )
    except IntegrityError:  # a concurrent delivery of order_placed made it first
        return Referral.objects.get(order=order)


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
            commission_transition(
                commission=commission, to=CommissionStatus.REJECTED, message=SELF_REFERRAL_NOTE
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
