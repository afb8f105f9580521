"""Reads for the affiliate's own pages: their totals, a by-day series, their commissions and
payouts, the creatives to copy, and everything stored about them (the data download).

Every function here takes one affiliate and returns only that affiliate's rows. Nothing returned
names a customer: orders appear as a date and the products' net amount, never with a number,
token, name, email or address. Rows are plain dataclasses, not model instances, so a template
cannot follow a relation to the order."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apothecary.core.money import ZERO, quantize, store_currency

from .models import (
    Affiliate,
    AffiliateCoupon,
    AffiliateLogin,
    Click,
    Commission,
    CommissionKind,
    CommissionStatus,
    Creative,
    Payout,
    PayoutMethod,
    Referral,
    program_settings,
)

SERIES_DAYS = 90
# What counts as earnings: a rejected or reversed commission was never owed.
EARNING_STATUSES = (CommissionStatus.PENDING, CommissionStatus.APPROVED, CommissionStatus.PAID)
REFERRAL_PARAM = "ref"


def affiliate_for_user(user) -> Affiliate | None:
    if not user.is_authenticated:
        return None
    return Affiliate.objects.filter(user=user).first()


@dataclass(frozen=True)
class StatusTotal:
    """The commissions in one status: how many orders (adjustments are not orders) and their
    amount (adjustments included)."""

    status: str
    label: str
    count: int
    total: Decimal


@dataclass(frozen=True)
class AffiliateTotals:
    """An affiliate's all-time figures, the same on their dashboard and on their admin page."""

    clicks: int
    orders: int  # referred orders that were paid (refunded or cancelled later included)
    by_status: tuple[StatusTotal, ...]  # every commission status, in the choices' order
    currency: str

    def amount(self, status: str) -> Decimal:
        return next((row.total for row in self.by_status if row.status == status), ZERO)

    @property
    def pending(self) -> Decimal:
        return self.amount(CommissionStatus.PENDING)

    @property
    def approved(self) -> Decimal:
        return self.amount(CommissionStatus.APPROVED)

    @property
    def paid(self) -> Decimal:
        return self.amount(CommissionStatus.PAID)

    @property
    def conversion(self) -> Decimal | None:
        """Paid referred orders per 100 clicks, one decimal; None before the first click."""
        if not self.clicks:
            return None
        return (Decimal(self.orders) * 100 / self.clicks).quantize(Decimal("0.1"))

    @property
    def earned(self) -> Decimal:
        return self.pending + self.approved + self.paid


def affiliate_totals(affiliate: Affiliate) -> AffiliateTotals:
    """All-time figures, in three queries whatever the number of clicks and orders: the
    clicks, the referred orders that were paid, and the commissions by status."""
    by_status = {
        row["status"]: row
        for row in Commission.objects.filter(affiliate=affiliate)
        .order_by()
        .values("status")
        .annotate(total=Sum("amount"), count=Count("pk", filter=Q(kind=CommissionKind.COMMISSION)))
    }
    return AffiliateTotals(
        clicks=Click.objects.filter(affiliate=affiliate).count(),
        orders=Referral.objects.filter(affiliate=affiliate, order__paid_at__isnull=False).count(),
        by_status=tuple(
            StatusTotal(
                status=status,
                label=str(label),
                count=by_status.get(status, {}).get("count", 0),
                total=quantize(by_status.get(status, {}).get("total") or ZERO),
            )
            for status, label in CommissionStatus.choices
        ),
        currency=store_currency(),
    )


@dataclass(frozen=True)
class AffiliateDay:
    day: datetime.date
    clicks: int
    orders: int
    earnings: Decimal


def _by_day(queryset, field: str, **aggregate) -> dict:
    tz = timezone.get_current_timezone()
    rows = (
        queryset.annotate(day=TruncDate(field, tzinfo=tz))
        .values("day")
        .annotate(**aggregate)
        .order_by("day")
    )
    return {row["day"]: row for row in rows}


def affiliate_series(
    affiliate: Affiliate, *, days: int = SERIES_DAYS, today: datetime.date | None = None
) -> list[AffiliateDay]:
    """Clicks, paid referred orders and earnings (pending, approved or paid) on each of the last
    `days` days, today included, in the site's time zone. Three queries, each grouped by date
    in the database: clicks by click time, orders by payment time, earnings by the day the
    commission was made (adjustments on their own day)."""
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    clicks = _by_day(
        Click.objects.filter(affiliate=affiliate, created_at__gte=start),
        "created_at",
        n=Count("pk"),
    )
    orders = _by_day(
        Referral.objects.filter(affiliate=affiliate, order__paid_at__gte=start),
        "order__paid_at",
        n=Count("pk"),
    )
    earnings = _by_day(
        Commission.objects.filter(
            affiliate=affiliate, created_at__gte=start, status__in=EARNING_STATUSES
        ),
        "created_at",
        total=Sum("amount"),
    )
    series = []
    for n in range(days):
        day = first + datetime.timedelta(days=n)
        series.append(
            AffiliateDay(
                day=day,
                clicks=clicks.get(day, {}).get("n", 0),
                orders=orders.get(day, {}).get("n", 0),
                earnings=quantize(earnings.get(day, {}).get("total") or ZERO),
            )
        )
    return series


@dataclass(frozen=True)
class CommissionRow:
    """One commission as the affiliate sees it: no order number, no customer."""

    created_at: datetime.datetime
    order_date: datetime.datetime
    kind: str
    kind_label: str
    base_amount: Decimal
    amount: Decimal
    currency: str
    status: str
    status_label: str


def _commission_rows(queryset) -> list[CommissionRow]:
    rows = queryset.values(
        "created_at",
        "kind",
        "base_amount",
        "amount",
        "currency",
        "status",
        order_date=F("order__created_at"),
    )
    kinds = dict(Commission._meta.get_field("kind").choices)
    statuses = dict(CommissionStatus.choices)
    return [
        CommissionRow(
            **row,
            kind_label=str(kinds.get(row["kind"], row["kind"])),
            status_label=str(statuses.get(row["status"], row["status"])),
        )
        for row in rows
    ]


def affiliate_commissions(affiliate: Affiliate, *, limit: int | None = 50) -> list[CommissionRow]:
    """The affiliate's commissions and adjustments, newest first; one query."""
    queryset = Commission.objects.filter(affiliate=affiliate).order_by("-created_at", "-pk")
    if limit is not None:
        queryset = queryset[:limit]
    return _commission_rows(queryset)


@dataclass(frozen=True)
class PayoutRow:
    created_at: datetime.datetime
    amount: Decimal
    currency: str
    method: str
    method_label: str
    reference: str
    paid_at: datetime.datetime | None


def affiliate_payouts(affiliate: Affiliate) -> list[PayoutRow]:
    methods = dict(PayoutMethod.choices)
    rows = (
        Payout.objects.filter(affiliate=affiliate)
        .order_by("-batch__created_at", "-pk")
        .values(
            "amount",
            "currency",
            "method",
            "reference",
            "paid_at",
            created_at=F("batch__created_at"),
        )
    )
    return [
        PayoutRow(**row, method_label=str(methods.get(row["method"], row["method"])))
        for row in rows
    ]


def active_creatives() -> list[Creative]:
    """The banners and text links staff offer, with their images' renditions prefetched."""
    return list(
        Creative.objects.filter(active=True)
        .select_related("image")
        .prefetch_related("image__renditions")
        .order_by("kind", "-created_at")
    )


def referral_link(base_url: str, target: str, code: str) -> str:
    """`target` (a path, or a full URL of this site) on `base_url`'s host with ?ref=code
    added; any ref already in it is replaced, every other parameter kept."""
    parts = urlsplit(target)
    base = urlsplit(base_url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != REFERRAL_PARAM
    ]
    query.append((REFERRAL_PARAM, code))
    return urlunsplit(
        (base.scheme, base.netloc, parts.path or "/", urlencode(query), parts.fragment)
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def affiliate_data_export(affiliate: Affiliate) -> dict:
    """Everything stored about the affiliate, for them to download: their profile and terms,
    the addresses (hashed) they signed in from, their coupons, clicks, referred orders and
    commissions (without the customers), and payouts. JSON-ready: amounts as strings."""
    program = program_settings()
    profile = {
        "name": affiliate.name,
        "email": affiliate.email,
        "account_email": affiliate.user.email,
        "code": affiliate.code,
        "website_or_handles": affiliate.website,
        "promotion": affiliate.promotion,
        "payout_method": affiliate.payout_method,
        "paypal_email": affiliate.paypal_email,
        "bank_details": affiliate.bank_details,
        "status": affiliate.status,
        "commission_rate_percent": str(affiliate.rate(program)),
        "cookie_days": affiliate.window_days(program),
        "applied_at": _iso(affiliate.applied_at),
        "terms_accepted_at": _iso(affiliate.terms_accepted_at),
        "decided_at": _iso(affiliate.decided_at),
        "decision_note": affiliate.decision_note,
    }
    clicks = [
        {
            "time": _iso(c["created_at"]),
            "landing_url": c["landing_url"],
            "referrer": c["referrer"],
            "user_agent": c["user_agent"],
        }
        for c in Click.objects.filter(affiliate=affiliate)
        .order_by("created_at", "pk")
        .values("created_at", "landing_url", "referrer", "user_agent")
        .iterator()
    ]
    referrals = [
        {
            "time": _iso(r["created_at"]),
            "source": r["source"],
            "order_paid": r["paid_at"] is not None,
        }
        for r in Referral.objects.filter(affiliate=affiliate)
        .order_by("created_at", "pk")
        .values("created_at", "source", paid_at=F("order__paid_at"))
    ]
    commissions = [
        {
            "created_at": _iso(row.created_at),
            "order_date": _iso(row.order_date),
            "kind": row.kind,
            "products_net_amount": str(row.base_amount),
            "amount": str(row.amount),
            "currency": row.currency,
            "status": row.status,
        }
        for row in reversed(affiliate_commissions(affiliate, limit=None))
    ]
    payouts = [
        {
            "created_at": _iso(p["batch__created_at"]),
            "amount": str(p["amount"]),
            "currency": p["currency"],
            "method": p["method"],
            "destination": p["destination"],
            "reference": p["reference"],
            "paid_at": _iso(p["paid_at"]),
        }
        for p in Payout.objects.filter(affiliate=affiliate)
        .order_by("batch__created_at", "pk")
        .values(
            "batch__created_at",
            "amount",
            "currency",
            "method",
            "destination",
            "reference",
            "paid_at",
        )
    ]
    return {
        "exported_at": _iso(timezone.now()),
        "profile": profile,
        "sign_ins": [
            {"ip_hash": row["ip_hash"], "last_seen": _iso(row["last_seen"])}
            for row in AffiliateLogin.objects.filter(affiliate=affiliate)
            .order_by("last_seen")
            .values("ip_hash", "last_seen")
        ],
        "coupons": list(
            AffiliateCoupon.objects.filter(affiliate=affiliate)
            .order_by("pk")
            .values_list("discount_code__code", flat=True)
        ),
        "clicks": clicks,
        "referred_orders": referrals,
        "commissions": commissions,
        "payouts": payouts,
    }
