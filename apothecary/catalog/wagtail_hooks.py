"""The admin's "Store" menu, and packs (variants) in it: SKU, price and stock are edited here,
apart from the product page, so publishing a page never changes them."""

import django_filters
from django.db.models import Q
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup

from apothecary.core.admin.viewsets import BaseModelViewSet
from apothecary.core.money import format_money

from .models import Variant

# The "Store" menu collects every menu item registered with this hook name: orders, shipping
# zones and discount codes join it from their apps' hooks (their viewsets' `menu_hook`).
STORE_MENU_HOOK = "register_store_menu_item"
LOW_STOCK_AT_MOST = 5  # as Variant.low_stock


class VariantFilterSet(WagtailFilterSet):
    stock_level = django_filters.ChoiceFilter(
        label="Stock",
        choices=[
            ("low", f"Low ({LOW_STOCK_AT_MOST} or fewer left)"),
            ("sold_out", "Sold out"),
            ("low_or_sold_out", "Low or sold out"),
            ("untracked", "Not tracked"),
        ],
        method="filter_stock_level",
        empty_label="All",
    )

    class Meta:
        model = Variant
        fields = ["product", "active"]

    def filter_stock_level(self, queryset, name, value):
        levels = {
            "low": Q(stock__gt=0, stock__lte=LOW_STOCK_AT_MOST),
            "sold_out": Q(stock=0),
            "low_or_sold_out": Q(stock__lte=LOW_STOCK_AT_MOST),
            "untracked": Q(stock__isnull=True),
        }
        return queryset.filter(levels[value]) if value in levels else queryset


class VariantIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("product")


def stock_display(variant: Variant):
    return "not tracked" if variant.stock is None else variant.stock


class VariantViewSet(BaseModelViewSet):
    model = Variant
    name = "packs"
    icon = "tag"
    menu_label = "Packs"
    menu_order = 200
    index_view_class = VariantIndexView
    list_display = [
        "product",
        "sku",
        "name",
        Column("price", label="Price", accessor=lambda v: format_money(v.price), sort_key="price"),
        Column("stock", label="Stock", accessor=stock_display, sort_key="stock"),
        BooleanColumn("active", label="Active", sort_key="active"),
    ]
    filterset_class = VariantFilterSet
    search_fields = ["sku", "name"]
    panels = [
        FieldPanel("product"),
        FieldRowPanel([FieldPanel("sku"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("price"), FieldPanel("compare_at_price")]),
        FieldRowPanel([FieldPanel("stock"), FieldPanel("months"), FieldPanel("weight_grams")]),
        FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            page_title="Packs", add_item_label="Add pack", **kwargs
        )


class StoreMenu(ViewSetGroup):
    menu_label = "Store"
    menu_icon = "tasks"
    menu_order = 150  # right after Pages
    submenu_hook = STORE_MENU_HOOK
    items = (VariantViewSet,)


@hooks.register("register_admin_viewset")
def register_store_menu():
    return StoreMenu()
