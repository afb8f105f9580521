"""The back office's order pages: the detail with its actions, and the packing slip.

The actions are POST forms (core.admin.actions); each calls one service (orders.services,
orders.refunds). Only the actions the transitions table allows from the order's status are
offered; a refused, invalid or stale action comes back as the detail page with a message and
a 4xx, the form filled as it was sent."""

import re
from decimal import Decimal

from django import forms
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.views.generic import TemplateView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from apothecary.core.admin.actions import (
    ActionDetailView,
    ActionForm,
    ActionPostMixin,
    AdminAction,
    action_table,
)
from apothecary.core.geography import country_name
from apothecary.core.machines import InvalidTransition
from apothecary.core.models import BrandSettings
from apothecary.core.money import format_money

from . import services
from .admin_edit import EDIT_ACTION
from .allocation import order_shares
from .attention import AttentionError, order_clear_flag
from .models import ALLOWED_TRANSITIONS, Order, OrderStatus
from .refunds import RefundError, order_refund, refund_plan

# What a tracking number may hold: letters, digits, spaces and dashes (every carrier's format).
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]*$")


def order_state(order: Order) -> str:
    """What the person saw when they opened the page; a different value means someone (or a
    payment webhook) changed the order meanwhile."""
    return f"{order.status}|{order.refunded_amount}"


class ShipForm(ActionForm):
    carrier = forms.CharField(max_length=60, help_text="e.g. USPS, UPS, DHL, Royal Mail")
    tracking_number = forms.CharField(max_length=80)
    tracking_url = forms.URLField(
        max_length=200, required=False, assume_scheme="https", label="Tracking URL"
    )

    def clean_tracking_number(self):
        number = self.cleaned_data["tracking_number"].strip()
        if not TRACKING_NUMBER.match(number):
            raise forms.ValidationError(
                "A tracking number holds only letters, digits, spaces and dashes."
            )
        return number

    def clean_tracking_url(self):
        url = self.cleaned_data["tracking_url"]
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Enter a web address starting with https://.")
        return url


class RefundForm(ActionForm):
    """Units of lines (optionally back in stock), the shipping, or an amount; never pre-filled
    with the order's total. The confirmation step shows the plan (orders.refunds.refund_plan)."""

    shipping = forms.BooleanField(required=False, label="Refund the shipping")
    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        label="An amount on no line (goodwill)",
    )
    restock = forms.BooleanField(
        required=False,
        label="Put the refunded units back on sale",
        help_text="Only for units that came back, or never left the warehouse.",
    )
    reason = forms.CharField(max_length=300, help_text="Kept in the ledger and the history.")

    def __init__(self, *args, instance: Order, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.line_fields = {}
        lines = list(instance.lines.all())
        shares = order_shares(instance, lines)
        for line in lines:
            left = line.quantity - line.refunded_quantity
            if left <= 0:
                continue
            name = f"line_{line.pk}"
            worth, _ = shares.lines[line.pk].worth(line.refunded_quantity, left)
            self.fields[name] = forms.IntegerField(
                min_value=0,
                max_value=left,
                initial=0,
                required=False,
                label=f"Units of {line.product_title}, {line.variant_name}",
                help_text=(
                    f"{left} of {line.quantity} left, "
                    f"worth {format_money(worth, instance.currency)}."
                ),
            )
            self.line_fields[name] = line.pk
        self.order_fields(
            [*self.line_fields, "shipping", "amount", "restock", "reason", "seen", "confirmed"]
        )
        left = format_money(instance.refundable_amount, instance.currency)
        self.fields["amount"].help_text = f"At most {left} is left to refund."

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()

    def clean(self):
        data = super().clean()
        data["quantities"] = {
            pk: data.get(name) or 0 for name, pk in self.line_fields.items() if data.get(name)
        } or None
        if self.errors:
            return data
        if not (data["quantities"] or data.get("shipping") or data.get("amount")):
            raise forms.ValidationError("Choose units, the shipping or an amount to refund.")
        try:
            data["plan"] = refund_plan(
                self.instance,
                quantities=data["quantities"],
                shipping=data["shipping"],
                amount=data["amount"],
                restock=data["restock"],
            )
        except RefundError as error:
            raise forms.ValidationError(str(error)) from error
        if data["plan"].amount <= 0:
            raise forms.ValidationError("Nothing is left to refund on what you chose.")
        return data


def refund_preview(order: Order, data: dict) -> str:
    plan = data["plan"]
    rows = [
        (f"{p.quantity} × {p.line.product_title}, {p.line.variant_name}", p.amount)
        for p in plan.lines
    ]
    if plan.shipping:
        rows.append(("Shipping", plan.shipping))
    if plan.extra:
        rows.append(("Goodwill amount", plan.extra))
    money = lambda amount: format_money(amount, order.currency)  # noqa: E731
    items = format_html_join("", "<li>{}: {}</li>", ((label, money(a)) for label, a in rows))
    return format_html(
        "This gives back <strong>{}</strong> through the payment provider (tax in it: {}), "
        "for “{}”:<ul>{}</ul>{}",
        money(plan.amount),
        money(plan.tax),
        data["reason"],
        items,
        "The units go back on sale." if plan.restock and plan.lines else "",
    )


class CancelForm(ActionForm):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the order's history. The stock goes back on sale.",
    )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class ResolveForm(ActionForm):
    note = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was done (optional), kept in the order's history.",
    )


def attention_state(order: Order) -> str:
    """A new flag after the page was opened makes "Mark resolved" stale."""
    return f"{order_state(order)}|{order.attention_reason}|{order.attention_at}"


def _resolve(order, data, actor):
    return order_clear_flag(order=order, actor=actor, note=data.get("note", ""))


def _ship(order, data, actor):
    return services.order_ship(
        order=order,
        carrier=data["carrier"].strip(),
        tracking_number=data["tracking_number"],
        tracking_url=data["tracking_url"],
        actor=actor,
    )


def _deliver(order, data, actor):
    return services.order_deliver(order=order, actor=actor)


def _refund(order, data, actor):
    return order_refund(
        order=order,
        quantities=data["quantities"],
        shipping=data["shipping"],
        amount=data["amount"],
        restock=data["restock"],
        reason=data["reason"],
        actor=actor,
    )


def _cancel(order, data, actor):
    return services.order_cancel(order=order, actor=actor, reason=data["reason"])


def _order_action(name, label, perform, done, to, **kwargs) -> AdminAction:
    return AdminAction(
        name=name,
        label=label,
        perform=perform,
        done=done,
        to=frozenset(to),
        transitions=ALLOWED_TRANSITIONS,
        state=order_state,
        **kwargs,
    )


# A partially refunded order ships and is delivered keeping its status (the table's move to
# itself), but only once each, and delivered only after shipped: `applies` says so.
ACTIONS = action_table(
    _order_action(
        "ship",
        "Mark shipped",
        _ship,
        "Order {obj.number} marked shipped.",
        {OrderStatus.SHIPPED, OrderStatus.PARTIALLY_REFUNDED},
        form_class=ShipForm,
        applies=lambda order: order.shipped_at is None,
    ),
    _order_action(
        "deliver",
        "Mark delivered",
        _deliver,
        "Order {obj.number} marked delivered.",
        {OrderStatus.DELIVERED, OrderStatus.PARTIALLY_REFUNDED},
        applies=lambda order: order.shipped_at is not None and order.delivered_at is None,
    ),
    _order_action(
        "refund",
        "Refund",
        _refund,
        "Refund made on order {obj.number}.",
        {OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED},
        form_class=RefundForm,
        preview=refund_preview,
        destructive=True,
        applies=lambda order: order.refundable_amount > 0,
    ),
    _order_action(
        "cancel",
        "Cancel order",
        _cancel,
        "Order {obj.number} cancelled; its stock is back on sale.",
        {OrderStatus.CANCELLED},
        form_class=CancelForm,
        destructive=True,
    ),
    EDIT_ACTION,
    AdminAction(
        name="resolve",
        label="Mark resolved",
        perform=_resolve,
        done="Order {obj.number} no longer needs attention.",
        form_class=ResolveForm,
        state=attention_state,
        applies=lambda order: order.needs_attention,
        explains="Once the payment anomaly is dealt with (a refund made, the customer told).",
    ),
)

STATUS_LABELS = dict(OrderStatus.choices)


def _with_labels(event):
    event.from_label = STATUS_LABELS.get(event.from_status, event.from_status)
    event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    return event


class OrderDetailView(ActionDetailView):
    """An order, found by its number (never by its sequential id), with its actions."""

    model = Order
    actions = ACTIONS
    lookup_field = "number"
    template_name = "orders/admin/detail.html"
    header_icon = "clipboard-list"
    index_label = "Orders"
    packing_slip_url_name = None

    def get_queryset(self):
        return Order.objects.select_related("user").prefetch_related(
            "lines", "refunds__lines__order_line", "refunds__actor"
        )

    def describe(self, obj) -> str:
        return f"Order {obj.number}"

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(bound_forms=bound_forms, **kwargs)
        order = self.object
        # The edit form has its own panel, beside the address it changes.
        edit = [item for item in context["actions"] if item["action"] is EDIT_ACTION]
        context.update(
            actions=[item for item in context["actions"] if item["action"] is not EDIT_ACTION],
            edit_item=edit[0] if edit else None,
            order=order,
            lines=list(order.lines.all()),
            events=[_with_labels(event) for event in order.events.select_related("actor")],
            payments=list(order.payments.all()) if hasattr(order, "payments") else [],
            shipping_country_name=country_name(order.shipping_country),
            billing_country_name=country_name(order.billing_country)
            if order.billing_country
            else "",
            packing_slip_url=reverse(self.packing_slip_url_name, args=[order.number]),
        )
        return context


class OrderActionView(ActionPostMixin, OrderDetailView):
    """POST only: check, validate, call the service, then back to the detail page."""

    action_errors = (InvalidTransition, RefundError, services.OrderEditError, AttentionError)


class OrderPackingSlipView(PermissionCheckedMixin, TemplateView):
    """A plain page to print and put in the parcel: the address and what is in it, no prices."""

    model = Order
    template_name = "orders/admin/packing_slip.html"
    any_permission_required = ["view", "change"]

    @cached_property
    def object(self) -> Order:  # looked up after the permission check
        return get_object_or_404(Order, number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            order=self.object,
            lines=list(self.object.lines.all()),
            country_name=country_name(self.object.shipping_country),
            brand=BrandSettings.for_request(self.request),
        )
        return context
