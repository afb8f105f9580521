"""Payout batches: the list, what a batch made now would pay (and creating it), a batch's
page, its PayPal payment file, and marking it paid. The work is payouts.py's; these views
parse, call and answer.

"add" is the batch's creation (PayoutCreateView): no model form anywhere."""

from django import forms
from django.db.models import Count, Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet
from apothecary.core.money import ZERO, format_money

from .. import payouts
from ..models import Commission, CommissionStatus, PayoutBatch, PayoutBatchStatus, PayoutMethod
from .common import AffiliatesIndexView, codenames, index_urlpatterns, time_column


class PayoutBatchIndexView(AffiliatesIndexView):
    any_permission_required = ["view", "change", "add"]
    default_ordering = "-created_at"
    add_item_label = "Create payout batch"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(payout_count=Count("payouts"), payout_total=Sum("payouts__amount"))
        )

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "batch",
                label="Batch",
                accessor=lambda b: f"Payout batch {b.pk}",
                get_url=self.get_inspect_url,
            ),
            time_column("created_at", "Created"),
            StatusTagColumn(
                "get_status_display",
                label="Status",
                sort_key="status",
                primary=lambda b: b.status == PayoutBatchStatus.OPEN,  # still to pay
            ),
            Column("payout_count", label="Payouts"),
            Column(
                "payout_total", label="Total", accessor=lambda b: format_money(b.payout_total or 0)
            ),
            Column("reference", label="Reference"),
            time_column("paid_at", "Paid"),
        ]


class PayoutViewMixin(PermissionCheckedMixin):
    model = PayoutBatch
    index_url_name = None
    inspect_url_name = None
    add_url_name = None
    csv_url_name = None
    mark_paid_url_name = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Payouts"},
            {"url": "", "label": self.get_page_title()},
        ]


class PayoutCreateView(PayoutViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: what a batch made now would pay, and who is left out and why. POST: make it, then
    its page; with nothing due, back to the list with a message saying so."""

    permission_required = "add"
    template_name = "affiliates/admin/payout_create.html"
    header_icon = "tasks"
    page_title = "Create a payout batch"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preview = payouts.payout_preview()
        context.update(
            preview=preview,
            paypal=[
                row for row in preview.due if row.affiliate.payout_method == PayoutMethod.PAYPAL
            ],
            bank=[row for row in preview.due if row.affiliate.payout_method == PayoutMethod.BANK],
        )
        return context

    def post(self, request, *args, **kwargs):
        batch = payouts.payout_batch_create(actor=request.user)
        if batch is None:
            messages.warning(
                request,
                "Nothing is due: no approved affiliate has approved commissions reaching the "
                "payout threshold. No batch was created.",
            )
            return HttpResponseRedirect(reverse(self.index_url_name))
        count = batch.payouts.count()
        messages.success(
            request,
            f"Payout batch {batch.pk} created: {count} payout{'s' if count != 1 else ''}. "
            "Download the PayPal file, pay the bank transfers, then mark it paid.",
        )
        return HttpResponseRedirect(reverse(self.inspect_url_name, args=[batch.pk]))


class MarkPaidForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput, initial=PayoutBatchStatus.OPEN)
    reference = forms.CharField(
        max_length=120,
        label="Payment reference",
        help_text="The PayPal payout batch id (and the bank transfer reference, if any).",
    )


def batch_totals(batch_payouts) -> dict:
    paypal = [p for p in batch_payouts if p.method == PayoutMethod.PAYPAL]
    bank = [p for p in batch_payouts if p.method == PayoutMethod.BANK]
    return {
        "paypal": paypal,
        "bank": bank,
        "paypal_total": sum((p.amount for p in paypal), ZERO),
        "bank_total": sum((p.amount for p in bank), ZERO),
        "total": sum((p.amount for p in batch_payouts), ZERO),
    }


class PayoutBatchDetailView(PayoutViewMixin, WagtailAdminTemplateMixin, TemplateView):
    any_permission_required = ["view", "change"]
    template_name = "affiliates/admin/payout_batch_detail.html"
    header_icon = "tasks"

    @cached_property
    def object(self) -> PayoutBatch:
        return get_object_or_404(
            PayoutBatch.objects.select_related("created_by"), pk=self.kwargs["pk"]
        )

    def get_page_title(self):
        return f"Payout batch {self.object.pk}"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object
        batch_payouts = list(
            batch.payouts.select_related("affiliate")
            .annotate(n=Count("commissions"))
            .order_by("pk")
        )
        unsettled = list(
            Commission.objects.filter(payout__batch=batch)
            .exclude(status__in=[CommissionStatus.APPROVED, CommissionStatus.PAID])
            .select_related("affiliate")
        )
        can_pay = batch.status == PayoutBatchStatus.OPEN and self.user_has_permission("change")
        context.update(
            batch=batch,
            unsettled=unsettled,
            csv_url=reverse(self.csv_url_name, args=[batch.pk]),
            mark_paid_url=reverse(self.mark_paid_url_name, args=[batch.pk]),
            form=(form or MarkPaidForm(prefix="pay")) if can_pay else None,
            **batch_totals(batch_payouts),
        )
        return context


class PayoutBatchMarkPaidView(PayoutBatchDetailView):
    """POST only: the reference, then payouts.payout_batch_mark_paid. A second time is
    refused (409) with the batch's page and a message."""

    http_method_names = ["post"]
    any_permission_required = None
    permission_required = "change"

    def refuse(self, message, *, status, form=None):
        messages.error(self.request, message)
        self.__dict__.pop("object", None)
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def post(self, request, *args, **kwargs):
        batch = self.object
        form = MarkPaidForm(request.POST, prefix="pay")
        if batch.status == PayoutBatchStatus.PAID:
            return self.refuse(
                f"Payout batch {batch.pk} is already paid (reference {batch.reference}). "
                "Nothing was changed.",
                status=409,
            )
        if not form.is_valid():
            return self.refuse(
                "The batch was not marked paid: please correct the errors below.",
                status=400,
                form=form,
            )
        try:
            payouts.payout_batch_mark_paid(
                batch=batch, reference=form.cleaned_data["reference"], actor=request.user
            )
        except payouts.PayoutError as error:
            return self.refuse(str(error), status=409, form=form)
        messages.success(
            request, f"Payout batch {batch.pk} marked paid; its commissions are now paid."
        )
        return HttpResponseRedirect(reverse(self.inspect_url_name, args=[batch.pk]))


class PayoutBatchCSVView(PayoutViewMixin, TemplateView):
    """The PayPal payment file of a batch (payouts.payout_batch_csv), as a download."""

    any_permission_required = ["view", "change"]

    def get(self, request, *args, **kwargs):
        batch = get_object_or_404(PayoutBatch, pk=kwargs["pk"])
        response = HttpResponse(
            payouts.payout_batch_csv(batch), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="paypal-payouts-batch-{batch.pk}.csv"'
        )
        return response


class PayoutBatchViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = PayoutBatch
    name = "affiliate_payouts"
    url_prefix = "affiliates/payouts"
    icon = "tasks"
    menu_label = "Payouts"
    index_view_class = PayoutBatchIndexView
    inspect_view_enabled = True
    inspect_view_class = PayoutBatchDetailView

    without_views = ("edit", "delete", "history", "usage")
    extra_views = ("csv", "mark_paid")

    def get_permissions_to_register(self):
        return codenames(self, "add", "change", "view")

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
            *index_urlpatterns(self),
            path("new/", self.create_view, name="add"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/paypal.csv", self.csv_view, name="csv"),
            path("<int:pk>/mark-paid/", self.mark_paid_view, name="mark_paid"),
        ]
