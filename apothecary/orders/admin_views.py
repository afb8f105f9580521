"""The back office's order pages: the detail with its actions, and the packing slip.

The actions are POST forms; each calls one service (orders.services, payments.services). Only
the actions the transitions table allows from the order's status are offered; a refused,
invalid or stale action comes back as the detail page with a message and a 4xx, the form
filled as it was sent."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from apothecary.core.geography import country_name

from . import services
from .models import ALLOWED_TRANSITIONS, Order, OrderStatus

# What a tracking number may hold: letters, digits, spaces and dashes (every carrier's format).
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]*$")


def order_state(order: Order) -> str:
    """What the person saw when they opened the page; a different value means someone (or a
    payment webhook) changed the order meanwhile."""
    return f"{order.status}|{order.refunded_amount}"


class OrderActionForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, order: Order, **kwargs):
        self.order = order
        kwargs.setdefault("initial", {}).setdefault("seen", order_state(order))
        super().__init__(*args, **kwargs)


class ShipForm(OrderActionForm):
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


class DeliverForm(OrderActionForm):
    pass


class RefundForm(OrderActionForm):
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), label="Amount to refund"
    )

    def __init__(self, *args, order: Order, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("amount", order.refundable_amount)
        super().__init__(*args, order=order, **kwargs)
        self.fields[
            "amount"
        ].help_text = (
            f"At most {order.refundable_amount} {order.currency}, through the payment provider."
        )

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.order.refundable_amount:
            raise forms.ValidationError(
                f"At most {self.order.refundable_amount} {self.order.currency} can be refunded."
            )
        return amount


class CancelForm(OrderActionForm):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the order's history. The stock goes back on sale.",
    )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


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
    from apothecary.payments.services import payment_refund

    return payment_refund(order=order, amount=data["amount"], actor=actor)


def _cancel(order, data, actor):
    return services.order_cancel(order=order, actor=actor, reason=data["reason"])


@dataclass(frozen=True)
class OrderAction:
    name: str
    label: str
    form_class: type[OrderActionForm]
    perform: Callable[[Order, dict, object], Order]
    done: str  # the success message
    targets: frozenset[str]  # statuses it can lead to: offered when one is allowed
    destructive: bool = False
    # Beyond the transitions table: a partially refunded order may still go to shipped or
    # delivered, but only once each, and delivered only after shipped.
    applies: Callable[[Order], bool] = lambda order: True

    def is_available(self, order: Order) -> bool:
        return bool(self.targets & ALLOWED_TRANSITIONS[order.status]) and self.applies(order)

    def form(self, order: Order, data=None) -> OrderActionForm:
        return self.form_class(data, order=order, prefix=self.name)


ACTIONS = {
    action.name: action
    for action in [
        OrderAction(
            "ship",
            "Mark shipped",
            ShipForm,
            _ship,
            "Order {number} marked shipped.",
            frozenset({OrderStatus.SHIPPED}),
            applies=lambda order: order.shipped_at is None,
        ),
        OrderAction(
            "deliver",
            "Mark delivered",
            DeliverForm,
            _deliver,
            "Order {number} marked delivered.",
            frozenset({OrderStatus.DELIVERED}),
            applies=lambda order: order.shipped_at is not None and order.delivered_at is None,
        ),
        OrderAction(
            "refund",
            "Refund",
            RefundForm,
            _refund,
            "Refund made on order {number}.",
            frozenset({OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED}),
            destructive=True,
            applies=lambda order: order.refundable_amount > 0,
        ),
        OrderAction(
            "cancel",
            "Cancel order",
            CancelForm,
            _cancel,
            "Order {number} cancelled; its stock is back on sale.",
            frozenset({OrderStatus.CANCELLED}),
            destructive=True,
        ),
    ]
}


def action_errors() -> tuple[type[Exception], ...]:
    """The exceptions that mean "this action cannot be done now", each with a clear message."""
    from apothecary.payments.services import RefundError

    return (services.InvalidTransition, RefundError)


STATUS_LABELS = dict(OrderStatus.choices)


def _with_labels(event):
    event.from_label = STATUS_LABELS.get(event.from_status, event.from_status)
    event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    return event


class OrderViewMixin(PermissionCheckedMixin):
    """Finds the order by its number (never by its sequential id)."""

    model = Order
    index_url_name = None
    inspect_url_name = None
    packing_slip_url_name = None
    action_url_name = None
    any_permission_required = ["view", "change"]

    @cached_property
    def object(self) -> Order:  # looked up after the permission check
        return get_object_or_404(Order.objects.select_related("user"), number=self.kwargs["number"])


class OrderDetailView(OrderViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "orders/admin/detail.html"
    header_icon = "clipboard-list"

    def get_page_title(self):
        return f"Order {self.object.number}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Orders"},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def can_act(self) -> bool:
        return self.user_has_permission("change")

    def action_forms(self, bound: dict | None = None):
        """The forms of the actions allowed now, `bound` replacing the one just sent."""
        if not self.can_act:
            return []
        bound = bound or {}
        offered = []
        for action in ACTIONS.values():
            if not action.is_available(self.object):
                continue
            form = bound.get(action.name) or action.form(self.object)
            offered.append(
                {
                    "action": action,
                    "form": form,
                    "url": reverse(self.action_url_name, args=[self.object.number, action.name]),
                }
            )
        return offered

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        payments = list(order.payments.all()) if hasattr(order, "payments") else []
        context.update(
            order=order,
            lines=list(order.lines.all()),
            events=[_with_labels(event) for event in order.events.select_related("actor")],
            payments=payments,
            actions=self.action_forms(bound_forms),
            shipping_country_name=country_name(order.shipping_country),
            billing_country_name=country_name(order.billing_country)
            if order.billing_country
            else "",
            packing_slip_url=reverse(self.packing_slip_url_name, args=[order.number]),
        )
        return context


class OrderActionView(OrderDetailView):
    """POST only: check, validate, call the service, then back to the detail page."""

    http_method_names = ["post"]
    any_permission_required = None
    permission_required = "change"

    def refuse(self, message: str, *, status: int, bound_forms=None):
        messages.error(self.request, message)
        self.object.refresh_from_db()
        context = self.get_context_data(bound_forms=bound_forms)
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        action = ACTIONS.get(kwargs["action"])
        if action is None:
            raise Http404("No such action.")
        order = self.object
        if not action.is_available(order):
            return self.refuse(
                f"{action.label} is not possible: order {order.number} is "
                f"{order.get_status_display().lower()}. Nothing was changed.",
                status=409,
            )
        form = action.form(order, request.POST)
        if not form.is_valid():
            return self.refuse(
                "The order was not changed: please correct the errors below.",
                status=400,
                bound_forms={action.name: form},
            )
        if form.cleaned_data["seen"] != order_state(order):
            return self.refuse(
                f"Order {order.number} changed since this page was opened: it is now "
                f"{order.get_status_display().lower()}. Nothing was done; check it and "
                "try again if still needed.",
                status=409,
            )
        try:
            action.perform(order, form.cleaned_data, request.user)
        except action_errors() as error:
            return self.refuse(f"{error} Nothing was changed.", status=409)
        messages.success(request, action.done.format(number=order.number))
        return HttpResponseRedirect(reverse(self.inspect_url_name, args=[order.number]))


class OrderPackingSlipView(OrderViewMixin, TemplateView):
    """A plain page to print and put in the parcel: the address and what is in it, no prices."""

    template_name = "orders/admin/packing_slip.html"

    def get_context_data(self, **kwargs):
        from apothecary.core.models import BrandSettings

        context = super().get_context_data(**kwargs)
        context.update(
            order=self.object,
            lines=list(self.object.lines.all()),
            country_name=country_name(self.object.shipping_country),
            brand=BrandSettings.for_request(self.request),
        )
        return context
