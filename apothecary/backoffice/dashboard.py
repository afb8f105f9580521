"""The manager's dashboard: the first panel of the admin's home page. Each tile is a number
and a link to the list it counts: orders to ship, returns waiting, packs low on stock, and
revenue and the average order over the last 30 days against the 30 before.

A tile's number is counted by the very filters of the list it links to (the list's own
filterset, with the query string of the link), so the two cannot disagree. A tile is shown
only to whom may open its list."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.ui.components import Component

from apothecary.catalog.models import Variant
from apothecary.catalog.wagtail_hooks import VariantFilterSet
from apothecary.core.money import (
    ZERO,
    format_money,
    money_field_kwargs,
    quantize,
    store_currency,
)
from apothecary.orders.models import Order, ReturnRequest, ReturnStatus
from apothecary.orders.returns_admin import ReturnFilterSet
from apothecary.orders.wagtail_hooks import REVENUE_STATUSES, OrderFilterSet

from .customer_views import may_see

PERIOD_DAYS = 30
WAITING_RETURNS = (ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.RECEIVED)


@dataclass(frozen=True)
class Tile:
    name: str
    label: str
    value: str
    url: str
    note: str = ""
    attention: bool = False  # something is waiting for someone


def _query(**params) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, (list, tuple)) else [value])
    return query


def filtered(filterset_class, model, query: QueryDict):
    return filterset_class(data=query, queryset=model._default_manager.all()).qs


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date

    def query(self) -> QueryDict:
        return _query(
            paid_at_from=self.first.isoformat(),
            paid_at_to=self.last.isoformat(),
            status=[str(status) for status in REVENUE_STATUSES],
        )


def periods(today: datetime.date | None = None) -> tuple[Period, Period]:
    """The last PERIOD_DAYS days (today included) and the PERIOD_DAYS before them."""
    today = today or timezone.localdate()
    days = datetime.timedelta(days=PERIOD_DAYS)
    this = Period(today - days + datetime.timedelta(days=1), today)
    return this, Period(this.first - days, this.first - datetime.timedelta(days=1))


@dataclass(frozen=True)
class Sales:
    orders: int
    revenue: Decimal  # after refunds
    average: Decimal  # the average order as paid, before refunds


def sales(period: Period) -> Sales:
    """Orders paid in the period that still count as sales (the sales panel's), one query."""
    net = ExpressionWrapper(
        F("total") - F("refunded_amount"), output_field=DecimalField(**money_field_kwargs())
    )
    row = filtered(OrderFilterSet, Order, period.query()).aggregate(
        orders=Count("pk"), revenue=Sum(net), paid=Sum("total")
    )
    orders = row["orders"]
    paid = row["paid"] or ZERO
    average = quantize(paid / orders) if orders else ZERO
    return Sales(orders, quantize(row["revenue"] or ZERO), average)


def compared(now: Decimal, before: Decimal, currency: str) -> str:
    if not before:
        return f"none in the {PERIOD_DAYS} days before" if not now else "new this period"
    change = (now - before) / before * 100
    return (
        f"{change:+.0f}% against {format_money(before, currency)} in the {PERIOD_DAYS} days before"
    )


class DashboardPanel(Component):
    """The tiles, first on the admin's home page."""

    name = "store_dashboard"
    order = 10  # before the sales chart (50) and Wagtail's own panels (100 and up)
    template_name = "backoffice/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def _count_tile(self, name, label, filterset_class, model, url_name, query, **kwargs):
        count = filtered(filterset_class, model, query).count()
        url = f"{reverse(url_name)}?{query.urlencode()}"
        return Tile(name, label, str(count), url, attention=bool(count), **kwargs)

    @cached_property
    def tiles(self) -> list[Tile]:
        user = self.request.user
        tiles = []
        if may_see(user, Order):
            tiles.append(
                self._count_tile(
                    "to_ship",
                    "orders to ship",
                    OrderFilterSet,
                    Order,
                    "store_orders:index",
                    _query(to_ship="yes"),
                    note="paid, not shipped yet",
                )
            )
            tiles.append(
                self._count_tile(
                    "attention",
                    "orders need attention",
                    OrderFilterSet,
                    Order,
                    "store_orders:index",
                    _query(needs_attention="true"),
                    note="payment anomalies to deal with",
                )
            )
            tiles.append(
                self._count_tile(
                    "returns",
                    "returns waiting",
                    ReturnFilterSet,
                    ReturnRequest,
                    "store_returns:index",
                    _query(status=[str(status) for status in WAITING_RETURNS]),
                    note="requested, approved or received",
                )
            )
        if may_see(user, Variant):
            tiles.append(
                self._count_tile(
                    "low_stock",
                    "packs low on stock",
                    VariantFilterSet,
                    Variant,
                    "packs:index",
                    _query(stock_level="low_or_sold_out"),
                    note="low or sold out",
                )
            )
        if may_see(user, Order):
            tiles.extend(self._sales_tiles())
        return tiles

    def _sales_tiles(self) -> list[Tile]:
        this, before = periods()
        now, then = sales(this), sales(before)
        currency = store_currency()
        url = f"{reverse('store_orders:index')}?{this.query().urlencode()}"
        return [
            Tile(
                "revenue",
                f"revenue, last {PERIOD_DAYS} days",
                format_money(now.revenue, currency),
                url,
                note=f"{now.orders} orders, after refunds; "
                + compared(now.revenue, then.revenue, currency),
            ),
            Tile(
                "average",
                f"average order, last {PERIOD_DAYS} days",
                format_money(now.average, currency),
                url,
                note=compared(now.average, then.average, currency),
            ),
        ]

    def get_context_data(self, parent_context=None):
        return {"tiles": self.tiles}
