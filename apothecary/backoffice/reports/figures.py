"""The sales report's figures, summed in the database: one query for the periods and one for
each breakdown (two for affiliates), however long the range and however many orders.

Which orders count (COUNTED_RULE, shown on the page): orders paid in the range (their
`paid_at`, in the store's time zone) that are paid, shipped, delivered, partially refunded or
refunded; pending and cancelled orders never do. An order counts in the period it was paid in;
its refunds (Order.refunded_amount) count in that same period, not when they were made.

- revenue: the orders' totals (goods after discount, shipping, tax), before refunds;
- average order: revenue / orders; net: revenue - refunds;
- by pack: the order lines (their SKU, product and pack as bought): units and line totals at
  the price paid per unit, before the order's discount code;
- by discount code: orders that used it, the discount given, their revenue;
- by country: the shipping country's orders and revenue;
- by affiliate: the orders attributed to them (affiliates.Referral), their revenue and the
  commissions those orders earn (neither rejected nor reversed; adjustments after refunds
  included)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DateField, Sum
from django.db.models.functions import Trunc
from django.utils import timezone

from apothecary.affiliates.models import Commission, CommissionStatus
from apothecary.core.geography import country_name
from apothecary.core.money import ZERO, quantize
from apothecary.orders.models import Order, OrderLine, OrderStatus

from .ranges import Period, ReportRange

COUNTED_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.REFUNDED,
)
COUNTED_RULE = (
    "Orders count when they were paid in the range (dates in the store's time zone, {tz}) "
    "and are paid, shipped, delivered, partially refunded or refunded; pending and cancelled "
    "orders never count. Revenue is the orders' totals (after discounts, with shipping and "
    "tax); refunds are what was refunded on those orders, counted in the period the order was "
    "paid in; net is revenue minus refunds."
)
COMMISSION_NOT_COUNTED = (CommissionStatus.REJECTED, CommissionStatus.REVERSED)


def counted_rule() -> str:
    return COUNTED_RULE.format(tz=timezone.get_default_timezone_name())


def counted_orders(report_range: ReportRange):
    return Order.objects.filter(
        status__in=COUNTED_STATUSES,
        paid_at__gte=report_range.start,
        paid_at__lt=report_range.end,
    ).order_by()


def _money(value) -> Decimal:
    return quantize(value or ZERO)


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    orders: int
    revenue: Decimal
    refunds: Decimal

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def first(self):
        return self.period.first

    @property
    def last(self):
        return self.period.last

    @property
    def average(self) -> Decimal:
        return quantize(self.revenue / self.orders) if self.orders else ZERO

    @property
    def net(self) -> Decimal:
        return self.revenue - self.refunds


def _totals():
    return {"orders": Count("pk"), "revenue": Sum("total"), "refunds": Sum("refunded_amount")}


def sales_by_period(report_range: ReportRange) -> list[PeriodRow]:
    """Every period of the range, those without orders too. One query."""
    bucket = Trunc(
        "paid_at",
        report_range.group,
        output_field=DateField(),
        tzinfo=timezone.get_default_timezone(),
    )
    rows = {
        row["key"]: row
        for row in counted_orders(report_range)
        .annotate(key=bucket)
        .values("key")
        .annotate(**_totals())
    }
    result = []
    for period in report_range.periods():
        row = rows.get(period.key, {})
        result.append(
            PeriodRow(
                period=period,
                orders=row.get("orders", 0),
                revenue=_money(row.get("revenue")),
                refunds=_money(row.get("refunds")),
            )
        )
    return result


def total_row(rows: list[PeriodRow], report_range: ReportRange) -> PeriodRow:
    """The whole range as one row (the table's footer), from the periods' sums."""
    return PeriodRow(
        period=Period(
            key=report_range.first,
            first=report_range.first,
            last=report_range.last,
            group="range",
        ),
        orders=sum(row.orders for row in rows),
        revenue=sum((row.revenue for row in rows), ZERO),
        refunds=sum((row.refunds for row in rows), ZERO),
    )


@dataclass(frozen=True)
class PackRow:
    sku: str
    product: str
    pack: str
    orders: int
    units: int
    units_refunded: int
    revenue: Decimal


def sales_by_pack(report_range: ReportRange) -> list[PackRow]:
    """Order lines by SKU, product and pack as bought; most revenue first. One query."""
    rows = (
        OrderLine.objects.filter(order__in=counted_orders(report_range))
        .order_by()
        .values("sku", "product_title", "variant_name")
        .annotate(
            orders=Count("order", distinct=True),
            units=Sum("quantity"),
            units_refunded=Sum("refunded_quantity"),
            revenue=Sum("line_total"),
        )
        .order_by("-revenue", "sku", "product_title", "variant_name")
    )
    return [
        PackRow(
            sku=row["sku"],
            product=row["product_title"],
            pack=row["variant_name"],
            orders=row["orders"],
            units=row["units"] or 0,
            units_refunded=row["units_refunded"] or 0,
            revenue=_money(row["revenue"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class DiscountRow:
    code: str
    uses: int
    discount: Decimal
    revenue: Decimal


def sales_by_discount_code(report_range: ReportRange) -> list[DiscountRow]:
    """Orders with a discount code, by code; most used first. One query."""
    rows = (
        counted_orders(report_range)
        .exclude(discount_code="")
        .values("discount_code")
        .annotate(uses=Count("pk"), discount=Sum("discount_amount"), revenue=Sum("total"))
        .order_by("-uses", "-revenue", "discount_code")
    )
    return [
        DiscountRow(
            code=row["discount_code"],
            uses=row["uses"],
            discount=_money(row["discount"]),
            revenue=_money(row["revenue"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CountryRow:
    code: str
    orders: int
    revenue: Decimal
    refunds: Decimal

    @property
    def name(self) -> str:
        return country_name(self.code)


def sales_by_country(report_range: ReportRange) -> list[CountryRow]:
    """Orders by the country they ship to; most revenue first. One query."""
    rows = (
        counted_orders(report_range)
        .values("shipping_country")
        .annotate(**_totals())
        .order_by("-revenue", "shipping_country")
    )
    return [
        CountryRow(
            code=row["shipping_country"],
            orders=row["orders"],
            revenue=_money(row["revenue"]),
            refunds=_money(row["refunds"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class AffiliateRow:
    affiliate_id: int
    name: str
    code: str
    orders: int
    revenue: Decimal
    commission: Decimal


def sales_by_affiliate(report_range: ReportRange) -> list[AffiliateRow]:
    """Orders attributed to an affiliate, and what they earn; most revenue first. Two
    queries: the orders by affiliate, the commissions by affiliate."""
    orders = counted_orders(report_range)
    rows = (
        orders.filter(referral__isnull=False)
        .values("referral__affiliate", "referral__affiliate__name", "referral__affiliate__code")
        .annotate(orders=Count("pk"), revenue=Sum("total"))
        .order_by("-revenue", "referral__affiliate__name", "referral__affiliate")
    )
    rows = list(rows)
    commissions = dict(
        Commission.objects.filter(order__in=orders)
        .exclude(status__in=COMMISSION_NOT_COUNTED)
        .order_by()
        .values("affiliate")
        .annotate(amount=Sum("amount"))
        .values_list("affiliate", "amount")
    )
    return [
        AffiliateRow(
            affiliate_id=row["referral__affiliate"],
            name=row["referral__affiliate__name"],
            code=row["referral__affiliate__code"],
            orders=row["orders"],
            revenue=_money(row["revenue"]),
            commission=_money(commissions.get(row["referral__affiliate"])),
        )
        for row in rows
    ]
