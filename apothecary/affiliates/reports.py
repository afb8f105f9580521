"""The back office's report of the top affiliates, over the last 30, 90 or 365 days.

Two rankings, a fixed number of queries whatever the number of affiliates, clicks and
orders (two for revenue, one for conversion):

- by revenue: the net product amount of the orders they referred that were paid and still
  count (Commission.base_amount of kind "commission", neither rejected nor reversed;
  self-referrals are rejected, so they do not count);
- by conversion: those orders divided by the clicks on their links in the period, among
  affiliates with at least MIN_CLICKS clicks, so that one order from one click does not top
  the list.

Whichever the ranking, each row has all the figures: clicks, orders, revenue, conversion. A
commission counts in the period in which it was made (when its order was paid)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, FloatField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from apothecary.core.money import ZERO, quantize, store_currency

from .models import Affiliate, Click, Commission, CommissionKind, CommissionStatus

PERIODS = {30: "Last 30 days", 90: "Last 90 days", 365: "Last 365 days"}
DEFAULT_PERIOD = 30
RANKINGS = {"revenue": "By revenue", "conversion": "By conversion"}
DEFAULT_RANKING = "revenue"
MIN_CLICKS = 20
TOP = 20

# Orders that no longer earn anything do not count as revenue or conversions.
NOT_COUNTED = (CommissionStatus.REJECTED, CommissionStatus.REVERSED)


@dataclass(frozen=True)
class RankedAffiliate:
    """An affiliate's figures over the period, at their place in one of the rankings."""

    position: int
    affiliate: Affiliate
    clicks: int
    orders: int
    revenue: Decimal
    currency: str

    @property
    def rate(self) -> float | None:
        """Orders per click, 0 to 1 (or more when orders came by coupon); None without
        clicks."""
        return self.orders / self.clicks if self.clicks else None

    @property
    def percent(self) -> str:
        return "–" if self.rate is None else f"{self.rate * 100:.1f}%"


def period_start(days: int, *, now=None):
    return (now or timezone.now()) - timedelta(days=days)


def _counted(since):
    return Commission.objects.filter(kind=CommissionKind.COMMISSION, created_at__gte=since).exclude(
        status__in=NOT_COUNTED
    )


def _per_affiliate(queryset, aggregate, empty):
    """`aggregate` over the rows of `queryset` that belong to the outer query's affiliate
    (`empty` when there are none): a subquery, so one query ranks every affiliate."""
    rows = queryset.filter(affiliate=OuterRef("pk")).order_by().values("affiliate")
    return Coalesce(Subquery(rows.annotate(value=aggregate).values("value")), Value(empty))


def _clicks_in_period(since):
    return _per_affiliate(Click.objects.filter(created_at__gte=since), Count("pk"), 0)


def top_by_revenue(
    *, days: int = DEFAULT_PERIOD, limit: int = TOP, now=None
) -> list[RankedAffiliate]:
    """Affiliates by the revenue of the orders they referred, highest first (ties: more
    orders, then name). Two queries: the sums, then their affiliates with their clicks."""
    since = period_start(days, now=now)
    rows = (
        _counted(since)
        .values("affiliate", "currency")
        .annotate(revenue=Sum("base_amount"), orders=Count("pk"))
        .order_by("-revenue", "-orders", "affiliate__name", "affiliate")[:limit]
    )
    rows = list(rows)
    affiliates = Affiliate.objects.annotate(period_clicks=_clicks_in_period(since)).in_bulk(
        [row["affiliate"] for row in rows]
    )
    return [
        RankedAffiliate(
            position=position,
            affiliate=affiliates[row["affiliate"]],
            clicks=affiliates[row["affiliate"]].period_clicks,
            orders=row["orders"],
            revenue=quantize(row["revenue"] or ZERO),
            currency=row["currency"],
        )
        for position, row in enumerate(rows, start=1)
    ]


def top_by_conversion(
    *, days: int = DEFAULT_PERIOD, limit: int = TOP, min_clicks: int = MIN_CLICKS, now=None
) -> list[RankedAffiliate]:
    """Affiliates by referred orders per click, highest first (ties: more orders, then name),
    among those with at least `min_clicks` clicks in the period. One query."""
    since = period_start(days, now=now)
    affiliates = (
        Affiliate.objects.annotate(
            period_clicks=_clicks_in_period(since),
            period_orders=_per_affiliate(_counted(since), Count("pk"), 0),
            period_revenue=_per_affiliate(_counted(since), Sum("base_amount"), ZERO),
        )
        .filter(period_clicks__gte=max(min_clicks, 1))
        .annotate(
            rate=Cast(F("period_orders"), FloatField()) / Cast(F("period_clicks"), FloatField())
        )
        .order_by("-rate", "-period_orders", "name", "pk")[:limit]
    )
    return [
        RankedAffiliate(
            position=position,
            affiliate=affiliate,
            clicks=affiliate.period_clicks,
            orders=affiliate.period_orders,
            revenue=quantize(affiliate.period_revenue),
            currency=store_currency(),
        )
        for position, affiliate in enumerate(affiliates, start=1)
    ]


def top_affiliates(*, by: str = DEFAULT_RANKING, days: int = DEFAULT_PERIOD, now=None):
    """The ranking `by` (a key of RANKINGS) over the last `days` days."""
    ranking = top_by_conversion if by == "conversion" else top_by_revenue
    return ranking(days=days, now=now)
