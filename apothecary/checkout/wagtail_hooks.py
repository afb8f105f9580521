"""Shipping zones (with their rates inline) and discount codes in the Wagtail admin, in the
"Store" menu (registered in apothecary/catalog/wagtail_hooks.py)."""

from django.db.models import Count
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView

from apothecary.catalog.wagtail_hooks import STORE_MENU_HOOK
from apothecary.core.admin.exports import SafeSpreadsheetExportMixin
from apothecary.core.admin.viewsets import BaseModelViewSet
from apothecary.core.geography import country_name
from apothecary.core.money import format_money

from .models import DiscountCode, ShippingZone


class ShippingZoneIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(rate_count=Count("rates"))


def countries_display(zone: ShippingZone) -> str:
    return ", ".join(country_name(code) for code in zone.country_codes())


class ShippingZoneViewSet(BaseModelViewSet):
    """Edited with the model's panels: name, countries, tax rate and mode, with the shipping
    rates and the regions' tax rates inline."""

    model = ShippingZone
    name = "shipping-zones"
    icon = "globe"
    menu_label = "Shipping zones"
    menu_order = 300
    menu_hook = STORE_MENU_HOOK
    index_view_class = ShippingZoneIndexView
    list_display = [
        "name",
        Column("countries", label="Countries", accessor=countries_display),
        Column("tax_rate", label="Tax (%)", sort_key="tax_rate"),
        BooleanColumn("prices_include_tax", label="Prices include tax"),
        Column("rate_count", label="Rates"),
        BooleanColumn("active", label="Active", sort_key="active"),
    ]
    list_filter = ["active"]
    search_fields = ["name", "countries"]


def discount_value_display(code: DiscountCode) -> str:
    if code.kind == DiscountCode.PERCENT:
        return f"{code.value.normalize():f}%"
    return format_money(code.value)


def discount_uses_display(code: DiscountCode) -> str:
    limit = "no limit" if code.usage_limit is None else code.usage_limit
    return f"{code.times_used} / {limit}"


class DiscountCodeIndexView(SafeSpreadsheetExportMixin, IndexView):
    pass


class DiscountCodeViewSet(BaseModelViewSet):
    model = DiscountCode
    name = "discount-codes"
    icon = "pick"
    menu_label = "Discount codes"
    menu_order = 400
    menu_hook = STORE_MENU_HOOK
    list_display = [
        "code",
        "kind",
        Column("value", label="Value", accessor=discount_value_display, sort_key="value"),
        Column(
            "times_used",
            label="Used / limit",
            accessor=discount_uses_display,
            sort_key="times_used",
        ),
        DateColumn("starts_at", label="Starts", sort_key="starts_at"),
        DateColumn("ends_at", label="Ends", sort_key="ends_at"),
        BooleanColumn("active", label="Active", sort_key="active"),
    ]
    list_filter = ["kind", "active"]
    search_fields = ["code"]
    index_view_class = DiscountCodeIndexView
    list_export = [
        "code",
        "kind",
        "value",
        "min_subtotal",
        "starts_at",
        "ends_at",
        "usage_limit",
        "per_email_limit",
        "times_used",
        "active",
    ]
    export_filename = "discount-codes"
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("active")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("value"), FieldPanel("min_subtotal")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        MultiFieldPanel(
            [FieldPanel("usage_limit"), FieldPanel("per_email_limit")], heading="Limits"
        ),
    ]


@hooks.register("register_admin_viewset")
def register_checkout_viewsets():
    return [ShippingZoneViewSet(), DiscountCodeViewSet()]
