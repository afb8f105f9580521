"""The back office's report of the top affiliates, over the last 30, 90 or 365 days.

Two rankings, a fixed number of queries whatever the number of affiliates, clicks and
orders (two for revenue, one for conversion):

- by revenue: the net product amount of the orders they referred that were paid and still
  count (Commission.base_amount of kind "commission", neither rejected nor reversed;
  self-referrals are rejected, so they do not count);
- by conversion: those orders divided by the clicks on their links in the period, among
  affiliates with at least MIN_CLICKS clicks, so that one order from one click does not top
  the list.

A commission counts in the period in which it was made (when its order was paid)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from apothecary.core.money import ZERO, quantize

from .models import Affiliate, Click, Commission, CommissionKind, CommissionStatus

PERIODS = {30: "Last 30 days", 90: "Last 90 days", 365: "Last 365 days"}
DEFAULT_PERIOD = 30
MIN_CLICKS = 20
TOP = 20

# Orders that no longer earn anything do not count as revenue or conversions.
NOT_COUNTED = (CommissionStatus.REJECTED, CommissionStatus.REVERSED)


@dataclass(frozen=True)
class RevenueRow:
    affiliate: Affiliate
    orders: int
    revenue: Decimal
    currency: str


@dataclass(frozen=True)
class ConversionRow:
    affiliate: Affiliate
    clicks: int
    orders: int
    rate: float  # orders / clicks, 0 to 1 (or more when orders came by coupon)

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.1f}%"


def period_start(days: int, *, now=None):
    return (now or timezone.now()) - timedelta(days=days)


def _counted(since):
    return Commission.objects.filter(kind=CommissionKind.COMMISSION, created_at__gte=since).exclude(
        status__in=NOT_COUNTED
    )


def top_by_revenue(*, days: int = DEFAULT_PERIOD, limit: int = TOP, now=None) -> list[RevenueRow]:
    """Affiliates by the revenue of the orders they referred, highest first (ties: more
    orders, then name). Two queries: the sums, then their affiliates."""
    rows = (
        _counted(period_start(days, now=now))
        .values("affiliate", "currency")
        .annotate(revenue=Sum("base_amount"), orders=Count("pk"))
        .order_by("-revenue", "-orders", "affiliate__name", "affiliate")[:limit]
    )
    rows = list(rows)
    affiliates = Affiliate.objects.in_bulk([row["affiliate"] for row in rows])
    return [
        RevenueRow(
            affiliate=affiliates[row["affiliate"]],
            orders=row["orders"],
            revenue=quantize(row["revenue"] or ZERO),
            currency=row["currency"],
        )
        for row in rows
    ]


def top_by_conversion(
    *, days: int = DEFAULT_PERIOD, limit: int = TOP, min_clicks: int = MIN_CLICKS, now=None
) -> list[ConversionRow]:
    """Affiliates by referred orders per click, highest first (ties: more orders, then name),
    among those with at least `min_clicks` clicks in the period. One query."""
    since = period_start(days, now=now)
    clicks = (
        Click.objects.filter(affiliate=OuterRef("pk"), created_at__gte=since)
        .order_by()
        .values("affiliate")
        .annotate(n=Count("pk"))
        .values("n")
    )
    orders = (
        _counted(since)
        .filter(affiliate=OuterRef("pk"))
        .order_by()
        .values("affiliate")
        .annotate(n=Count("pk"))
        .values("n")
    )
    affiliates = (
        Affiliate.objects.annotate(
            period_clicks=Coalesce(Subquery(clicks, output_field=IntegerField()), Value(0)),
            period_orders=Coalesce(Subquery(orders, output_field=IntegerField()), Value(0)),
        )
        .filter(Q(period_clicks__gte=max(min_clicks, 1)))
        .annotate(
            rate=Cast(F("period_orders"), FloatField()) / Cast(F("period_clicks"), FloatField())
        )
        .order_by("-rate", "-period_orders", "name", "pk")[:limit]
    )
    return [
        ConversionRow(
            affiliate=affiliate,
            clicks=affiliate.period_clicks,
            orders=affiliate.period_orders,
            rate=affiliate.rate,
        )
        for affiliate in affiliates
    ]
