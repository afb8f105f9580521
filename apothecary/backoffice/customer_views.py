"""The customers in the admin ("Store" → "Customers"): the list, searchable, sortable and
exported as CSV or XLSX, and a customer's page with everything the shop holds about them.

A customer appears in URLs by one of their order numbers, or by their account when they have
no order: never by their email. Both pages take the orders' permissions (view or change):
who may see the orders may see who placed them."""

from decimal import Decimal

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permissions import policy_registry

from apothecary.affiliates.models import Affiliate
from apothecary.contact.models import ContactMessage
from apothecary.core.admin.reports import BaseReportView
from apothecary.core.money import format_money, quantize, store_currency
from apothecary.orders.models import Order, ReturnRequest
from apothecary.reviews.models import Review

from .customers import customer_figures, customer_key, customer_orders, customer_rows

SECTION_LIMIT = 50  # rows of each section of a customer's page; the orders list has the rest
ORDERS_PERMISSIONS = ["view", "change"]


def may_see(user, model) -> bool:
    return policy_registry.get_by_type(model).user_has_any_permission(user, ORDERS_PERMISSIONS)


def customer_url(row) -> str:
    if row["order_ref"]:
        return reverse("backoffice_customers:order", args=[row["order_ref"]])
    return reverse("backoffice_customers:account", args=[row["user_ref"]])


def cents(value) -> Decimal:
    return quantize(Decimal(value))


def money(value) -> str:
    return format_money(cents(value), store_currency())


def day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else "—"


def yes_no(value) -> str:
    return "yes" if value else "no"


class CustomerFilterSet(WagtailFilterSet):
    """Read by the view (customer_rows takes the choice): the rows are not a model's."""

    account = django_filters.ChoiceFilter(
        label="Account",
        choices=[("yes", "With an account"), ("no", "Guests only")],
        empty_label="All",
    )

    class Meta:
        model = Order
        fields = []

    def filter_queryset(self, queryset):
        return queryset

    def chosen_account(self) -> bool | None:
        self.is_valid()
        value = getattr(self.form, "cleaned_data", {}).get("account")
        return {"yes": True, "no": False}.get(value)


class CustomerIndexView(BaseReportView):
    model = Order  # the permissions are the orders'
    any_permission_required = ORDERS_PERMISSIONS
    page_title = "Customers"
    header_icon = "group"
    template_name = "backoffice/customers/index.html"
    filterset_class = CustomerFilterSet
    is_searchable = True
    default_ordering = "-last_order"
    export_filename = "customers"
    list_export = [
        "name",
        "key",
        "has_account",
        "order_count",
        "spent",
        "refunded",
        "first_order",
        "last_order",
    ]
    export_headings = {
        "name": "Name",
        "key": "Email",
        "has_account": "Account",
        "order_count": "Orders",
        "spent": "Spent",
        "refunded": "Refunded",
        "first_order": "First order",
        "last_order": "Last order",
    }
    custom_field_preprocess = {
        "has_account": {"csv": yes_no, "xlsx": yes_no},
        "spent": {"csv": cents, "xlsx": cents},
        "refunded": {"csv": cents, "xlsx": cents},
    }

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label="Name",
                accessor=lambda row: row["name"] or "(no name)",
                get_url=customer_url,
                sort_key="name",
            ),
            Column("key", label="Email", sort_key="key"),
            Column("has_account", label="Account", accessor=lambda r: yes_no(r["has_account"])),
            Column("order_count", label="Orders", sort_key="order_count"),
            Column("spent", label="Spent", accessor=lambda r: money(r["spent"]), sort_key="spent"),
            Column(
                "refunded",
                label="Refunded",
                accessor=lambda r: money(r["refunded"]),
                sort_key="refunded",
            ),
            Column(
                "first_order",
                label="First order",
                accessor=lambda r: day(r["first_order"]),
                sort_key="first_order",
            ),
            Column(
                "last_order",
                label="Last order",
                accessor=lambda r: day(r["last_order"]),
                sort_key="last_order",
            ),
        ]

    def get_queryset(self):
        rows = customer_rows(search=self.search_query, account=self.filters.chosen_account())
        name = self.ordering.lstrip("-")
        column = F(name)
        order = column.desc(nulls_last=True) if self.ordering.startswith("-") else column.asc()
        return rows.order_by(order, "key")  # the email makes the order total: stable pages

    def filter_queryset(self, queryset):
        return queryset

    def get_filename(self):
        return f"customers-{timezone.localdate():%Y-%m-%d}"


class CustomerDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A customer, found by one of their order numbers (`number`) or their account (`pk`)."""

    model = Order
    any_permission_required = ORDERS_PERMISSIONS
    template_name = "backoffice/customers/detail.html"
    header_icon = "user"
    index_url_name = "backoffice_customers:index"

    @cached_property
    def key(self) -> str:
        if "number" in self.kwargs:
            key = (
                Order.objects.filter(number=self.kwargs["number"])
                .values_list(customer_key(), flat=True)
                .first()
            )
        else:
            account = get_user_model().objects.filter(pk=self.kwargs["pk"]).first()
            key = account.email.lower() if account else None
        if key is None:
            raise Http404("No such customer.")
        return key

    @cached_property
    def figures(self):
        return customer_figures(self.key)

    def get_page_title(self):
        return self.figures.name or self.key

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Customers"},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, key = self.request.user, self.key
        orders = customer_orders(key).order_by("-created_at", "-pk")
        returns = ReturnRequest.objects.filter(order__in=orders.values("pk")).select_related(
            "order"
        )
        context.update(
            figures=self.figures,
            currency=store_currency(),
            account=get_user_model().objects.filter(email__iexact=key).first(),
            orders=list(orders[:SECTION_LIMIT]),
            more_orders_url=f"{reverse('store_orders:index')}?q={key}",
            returns=list(returns.order_by("-created_at")[:SECTION_LIMIT]),
            reviews=list(
                Review.objects.filter(email__iexact=key).select_related("product")[:SECTION_LIMIT]
            ),
            contact_messages=list(ContactMessage.objects.filter(email__iexact=key)[:SECTION_LIMIT]),
            affiliate=Affiliate.objects.filter(
                Q(user__email__iexact=key) | Q(email__iexact=key)
            ).first(),
            may_see_reviews=may_see(user, Review),
            may_see_messages=may_see(user, ContactMessage),
            may_see_affiliates=may_see(user, Affiliate),
            section_limit=SECTION_LIMIT,
        )
        return context
