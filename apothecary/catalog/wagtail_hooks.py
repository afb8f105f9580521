"""The admin's "Store" menu, and packs (variants) in it: SKU, price and stock are edited here,
apart from the product page, so publishing a page never changes them. A pack's stock is
typed once, when the pack is added; after that it changes by ±N on its stock page
(stock_admin), never by typing a new total over the sales made meanwhile."""

import django_filters
from django.db import transaction
from django.db.models import F, Q
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import Button, ListingButton

from apothecary.core.admin.exports import SafeSpreadsheetExportMixin
from apothecary.core.admin.viewsets import BaseModelViewSet
from apothecary.core.money import format_money

from .models import Variant
from .services import stock_record_initial
from .stock_admin import StockActionView, StockView

# The "Store" menu collects every menu item registered with this hook name: orders, shipping
# zones and discount codes join it from their apps' hooks (their viewsets' `menu_hook`).
STORE_MENU_HOOK = "register_store_menu_item"


class VariantFilterSet(WagtailFilterSet):
    stock_level = django_filters.ChoiceFilter(
        label="Stock",
        choices=[
            ("low", "Low (at or under the pack's threshold)"),
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
            "low": Q(stock__gt=0, stock__lte=F("low_stock_threshold")),
            "sold_out": Q(stock=0),
            "low_or_sold_out": Q(stock__lte=F("low_stock_threshold")),
            "untracked": Q(stock__isnull=True),
        }
        return queryset.filter(levels[value]) if value in levels else queryset


class VariantIndexView(SafeSpreadsheetExportMixin, IndexView):
    stock_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("product")

    def get_list_buttons(self, instance):
        stock = ListingButton(
            "Stock", url=reverse(self.stock_url_name, args=[instance.pk]), icon_name="history"
        )
        return [stock, *super().get_list_buttons(instance)]


class VariantCreateView(CreateView):
    """A new pack's stock, if given, is its opening stock: the first line of its history."""

    def save_instance(self):
        with transaction.atomic():
            variant = super().save_instance()
            stock_record_initial(variant=variant, actor=self.request.user)
        return variant


class VariantEditView(EditView):
    stock_url_name = None

    @property
    def header_more_buttons(self):
        stock = Button(
            "Stock and history",
            url=reverse(self.stock_url_name, args=[self.object.pk]),
            icon_name="history",
            priority=5,
        )
        return [stock, *super().header_more_buttons]


def stock_display(variant: Variant):
    return "not tracked" if variant.stock is None else variant.stock


# The form of a pack that exists shows its stock without a field to type over it.
EDIT_PANELS = [
    FieldPanel("product"),
    FieldRowPanel([FieldPanel("sku"), FieldPanel("name")]),
    FieldRowPanel([FieldPanel("price"), FieldPanel("compare_at_price")]),
    FieldRowPanel(
        [
            FieldPanel(
                "stock", read_only=True, help_text="Change it by ±N on the pack's stock page."
            ),
            FieldPanel("low_stock_threshold"),
        ]
    ),
    FieldRowPanel([FieldPanel("months"), FieldPanel("weight_grams")]),
    FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
]


class VariantViewSet(BaseModelViewSet):
    model = Variant
    name = "packs"
    icon = "tag"
    menu_label = "Packs"
    menu_order = 200
    index_view_class = VariantIndexView
    add_view_class = VariantCreateView
    edit_view_class = VariantEditView
    list_display = [
        "product",
        "sku",
        "name",
        Column("price", label="Price", accessor=lambda v: format_money(v.price), sort_key="price"),
        Column("stock", label="Stock", accessor=stock_display, sort_key="stock"),
        Column("low_stock_threshold", label="Low at", sort_key="low_stock_threshold"),
        BooleanColumn("active", label="Active", sort_key="active"),
    ]
    filterset_class = VariantFilterSet
    search_fields = ["sku", "name"]
    list_export = [
        "product.title",
        "sku",
        "name",
        "months",
        "price",
        "compare_at_price",
        "stock",
        "low_stock_threshold",
        "active",
    ]
    export_headings = {"product.title": "Product", "low_stock_threshold": "Low at"}
    export_filename = "packs"
    panels = [  # adding a pack: its stock here is the opening stock
        FieldPanel("product"),
        FieldRowPanel([FieldPanel("sku"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("price"), FieldPanel("compare_at_price")]),
        FieldRowPanel([FieldPanel("stock"), FieldPanel("low_stock_threshold")]),
        FieldRowPanel([FieldPanel("months"), FieldPanel("weight_grams")]),
        FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            page_title="Packs",
            add_item_label="Add pack",
            stock_url_name=self.get_url_name("stock"),
            **kwargs,
        )

    def get_edit_view_kwargs(self, **kwargs):
        panel = ObjectList(EDIT_PANELS).bind_to_model(Variant)
        return super().get_edit_view_kwargs(
            panel=panel,
            form_class=panel.get_form_class(),
            stock_url_name=self.get_url_name("stock"),
            **kwargs,
        )

    def _stock_view(self, view_class):
        return self.construct_view(
            view_class,
            inspect_url_name=self.get_url_name("stock"),
            action_url_name=self.get_url_name("stock_action"),
            edit_url_name=self.get_url_name("edit"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("stock/<int:pk>/", self._stock_view(StockView), name="stock"),
            path(
                "stock/<int:pk>/<slug:action>/",
                self._stock_view(StockActionView),
                name="stock_action",
            ),
        ]


class StoreMenu(ViewSetGroup):
    menu_label = "Store"
    menu_icon = "tasks"
    menu_order = 150  # right after Pages
    submenu_hook = STORE_MENU_HOOK
    items = (VariantViewSet,)


@hooks.register("register_admin_viewset")
def register_store_menu():
    return StoreMenu()
