"""The admin's "Affiliates" menu: applications waiting for a decision, affiliates, clicks,
commissions, payout batches, creatives, affiliate coupons, per-product rates, the report of
the top affiliates, and a link to the program's settings.

Access follows the Django model permissions (granted per group in Settings → Groups):
"view" to see a section, "change" to decide (approve, reject, …) and edit, "add" to create
a payout batch. Staff with none of them see no item of the menu, and its URLs refuse them.

Affiliates, commissions and batches change only through the decisions of their detail pages
(admin_views): no add or delete view; an affiliate's edit form holds only the fields staff
set (rate, cookie window, payout details, staff note), never the status."""

import django_filters
from django import forms
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BaseColumn, BooleanColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.settings.registry import SettingMenuItem
from wagtail.log_actions import LogFormatter
from wagtail.permissions import policy_registry

from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin

from .admin_views import (
    AffiliateActionView,
    AffiliateDetailView,
    CommissionActionView,
    CommissionBulkView,
    CommissionDetailView,
    PayoutBatchCSVView,
    PayoutBatchDetailView,
    PayoutBatchMarkPaidView,
    PayoutCreateView,
    TopAffiliatesReportView,
    ip_hash_display,
)
from .models import (
    Affiliate,
    AffiliateCoupon,
    AffiliateProgramSettings,
    AffiliateStatus,
    Click,
    Commission,
    CommissionKind,
    CommissionStatus,
    Creative,
    PayoutBatch,
    PayoutBatchStatus,
    ProductCommissionRate,
)

AFFILIATES_MENU_HOOK = "register_affiliates_menu_item"
COMMISSION_BULK_FORM_ID = "commission-bulk-form"


def when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def money(amount, currency) -> str:
    return f"{amount:.2f} {currency}"


def _codenames(viewset, *actions):
    """The model's permissions to show on the group form, among add/change/delete/view."""
    model = viewset.model._meta.model_name
    return viewset_permissions(viewset).filter(codename__in=[f"{a}_{model}" for a in actions])


def viewset_permissions(viewset):
    return ModelViewSet.get_permissions_to_register(viewset)


# --- Affiliates and applications --------------------------------------------------------------


class AffiliateFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=AffiliateStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )

    class Meta:
        model = Affiliate
        fields = ["status", "payout_method"]


class AffiliateIndexView(IndexView):
    any_permission_required = ["view", "change"]
    default_ordering = "-applied_at"

    def get_inspect_url(self, instance):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        return [
            TitleColumn("name", label="Name", get_url=self.get_inspect_url, sort_key="name"),
            Column("code", label="Code", sort_key="code"),
            Column("email", label="Email"),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda a: a.status == AffiliateStatus.PENDING,  # waiting for staff
            ),
            Column("payout_method", label="Paid by", accessor="get_payout_method_display"),
            Column(
                "commission_rate",
                label="Rate",
                accessor=lambda a: (
                    f"{a.commission_rate}%" if a.commission_rate is not None else "program's"
                ),
            ),
            Column(
                "applied_at",
                label="Applied",
                accessor=lambda a: when(a.applied_at),
                sort_key="applied_at",
            ),
        ]


class AffiliateEditView(EditView):
    """Back to the affiliate's page once saved, where staff came from."""

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])


class AffiliateViewSet(ActionOnlyViewSetMixin, ModelViewSet):
    model = Affiliate
    name = "admin_affiliates"  # "affiliates" is the public area's namespace
    url_prefix = "affiliates"
    icon = "group"
    menu_label = "Affiliates"
    index_view_class = AffiliateIndexView
    inspect_view_enabled = True
    inspect_view_class = AffiliateDetailView
    edit_view_class = AffiliateEditView
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    filterset_class = AffiliateFilterSet
    search_fields = ["name", "email", "code"]
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("commission_rate"), FieldPanel("cookie_days")], heading="Terms"),
        MultiFieldPanel(
            [FieldPanel("payout_method"), FieldPanel("paypal_email"), FieldPanel("bank_details")],
            heading="Payout details",
        ),
        FieldPanel("staff_note"),
    ]

    # Affiliates apply themselves and are never deleted (their commissions refer to them).
    without_views = ("add", "delete", "history", "usage")
    extra_views = ("action",)
    action_view_class = AffiliateActionView

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(edit_url_name=self.get_url_name("edit"), **kwargs)

    def get_permissions_to_register(self):
        return _codenames(self, "change", "view")

    def get_item_urlpatterns(self):
        return [path("<int:pk>/edit/", self.edit_view, name="edit")]


class ApplicationIndexView(IndexView):
    """Applications waiting for a decision, oldest first: the one waiting longest on top."""

    any_permission_required = ["view", "change"]
    page_title = "Applications"
    default_ordering = "applied_at"
    affiliate_url_name = "admin_affiliates:inspect"

    def get_base_queryset(self):
        return super().get_base_queryset().filter(status=AffiliateStatus.PENDING)

    def get_affiliate_url(self, instance):
        return reverse(self.affiliate_url_name, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        return [
            TitleColumn("name", label="Name", get_url=self.get_affiliate_url, sort_key="name"),
            Column("email", label="Email"),
            Column("website", label="Where they promote"),
            Column("promotion", label="How", accessor=lambda a: a.promotion[:120]),
            Column(
                "applied_at",
                label="Applied",
                accessor=lambda a: when(a.applied_at),
                sort_key="applied_at",
            ),
        ]


class ApplicationViewSet(ActionOnlyViewSetMixin, ModelViewSet):
    """A second list of affiliates, for the pending ones; deciding happens on the affiliate's
    page, so its permissions, URL finder and other views are the Affiliates section's."""

    model = Affiliate
    name = "affiliate_applications"
    url_prefix = "affiliates/applications"
    icon = "user"
    menu_label = "Applications"
    index_view_class = ApplicationIndexView
    add_to_reference_index = False
    copy_view_enabled = False
    list_per_page = 50
    search_fields = ["name", "email", "code"]
    search_backend_name = None

    def register_admin_url_finder(self):
        pass  # AffiliateViewSet's

    def get_permissions_to_register(self):
        return viewset_permissions(self).none()  # AffiliateViewSet registers them

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


# --- Clicks -----------------------------------------------------------------------------------


class ClickFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label="Between", widget=DateRangePickerWidget)

    class Meta:
        model = Click
        fields = ["affiliate", "flagged", "created_at"]


class ClickIndexView(IndexView):
    any_permission_required = ["view"]
    default_ordering = "-created_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("affiliate")

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        return [
            Column(
                "created_at",
                label="When",
                accessor=lambda c: when(c.created_at),
                sort_key="created_at",
            ),
            Column("affiliate", label="Affiliate", accessor=lambda c: c.affiliate.code),
            Column(
                "ip_hash",
                label="Visitor (hashed IP)",
                accessor=lambda c: ip_hash_display(c.ip_hash),
            ),
            Column("landing_url", label="Landing page"),
            Column("referrer", label="Came from"),
            Column(
                "flagged",
                label="Flagged",
                accessor=lambda c: f"Flagged: {c.flag_reason}" if c.flagged else "",
                sort_key="flagged",
            ),
        ]


class ClickViewSet(ActionOnlyViewSetMixin, ModelViewSet):
    model = Click
    name = "affiliate_clicks"
    url_prefix = "affiliates/clicks"
    icon = "link"
    menu_label = "Clicks"
    index_view_class = ClickIndexView
    add_to_reference_index = False
    copy_view_enabled = False
    list_per_page = 100
    filterset_class = ClickFilterSet

    # Read-only: clicks are facts recorded by the tracking.

    def get_permissions_to_register(self):
        return _codenames(self, "view")

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


# --- Commissions ------------------------------------------------------------------------------


class CommissionFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=CommissionStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    kind = django_filters.ChoiceFilter(choices=CommissionKind.choices, empty_label="All")

    class Meta:
        model = Commission
        fields = ["status", "flagged", "affiliate", "kind"]


class SelectColumn(BaseColumn):
    """A checkbox per row, tied to the bulk form below the list by its `form` attribute."""

    cell_template_name = "affiliates/admin/select_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        return {**context, "form_id": COMMISSION_BULK_FORM_ID}


class CommissionIndexView(IndexView):
    template_name = "affiliates/admin/commission_index.html"
    any_permission_required = ["view", "change"]
    default_ordering = "-created_at"
    bulk_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("affiliate", "order")

    def get_inspect_url(self, instance):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "commission",
                label="Commission",
                accessor=lambda c: f"Commission {c.pk}",
                get_url=self.get_inspect_url,
            ),
            Column("affiliate", label="Affiliate", accessor=lambda c: c.affiliate.code),
            Column("order", label="Order", accessor=lambda c: c.order.number),
            Column("kind", label="Kind", accessor="get_kind_display"),
            Column(
                "amount",
                label="Amount",
                accessor=lambda c: money(c.amount, c.currency),
                sort_key="amount",
            ),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda c: c.status == CommissionStatus.PENDING,
            ),
            StatusTagColumn(
                "flagged",
                label="Flagged",
                accessor=lambda c: "Flagged" if c.flagged else "",
                primary=lambda c: c.flagged,
                sort_key="flagged",
            ),
            Column(
                "created_at",
                label="Made",
                accessor=lambda c: when(c.created_at),
                sort_key="created_at",
            ),
        ]
        if self.user_has_permission("change"):
            columns.insert(0, SelectColumn("select", label="Select"))
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk_url"] = (
            reverse(self.bulk_url_name) if self.user_has_permission("change") else None
        )
        context["bulk_form_id"] = COMMISSION_BULK_FORM_ID
        return context


class CommissionViewSet(ActionOnlyViewSetMixin, ModelViewSet):
    model = Commission
    name = "affiliate_commissions"
    url_prefix = "affiliates/commissions"
    icon = "tag"
    menu_label = "Commissions"
    index_view_class = CommissionIndexView
    inspect_view_enabled = True
    inspect_view_class = CommissionDetailView
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    filterset_class = CommissionFilterSet
    search_fields = ["order__number", "affiliate__code", "affiliate__name"]
    search_backend_name = None

    # Commissions change only by decisions (services.commission_transition).
    extra_views = ("action", "bulk")
    action_view_class = CommissionActionView
    bulk_view_class = CommissionBulkView

    def get_permissions_to_register(self):
        return _codenames(self, "change", "view")



# --- Payouts ----------------------------------------------------------------------------------


class PayoutBatchIndexView(IndexView):
    any_permission_required = ["view", "change", "add"]
    default_ordering = "-created_at"
    add_item_label = "Create payout batch"

    def get_base_queryset(self):
        from django.db.models import Count, Sum

        return (
            super()
            .get_base_queryset()
            .annotate(payout_count=Count("payouts"), payout_total=Sum("payouts__amount"))
        )

    def get_inspect_url(self, instance):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "batch",
                label="Batch",
                accessor=lambda b: f"Payout batch {b.pk}",
                get_url=self.get_inspect_url,
            ),
            Column(
                "created_at",
                label="Created",
                accessor=lambda b: when(b.created_at),
                sort_key="created_at",
            ),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda b: b.status == PayoutBatchStatus.OPEN,  # still to pay
            ),
            Column("payout_count", label="Payouts"),
            Column("payout_total", label="Total", accessor=lambda b: f"{b.payout_total or 0:.2f}"),
            Column("reference", label="Reference"),
            Column("paid_at", label="Paid", accessor=lambda b: when(b.paid_at), sort_key="paid_at"),
        ]


class PayoutBatchViewSet(ActionOnlyViewSetMixin, ModelViewSet):
    model = PayoutBatch
    name = "affiliate_payouts"
    url_prefix = "affiliates/payouts"
    icon = "tasks"
    menu_label = "Payouts"
    index_view_class = PayoutBatchIndexView
    inspect_view_enabled = True
    inspect_view_class = PayoutBatchDetailView
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50

    # "add" is the batch's creation (PayoutCreateView): no model form anywhere.
    without_views = ("edit", "delete", "history", "usage")
    extra_views = ("csv", "mark_paid")

    def get_permissions_to_register(self):
        return _codenames(self, "add", "change", "view")

    @property
    def create_view(self):
        return self.construct_view(PayoutCreateView)

    @property
    def csv_view(self):
        return self.construct_view(PayoutBatchCSVView)

    @property
    def mark_paid_view(self):
        return self.construct_view(PayoutBatchMarkPaidView)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.create_view, name="add"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/paypal.csv", self.csv_view, name="csv"),
            path("<int:pk>/mark-paid/", self.mark_paid_view, name="mark_paid"),
        ]


# --- Creatives, coupons, product rates ---------------------------------------------------------


class CreativeViewSet(ModelViewSet):
    model = Creative
    name = "affiliate_creatives"
    url_prefix = "affiliates/creatives"
    icon = "image"
    menu_label = "Creatives"
    list_display = [
        "name",
        Column("kind", label="Kind", accessor="get_kind_display", sort_key="kind"),
        "landing_path",
        BooleanColumn("active", label="Active", sort_key="active"),
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name", "text"]
    search_backend_name = None
    copy_view_enabled = False
    add_to_reference_index = False


class CouponViewSet(ModelViewSet):
    """An existing discount code given to an affiliate: orders using it are theirs. Create
    the code itself under Store → Discount codes first."""

    model = AffiliateCoupon
    name = "affiliate_coupons"
    url_prefix = "affiliates/coupons"
    icon = "pick"
    menu_label = "Coupons"
    list_display = [
        Column("discount_code", label="Discount code", accessor=lambda c: c.discount_code.code),
        Column("affiliate", label="Affiliate", accessor=lambda c: str(c.affiliate)),
    ]
    list_filter = ["affiliate"]
    search_fields = ["discount_code__code", "affiliate__code", "affiliate__name"]
    search_backend_name = None
    copy_view_enabled = False
    add_to_reference_index = False
    panels = [FieldPanel("discount_code"), FieldPanel("affiliate")]
    add_item_label = "Give a code to an affiliate"


class ProductRateViewSet(ModelViewSet):
    model = ProductCommissionRate
    name = "affiliate_product_rates"
    url_prefix = "affiliates/product-rates"
    icon = "tag"
    menu_label = "Product rates"
    list_display = [
        Column("product", label="Product", accessor=lambda r: r.product.title),
        Column("rate", label="Rate", accessor=lambda r: f"{r.rate}%", sort_key="rate"),
    ]
    copy_view_enabled = False
    add_to_reference_index = False
    panels = [FieldPanel("product"), FieldPanel("rate")]


# --- The report, and the program settings link ------------------------------------------------


class ReportViewSet(ViewSet):
    name = "affiliate_report"
    url_prefix = "affiliates/report"
    icon = "order"
    menu_label = "Report"

    @property
    def menu_item_class(self):
        class ReportMenuItem(MenuItem):
            def is_shown(self, request):
                return policy_registry.get_by_type(Affiliate).user_has_any_permission(
                    request.user, ["view", "change"]
                )

        return ReportMenuItem

    def get_urlpatterns(self):
        return [path("", TopAffiliatesReportView.as_view(), name="index")]


class AffiliatesMenu(ViewSetGroup):
    menu_label = "Affiliates"
    menu_icon = "group"
    menu_order = 160  # after Store
    submenu_hook = AFFILIATES_MENU_HOOK
    items = (
        ApplicationViewSet,
        AffiliateViewSet,
        ClickViewSet,
        CommissionViewSet,
        PayoutBatchViewSet,
        CreativeViewSet,
        CouponViewSet,
        ProductRateViewSet,
        ReportViewSet,
    )


@hooks.register("register_admin_viewset")
def register_affiliates_menu():
    return AffiliatesMenu()


@hooks.register(AFFILIATES_MENU_HOOK)
def register_program_settings_link():
    # Also under Settings, where Wagtail lists every setting; shown to whoever may change it.
    item = SettingMenuItem(
        AffiliateProgramSettings, icon="cog", name="affiliate-program-settings", order=1000
    )
    item.label = "Program settings"
    return item


@hooks.register("register_log_actions")
def register_affiliate_log_actions(actions):
    """The log entries membership.py writes: a decision on an affiliate (action named after
    the status it led to) and a change of referral code."""

    def decision(status, label):
        class DecisionFormatter(LogFormatter):
            def format_message(self, log_entry):
                note = log_entry.data.get("note")
                return f"{label}" + (f": {note}" if note else "")

        DecisionFormatter.label = label
        actions.register_action(f"affiliates.affiliate.{status}")(DecisionFormatter)

    for status, label in [
        (AffiliateStatus.APPROVED, "Approve affiliate"),
        (AffiliateStatus.REJECTED, "Reject application"),
        (AffiliateStatus.SUSPENDED, "Suspend affiliate"),
        (AffiliateStatus.PENDING, "Back to applied"),
    ]:
        decision(status, label)

    @actions.register_action("affiliates.affiliate.code")
    class CodeFormatter(LogFormatter):
        label = "Change referral code"

        def format_message(self, log_entry):
            data = log_entry.data
            return f"Referral code changed from {data.get('from')} to {data.get('to')}"
