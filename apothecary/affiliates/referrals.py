"""Referral links, clicks, the referral cookie and whose order it is (attribution).

1. A visit by a referral link (``/r/<code>`` or ``?ref=<code>`` on any page; the middleware)
   records a Click (``click_record``) and, where consent allows and the browser navigates
   to it as a page, sets a signed first-party cookie naming the affiliate, the click and its
   time.
2. When the order is placed, ``referral_attach`` decides whose order it is (an affiliate's
   coupon first, else the cookie if still within the affiliate's window) and records a
   Referral, with the fraud signals seen at that moment.

A click costs the same few queries whatever came before it: one row per hashed IP, link
(affiliate) and window of settings.REFERRAL_CLICK_WINDOW seconds, written with an insert
that a unique constraint turns into nothing for a repeat; at most
settings.REFERRAL_CLICK_LIMIT_PER_IP clicks per hashed IP and window reach the database at
all; and no earlier row is ever updated. What follows a click (commissions) is in services.
"""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import escape_uri_path
from wagtail.models import Site

from apothecary.core import ratelimit
from apothecary.core.http import Visitor
from apothecary.orders.models import Order

from .models import (
    Affiliate,
    AffiliateCoupon,
    AffiliateLogin,
    AffiliateProgramSettings,
    AffiliateStatus,
    Click,
    Referral,
    ReferralSource,
    program_settings,
)

logger = logging.getLogger(__name__)

# Salts: changing one invalidates every hash or cookie made under it.
IP_HASH_SALT = "apothecary.affiliates.ip_hash"
COOKIE_SALT = "apothecary.affiliates.referral"
REF_PARAM = "ref"


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


def program_for_request(request) -> AffiliateProgramSettings:
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


def referral_cookie_value(*, affiliate: Affiliate, click: Click | None, clicked_at) -> str:
    """What the (signed) referral cookie holds: affiliate id, click id (0 for a click that
    was not recorded), click time (epoch seconds)."""
    return f"{affiliate.pk}:{click.pk if click else 0}:{int(clicked_at.timestamp())}"


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


def click_window_start(now: datetime) -> datetime:
    """The start of the de-duplication window `now` falls in (windows of
    settings.REFERRAL_CLICK_WINDOW seconds from the epoch, the same on every server)."""
    seconds = max(1, settings.REFERRAL_CLICK_WINDOW)
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)


def click_record(*, affiliate: Affiliate, request, program=None, now=None) -> Click | None:
    """Record a visit by the affiliate's link: the visitor's click on this link in the
    current window, made by the first visit of the window and found again by the repeats
    (one row per hashed IP, affiliate and window). None once the hashed IP has used up
    settings.REFERRAL_CLICK_LIMIT_PER_IP clicks in the window: those are not recorded.

    The same three queries for every recorded click: how many links this visitor clicked
    within program.burst_minutes (the new row is flagged when that makes program.burst_clicks:
    one visitor going from link to link), an insert that does nothing for a repeat, and the
    read of the row. No earlier row is changed."""
    now = now or timezone.now()
    program = program or program_for_request(request)
    hashed = ip_hash(ratelimit.client_ip(request))
    if not ratelimit.hit(
        scope="referral-record",
        key=hashed,
        limit=settings.REFERRAL_CLICK_LIMIT_PER_IP,
        window_seconds=settings.REFERRAL_CLICK_WINDOW,
    ):
        return None
    window = click_window_start(now)
    recent = (
        Click.objects.filter(
            ip_hash=hashed, created_at__gt=now - timedelta(minutes=program.burst_minutes)
        )
        .exclude(affiliate=affiliate, window_start=window)
        .count()
    )
    flagged = recent + 1 >= program.burst_clicks
    reason = (
        f"{recent + 1} referral links from one visitor within {program.burst_minutes} minutes"
        if flagged
        else ""
    )
    Click.objects.bulk_create(
        [
            Click(
                affiliate=affiliate,
                created_at=now,
                window_start=window,
                landing_url=path_without_ref(request)[:500],
                referrer=request.META.get("HTTP_REFERER", "")[:500],
                ip_hash=hashed,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                flagged=flagged,
                flag_reason=reason[:200],
            )
        ],
        ignore_conflicts=True,
    )
    return Click.objects.filter(affiliate=affiliate, ip_hash=hashed, window_start=window).first()


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


def _normal(email: str) -> str:
    return (email or "").strip().lower()


def self_referral_reason(order: Order, affiliate: Affiliate) -> str:
    """Why the order is the affiliate's own, in words; "" when it is not. The same account,
    the affiliate's email or their account's, or the email they are paid at."""
    if order.user_id is not None and order.user_id == affiliate.user_id:
        return "the order was placed from the affiliate's own account"
    email = _normal(order.email)
    if not email:
        return ""
    if email in {_normal(affiliate.email), _normal(affiliate.user.email)}:
        return "the order's email is the affiliate's own"
    if email == _normal(affiliate.paypal_email):
        return "the order's email is the one the affiliate is paid at"
    return ""


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
    own = self_referral_reason(order, affiliate)
    if own:
        logger.warning(
            "self-referral: order %s by affiliate %s earns nothing (%s)",
            order.number,
            affiliate.code,
            own,
        )
    try:
        with transaction.atomic():
            return Referral.objects.create(
                order=order,
                affiliate=affiliate,
                click=click,
                source=source,
                ip_hash=buyer,
                self_referral=bool(own),
                flag_reason="; ".join(reasons)[:300],
            )
    except IntegrityError:  # a concurrent delivery of order_placed made it first
        return Referral.objects.get(order=order)
