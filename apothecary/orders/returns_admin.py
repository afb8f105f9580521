"""Returns in the Wagtail admin ("Store" menu): a filtered, searchable list, and the detail page
of a return with its actions (approve, reject, mark received, refund).

Every change goes through `returns.return_transition`; only the actions the transitions table
(RETURN_TRANSITIONS) allows from the return's status are offered. A refused, invalid or stale
action comes back as the detail page with a message and a 4xx, the form filled as it was sent.

Returns are part of handling orders: the pages use the orders' permission policy, and acting
on a return (or seeing one) takes the orders "change" permission."""

import django_filters
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.permissions import policy_registry, register_permission_policy

from apothecary.catalog.wagtail_hooks import STORE_MENU_HOOK
from apothecary.core.admin.actions import (
    ActionDetailView,
    ActionForm,
    ActionPostMixin,
    AdminAction,
    action_table,
)
from apothecary.core.admin.exports import SafeSpreadsheetExportMixin
from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet
from apothecary.core.machines import InvalidTransition
from apothecary.core.money import format_money

from .models import RETURN_TRANSITIONS, Order, ReturnRequest, ReturnStatus
from .refunds import RefundError
from .returns import ReturnError, return_transition

# Returns are handled by whoever handles orders: one policy, the orders' "change" permission.
register_permission_policy(ReturnRequest, policy_registry.get_by_type(Order), exact_class=True)

# The statuses that wait for someone in the shop to do something.
WAITING_STATUSES = frozenset({ReturnStatus.REQUESTED, ReturnStatus.RECEIVED})


def with_lines(queryset):
    """Returns with their order, lines and order lines: a fixed number of queries for any
    number of returns and lines (ReturnRequest.amount reads the prefetched lines)."""
    return queryset.select_related("order").prefetch_related(
        "lines__order_line", "order__lines", "refunds__lines"
    )


def items_display(return_request: ReturnRequest) -> str:
    return ", ".join(
        f"{line.quantity} × {line.order_line.sku}" for line in return_request.lines.all()
    )


def amount_display(return_request: ReturnRequest) -> str:
    return format_money(return_request.amount, return_request.order.currency)


def asked_display(return_request: ReturnRequest) -> str:
    return timezone.localtime(return_request.created_at).strftime("%Y-%m-%d %H:%M")


# The list.


class ReturnFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=ReturnStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )

    class Meta:
        model = ReturnRequest
        fields = ["status"]


class ReturnIndexView(SafeSpreadsheetExportMixin, IndexView):
    page_title = "Returns"
    any_permission_required = ["change"]
    default_ordering = "-created_at"  # newest first

    def get_base_queryset(self):
        return with_lines(super().get_base_queryset())

    def get_inspect_url(self, instance):
        if self.inspect_url_name and self.user_has_permission("change"):
            return reverse(self.inspect_url_name, args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return []  # the return and its order are links in the row

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "return",
                label="Return",
                accessor=lambda r: f"Return {r.pk}",
                get_url=self.get_inspect_url,
            ),
            TitleColumn(
                "order",
                label="Order",
                accessor="order.number",
                get_url=lambda r: reverse("store_orders:inspect", args=[r.order.number]),
                sort_key="order__number",
            ),
            Column("email", label="Customer email", accessor="order.email"),
            Column("created_at", label="Asked", accessor=asked_display, sort_key="created_at"),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda r: r.status in WAITING_STATUSES,
            ),
            Column("items", label="Items", accessor=items_display),
            Column("amount", label="Amount", accessor=amount_display),
        ]


# The detail page and its actions.


class RejectForm(ActionForm):
    note = forms.CharField(
        max_length=500,
        label="Note to the customer",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the return is refused; sent to the customer in the email.",
    )


class ReceiveForm(ActionForm):
    restock = forms.BooleanField(
        required=False,
        label="Put the units back in stock",
        help_text="Only if the returned units can be sold again.",
    )


def _move(to: str, options=lambda data: {}):
    """An action's perform: return_transition to `to`, with options read from the form."""

    def perform(return_request: ReturnRequest, data: dict, actor) -> ReturnRequest:
        return return_transition(request=return_request, to=to, actor=actor, **options(data))

    return perform


def _return_action(name, label, to, done, **kwargs) -> AdminAction:
    return AdminAction(
        name=name,
        label=label,
        perform=_move(to, kwargs.pop("options", lambda data: {})),
        done=done,
        to=to,
        transitions=RETURN_TRANSITIONS,
        **kwargs,
    )


ACTIONS = action_table(
    _return_action(
        "approve",
        "Approve",
        ReturnStatus.APPROVED,
        "Return {obj.pk} of order {obj.order.number} approved; the customer is told how "
        "to send it.",
        explains="The customer is emailed how to send the items back.",
    ),
    _return_action(
        "reject",
        "Reject",
        ReturnStatus.REJECTED,
        "Return {obj.pk} of order {obj.order.number} rejected; the customer is sent your note.",
        form_class=RejectForm,
        options=lambda data: {"note": data["note"]},
        destructive=True,
    ),
    _return_action(
        "receive",
        "Mark received",
        ReturnStatus.RECEIVED,
        "Return {obj.pk} of order {obj.order.number} marked received.",
        form_class=ReceiveForm,
        explains="The parcel has arrived; the customer is emailed that it did.",
        options=lambda data: {"restock": data["restock"]},
    ),
    _return_action(
        "refund",
        "Refund",
        ReturnStatus.REFUNDED,
        "Return {obj.pk} of order {obj.order.number} refunded through the payment provider.",
        destructive=True,
    ),
)


class ReturnDetailView(ActionDetailView):
    actions = ACTIONS
    model = ReturnRequest
    noun = "return"
    template_name = "orders/admin/return_detail.html"
    header_icon = "rotate"
    index_label = "Returns"
    any_permission_required = None
    permission_required = "change"

    def get_queryset(self):
        return with_lines(ReturnRequest.objects)

    def get_page_subtitle(self):
        return f"order {self.object.order.number}"

    def action_forms(self, bound=None):
        """The refund's form says how much goes back, on the page and on its button."""
        items = super().action_forms(bound)
        return_request = self.object
        money = format_money(return_request.amount, return_request.order.currency)
        for item in items:
            if item["action"].name == "refund":
                item["note"] = format_html(
                    "Gives <strong>{}</strong> back through the payment provider: the value of "
                    "the lines below.",
                    money,
                )
                item["button"] = f"Refund {money}"
        return items

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(bound_forms=bound_forms, **kwargs)
        return_request = self.object
        lines = []
        for line, amount in return_request.line_amounts():
            line.amount = amount
            lines.append(line)
        context.update(
            return_request=return_request,
            order=return_request.order,
            lines=lines,
            amount=return_request.amount,
            order_url=reverse("store_orders:inspect", args=[return_request.order.number]),
        )
        return context


class ReturnActionView(ActionPostMixin, ReturnDetailView):
    """POST only: check, validate, call return_transition, then back to the detail page
    (core.admin.actions.ActionPostMixin)."""

    action_errors = (ReturnError, RefundError, InvalidTransition)


class ReturnViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = ReturnRequest
    name = "store_returns"
    url_prefix = "returns"
    icon = "rotate"
    menu_label = "Returns"
    menu_order = 110  # right after Orders
    menu_hook = STORE_MENU_HOOK
    index_view_class = ReturnIndexView
    inspect_view_enabled = True
    inspect_view_class = ReturnDetailView
    filterset_class = ReturnFilterSet
    search_fields = ["order__number", "order__email"]
    list_export = [
        "pk",
        "order.number",
        "order.email",
        "created_at",
        "get_status_display",
        "reason",
        "amount",
        "restocked",
        "staff_note",
    ]
    export_headings = {
        "pk": "Return",
        "order.number": "Order",
        "order.email": "Customer email",
        "created_at": "Asked",
        "get_status_display": "Status",
    }
    export_filename = "returns"

    # Returns change only by actions: no generic add/edit/delete/history/usage views.
    extra_views = ("action",)
    action_view_class = ReturnActionView

    def get_permissions_to_register(self):
        # Nothing to grant: the orders' permissions cover returns.
        return super().get_permissions_to_register().none()
