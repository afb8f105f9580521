"""A pack's stock page in the admin ("Store" › "Packs" › a pack › "Stock"): how many units
there are, the low-stock threshold, the history of every movement (sales, cancellations,
restocked returns, adjustments, who made them) and the action that changes it.

Staff never type the new total: they adjust by ±N with a reason (catalog.services.
stock_adjust, one conditional UPDATE), so a sale made while the page was open is kept. Going
below zero is refused with a message and 409; an invalid form comes back with 400, filled."""

import uuid

from django import forms
from django.core.paginator import Paginator
from django.urls import reverse

from apothecary.core.admin.actions import (
    ActionDetailView,
    ActionForm,
    ActionPostMixin,
    AdminAction,
    action_table,
)

from .models import Variant
from .services import ADJUSTMENT_LIMIT, StockError, stock_adjust, stock_start_tracking

MOVEMENTS_PER_PAGE = 50


def tracking_state(variant: Variant) -> str:
    """What the page was opened on. Not the count: an adjustment is relative, so a sale
    made meanwhile does not make the form stale; starting or stopping tracking does."""
    return "untracked" if variant.stock is None else "tracked"


class AdjustForm(ActionForm):
    change = forms.IntegerField(
        label="Change by",
        min_value=-ADJUSTMENT_LIMIT,
        max_value=ADJUSTMENT_LIMIT,
        help_text="Units to add (e.g. 24 for a delivery) or, with a minus, to take away "
        "(e.g. -2 for damaged packs). Sales made meanwhile are kept.",
    )
    reason = forms.CharField(
        max_length=300,
        help_text="Kept in the stock history, e.g. “Delivery from the supplier”.",
    )
    key = forms.CharField(widget=forms.HiddenInput)  # one adjustment per form sent

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def clean_change(self):
        change = self.cleaned_data["change"]
        if change == 0:
            raise forms.ValidationError("Enter how many units to add or (with a minus) take.")
        return change

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the stock changes.")
        return reason


class StartTrackingForm(ActionForm):
    units = forms.IntegerField(
        label="Units in stock", min_value=0, max_value=ADJUSTMENT_LIMIT, help_text="Counted now."
    )
    reason = forms.CharField(max_length=300, required=False, initial="Stock counted")


def _adjust(variant, data, actor):
    return stock_adjust(
        variant_id=variant.pk,
        change=data["change"],
        reason=data["reason"],
        actor=actor,
        key=data["key"],
    )


def _start_tracking(variant, data, actor):
    return stock_start_tracking(
        variant_id=variant.pk, units=data["units"], reason=data["reason"].strip(), actor=actor
    )


ACTIONS = action_table(
    AdminAction(
        name="adjust",
        label="Adjust stock",
        perform=_adjust,
        done="Stock of {obj.sku} adjusted.",
        form_class=AdjustForm,
        applies=lambda variant: variant.stock is not None,
        state=tracking_state,
    ),
    AdminAction(
        name="track",
        label="Start tracking stock",
        perform=_start_tracking,
        done="Stock of {obj.sku} is tracked from now on.",
        form_class=StartTrackingForm,
        applies=lambda variant: variant.stock is None,
        state=tracking_state,
        explains="This pack is sold without counting units. Count them to start tracking: "
        "every sale takes from the count and it can sell out.",
    ),
)


class StockView(ActionDetailView):
    model = Variant
    actions = ACTIONS
    noun = "pack"
    template_name = "catalog/admin/stock.html"
    header_icon = "tag"
    index_label = "Packs"
    edit_url_name = None

    def get_queryset(self):
        return Variant.objects.select_related("product")

    def describe(self, obj) -> str:
        return f"{obj.product.title}: {obj.name}"

    def status_label(self, obj) -> str:
        return "not tracked" if obj.stock is None else f"tracked, {obj.stock} in stock"

    def get_page_title(self):
        return f"Stock of {self.object.sku}"

    def get_page_subtitle(self):
        return self.describe(self.object)

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(bound_forms=bound_forms, **kwargs)
        movements = self.object.stock_movements.select_related("actor").order_by(
            "-created_at", "-pk"
        )
        page = Paginator(movements, MOVEMENTS_PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            variant=self.object,
            movements=page,
            edit_url=reverse(self.edit_url_name, args=[self.object.pk])
            if self.edit_url_name
            else "",
        )
        return context


class StockActionView(ActionPostMixin, StockView):
    """POST only: check, validate, call the stock service, then back to the stock page."""

    action_errors = (StockError,)
