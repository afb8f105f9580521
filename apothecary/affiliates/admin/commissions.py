"""Commissions: the list (with checkboxes for bulk approval), a commission's page with its
history and decisions (approve, reject, reopen), and the bulk approval. Every change goes
through services.commission_transition, so each one is in the commission's history."""

import django_filters
from django import forms
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from apothecary.core.admin.actions import (
    ActionDetailView,
    ActionForm,
    ActionPostMixin,
    AdminAction,
    action_table,
)
from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet
from apothecary.core.machines import InvalidTransition, status_label

from .. import services
from ..models import COMMISSION_TRANSITIONS, Commission, CommissionKind, CommissionStatus
from .common import AffiliatesIndexView, codenames, money, reason_field, time_column

COMMISSION_BULK_FORM_ID = "commission-bulk-form"


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


class CommissionIndexView(AffiliatesIndexView):
    template_name = "affiliates/admin/commission_index.html"
    any_permission_required = ["view", "change"]
    default_ordering = "-created_at"
    bulk_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("affiliate", "order")

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
            time_column("created_at", "Made"),
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


class RejectCommissionForm(ActionForm):
    reason = reason_field(
        "Reason",
        "Kept in the commission's history, which the affiliate sees.",
        max_length=300,
        rows=2,
    )


def _commission_move(to, message=""):
    def perform(commission, data, actor):
        return services.commission_transition(
            commission=commission, to=to, actor=actor, message=data.get("reason", message)
        )

    return perform


COMMISSION_ACTIONS = action_table(
    AdminAction(
        "approve",
        "Approve",
        _commission_move(CommissionStatus.APPROVED, "Approved by staff"),
        "Commission {obj.pk} approved: it goes into the next payout.",
        to=CommissionStatus.APPROVED,
        transitions=COMMISSION_TRANSITIONS,
    ),
    AdminAction(
        "reject",
        "Reject",
        _commission_move(CommissionStatus.REJECTED),
        "Commission {obj.pk} rejected.",
        form_class=RejectCommissionForm,
        to=CommissionStatus.REJECTED,
        transitions=COMMISSION_TRANSITIONS,
        # Once in a payout batch, its money is on its way: settle it there, not here.
        applies=lambda c: c.payout_id is None,
        destructive=True,
    ),
    AdminAction(
        "reopen",
        "Reopen",
        _commission_move(CommissionStatus.PENDING, "Reopened by staff"),
        "Commission {obj.pk} is pending again.",
        to=CommissionStatus.PENDING,
        transitions=COMMISSION_TRANSITIONS,
        explains="Back to pending, to be decided again.",
    ),
)


class CommissionDetailView(ActionDetailView):
    model = Commission
    actions = COMMISSION_ACTIONS
    template_name = "affiliates/admin/commission_detail.html"
    header_icon = "tag"
    index_label = "Commissions"
    affiliate_url_name = "admin_affiliates:inspect"
    batch_url_name = "affiliate_payouts:inspect"

    def get_queryset(self):
        return Commission.objects.select_related("affiliate", "order", "payout__batch")

    def get_page_subtitle(self):
        return self.object.affiliate.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commission = self.object
        referral = getattr(commission.order, "referral", None)
        context.update(
            commission=commission,
            order=commission.order,
            referral=referral,
            order_url=reverse("store_orders:inspect", args=[commission.order.number]),
            affiliate_url=reverse(self.affiliate_url_name, args=[commission.affiliate_id]),
            batch_url=reverse(self.batch_url_name, args=[commission.payout.batch_id])
            if commission.payout_id
            else None,
            events=self.history(commission),
        )
        return context

    def history(self, commission) -> list:
        """The commission's events, each with the labels of the statuses it went between."""
        events = list(commission.events.select_related("actor"))
        for event in events:
            event.from_label = status_label(commission, event.from_status)
            event.to_label = status_label(commission, event.to_status)
        return events


class CommissionActionView(ActionPostMixin, CommissionDetailView):
    action_errors = (InvalidTransition,)


class CommissionBulkView(PermissionCheckedMixin, TemplateView):
    """POST only, from the list's checkboxes: approve the chosen pending commissions, each
    through commission_transition (so each gets its history). Flagged ones are skipped:
    they want a look on their own page."""

    model = Commission
    http_method_names = ["post"]
    permission_required = "change"
    index_url_name = None

    def next_url(self) -> str:
        wanted = self.request.POST.get("next") or ""
        index = reverse(self.index_url_name)
        allowed = url_has_allowed_host_and_scheme(wanted, allowed_hosts={self.request.get_host()})
        return wanted if allowed and wanted.startswith(index) else index

    def skip_reason(self, commission) -> str:
        """Why the bulk approval leaves `commission` as it is; "" when it approves it."""
        if commission.flagged and commission.status == CommissionStatus.PENDING:
            reason = commission.flag_reason or "for review"
            return f"it is flagged ({reason}); open it to decide."
        if commission.status != CommissionStatus.PENDING:
            return f"it is {commission.get_status_display().lower()}, not pending."
        return ""

    def post(self, request, *args, **kwargs):
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
        chosen = list(Commission.objects.filter(pk__in=ids).order_by("pk"))
        if not chosen:
            messages.error(
                request, "Select at least one commission in the list. Nothing was changed."
            )
            return HttpResponseRedirect(self.next_url())
        approved = 0
        for commission in chosen:
            reason = self.skip_reason(commission)
            if not reason:
                try:
                    services.commission_transition(
                        commission=commission,
                        to=CommissionStatus.APPROVED,
                        actor=request.user,
                        message="Approved by staff (bulk)",
                    )
                except InvalidTransition as error:  # changed meanwhile
                    reason = str(error)
            if reason:
                messages.warning(request, f"Commission {commission.pk} skipped: {reason}")
                continue
            approved += 1
        if approved:
            messages.success(
                request, f"{approved} commission{'s' if approved != 1 else ''} approved."
            )
        return HttpResponseRedirect(self.next_url())


class CommissionViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = Commission
    name = "affiliate_commissions"
    url_prefix = "affiliates/commissions"
    icon = "tag"
    menu_label = "Commissions"
    index_view_class = CommissionIndexView
    inspect_view_enabled = True
    inspect_view_class = CommissionDetailView
    filterset_class = CommissionFilterSet
    search_fields = ["order__number", "affiliate__code", "affiliate__name"]

    # Commissions change only by decisions (services.commission_transition).
    extra_views = ("action", "bulk")
    action_view_class = CommissionActionView
    bulk_view_class = CommissionBulkView

    def get_permissions_to_register(self):
        return codenames(self, "change", "view")
