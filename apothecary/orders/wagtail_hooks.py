"""Orders in the Wagtail admin ("Store" menu): a filtered, searchable list with a CSV export,
the detail page with its actions, the packing slip, and the sales panel on the dashboard.

Orders are never added or edited through a model form: the viewset has no add, edit, copy or
delete view; every change goes through the actions of the detail page (admin_views)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets.button import Button
from wagtail.permissions import policy_registry

from apothecary.catalog.wagtail_hooks import STORE_MENU_HOOK
from apothecary.core.admin.exports import SafeSpreadsheetExportMixin
from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet
from apothecary.core.geography import country_name
from apothecary.core.money import (
    ZERO,
    format_money,
    money_field_kwargs,
    quantize,
    store_currency,
)

from .admin_views import OrderActionView, OrderDetailView, OrderPackingSlipView
from .models import NUMBER_ALPHABET, Order, OrderStatus
from .returns_admin import ReturnViewSet


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=OrderStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    created_at = django_filters.DateFromToRangeFilter(
        label="Placed between", widget=DateRangePickerWidget
    )
    shipping_country = django_filters.ChoiceFilter(
        label="Ship to country", choices=[], empty_label="All"
    )
    # The dashboard's tiles link here: orders waiting to ship, and revenue by payment date.
    to_ship = django_filters.ChoiceFilter(
        label="Shipping",
        choices=[("yes", "Paid, waiting to be shipped")],
        method="filter_to_ship",
        empty_label="All",
    )
    paid_at = django_filters.DateFromToRangeFilter(
        label="Paid between", widget=DateRangePickerWidget
    )
    needs_attention = django_filters.BooleanFilter(
        label="Needs attention",
        widget=forms.Select(choices=[("", "All"), ("true", "Yes"), ("false", "No")]),
    )

    class Meta:
        model = Order
        fields = ["status", "created_at", "shipping_country", "needs_attention"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = Order.objects.order_by().values_list("shipping_country", flat=True).distinct()
        self.filters["shipping_country"].extra["choices"] = sorted(
            ((code, f"{country_name(code)} ({code})") for code in codes), key=lambda c: c[1]
        )

    def filter_to_ship(self, queryset, name, value):
        if value != "yes":
            return queryset
        return queryset.filter(
            status__in=(OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED), shipped_at__isnull=True
        )


def customer_display(order: Order) -> str:
    return f"{order.shipping_name} ({order.email})"


def placed_display(order: Order) -> str:
    return timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M")


def total_display(order: Order) -> str:
    return format_money(order.total, order.currency)


class OrderIndexView(SafeSpreadsheetExportMixin, IndexView):
    any_permission_required = ["change", "view"]
    packing_slip_url_name = None
    template_name = "orders/admin/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count = Order.objects.filter(needs_attention=True).count()
        context["attention_count"] = count
        context["attention_url"] = f"{reverse(self.index_url_name)}?needs_attention=true"
        return context

    def get_inspect_url(self, instance):
        if self.inspect_url_name and self.user_has_any_permission({"change", "view"}):
            return reverse(self.inspect_url_name, args=[instance.number])

    def get_list_more_buttons(self, instance):
        if not self.inspect_url_name:
            return []
        return [
            Button("Open", url=self.get_inspect_url(instance), icon_name="view"),
            Button(
                "Packing slip",
                url=reverse(self.packing_slip_url_name, args=[instance.number]),
                icon_name="doc-full",
                attrs={"target": "_blank", "rel": "noopener"},
            ),
        ]


class OrderViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = Order
    name = "store_orders"  # the namespace; "orders" is the shop's own
    url_prefix = "orders"
    icon = "clipboard-list"
    menu_label = "Orders"
    menu_order = 100
    menu_hook = STORE_MENU_HOOK
    index_view_class = OrderIndexView
    inspect_view_enabled = True
    inspect_view_class = OrderDetailView
    action_view_class = OrderActionView
    # Orders appear in admin URLs by their number, never by their sequential id.
    item_regex = rf"(?P<number>[{NUMBER_ALPHABET}]+)"
    lookup_field = "number"
    extra_views = ("action", "packing_slip")
    list_display = [
        "number",
        Column("created_at", label="Placed", accessor=placed_display, sort_key="created_at"),
        Column("shipping_name", label="Customer", accessor=customer_display),
        Column(
            "shipping_country",
            label="Country",
            accessor=lambda order: country_name(order.shipping_country),
            sort_key="shipping_country",
        ),
        Column("total", label="Total", accessor=total_display, sort_key="total"),
        StatusTagColumn(
            "get_status_display",
            label="Status",
            sort_key="status",
            primary=lambda order: order.status == OrderStatus.PAID,  # waiting to be shipped
        ),
        Column(
            "needs_attention",
            label="Attention",
            accessor=lambda order: order.get_attention_reason_display(),
            sort_key="needs_attention",
        ),
    ]
    filterset_class = OrderFilterSet
    search_fields = [
        "number",
        "email",
        "shipping_name",
        "shipping_city",
        "shipping_postcode",
        "billing_city",
        "billing_postcode",
    ]
    list_export = [
        "number",
        "created_at",
        "get_status_display",
        "email",
        "shipping_name",
        "shipping_city",
        "shipping_country",
        "shipping_method",
        "currency",
        "subtotal",
        "discount_code",
        "discount_amount",
        "shipping_amount",
        "tax_amount",
        "total",
        "refunded_amount",
        "carrier",
        "tracking_number",
        "attention_reason",
    ]
    export_headings = {
        "number": "Order",
        "created_at": "Placed",
        "get_status_display": "Status",
        "shipping_name": "Name",
        "shipping_city": "City",
        "shipping_country": "Country",
        "attention_reason": "Needs attention",
    }
    export_filename = "orders"

    def get_permissions_to_register(self):
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=["change_order", "view_order"])
        )

    @property
    def packing_slip_view(self):
        return self.construct_view(OrderPackingSlipView)

    def get_item_urlpatterns(self):
        return [self.item_path("packing-slip/", self.packing_slip_view, "packing_slip")]


@hooks.register("register_admin_viewset")
def register_order_viewset():
    return OrderViewSet()


@hooks.register("register_admin_viewset")
def register_return_viewset():
    return ReturnViewSet()


# The dashboard: orders and revenue of the last 30 days.

REVENUE_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.PARTIALLY_REFUNDED,
)


@dataclass
class SalesDay:
    day: datetime.date
    orders: int
    revenue: Decimal


def sales_by_day(*, days: int = 30, today: datetime.date | None = None) -> list[SalesDay]:
    """Orders paid on each of the last `days` days (today included, in the site's time zone)
    that still count as sales, and their revenue: totals minus what was refunded."""
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    rows = (
        Order.objects.filter(status__in=REVENUE_STATUSES, paid_at__gte=start)
        .annotate(day=TruncDate("paid_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            orders=Count("pk"),
            revenue=Sum(
                ExpressionWrapper(
                    F("total") - F("refunded_amount"),
                    output_field=DecimalField(**money_field_kwargs()),
                )
            ),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    result = []
    for n in range(days):
        day = first + datetime.timedelta(days=n)
        row = by_day.get(day, {})
        result.append(SalesDay(day, row.get("orders", 0), quantize(row.get("revenue") or ZERO)))
    return result


class SalesPanel(Component):
    """Two totals and a bar chart of revenue by day, drawn here as inline SVG (no script)."""

    name = "store_sales"
    order = 50
    template_name = "orders/admin/sales_panel.html"
    width, height, gap = 600, 140, 4

    def __init__(self, request):
        self.request = request

    @cached_property
    def days(self) -> list[SalesDay]:
        return sales_by_day()

    def bars(self):
        step = self.width / len(self.days)
        peak = max((d.revenue for d in self.days), default=ZERO) or Decimal(1)
        for n, day in enumerate(self.days):
            height = float(day.revenue / peak) * (self.height - 20)
            yield {
                "x": round(n * step + self.gap / 2, 1),
                "y": round(self.height - height, 1),
                "width": round(step - self.gap, 1),
                "height": round(height, 1),
                "day": day,
            }

    def get_context_data(self, parent_context=None):
        return {
            "days": self.days,
            "first_day": self.days[0].day,
            "last_day": self.days[-1].day,
            "bars": list(self.bars()),
            "width": self.width,
            "height": self.height,
            "order_count": sum(d.orders for d in self.days),
            "revenue": sum((d.revenue for d in self.days), ZERO),
            "currency": store_currency(),
            "orders_url": reverse("store_orders:index"),
        }


@hooks.register("construct_homepage_panels")
def add_sales_panel(request, panels):
    policy = policy_registry.get_by_type(Order)
    if policy.user_has_any_permission(request.user, ["change", "view"]):
        panels.append(SalesPanel(request))
