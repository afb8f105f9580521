"""The back office's affiliate pages beyond the generic lists: an affiliate's detail with its
decisions (approve, reject, suspend, reactivate), a commission's detail with its decisions
(approve, reject, reopen), the bulk approval of commissions, payout batches (what is due,
creating one, its CSV, marking it paid) and the report of the top affiliates.

Every decision goes through the one function of its state machine
(membership.affiliate_transition, services.commission_transition) or payouts.py; the
views parse a form, call it, and show the answer (core.admin.actions)."""

from django import forms
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from apothecary.core.admin.actions import (
    ActionDetailView,
    ActionForm,
    ActionPostMixin,
    AdminAction,
    action_table,
)
from apothecary.core.machines import InvalidTransition
from apothecary.core.money import ZERO

from . import membership, payouts, reports, services
from .models import (
    AFFILIATE_TRANSITIONS,
    COMMISSION_TRANSITIONS,
    Affiliate,
    AffiliateStatus,
    Commission,
    CommissionStatus,
    PayoutBatch,
    PayoutBatchStatus,
    PayoutMethod,
    program_settings,
)
from .selectors import affiliate_totals

RECENT = 20  # clicks, commissions and payouts shown on an affiliate's page


def ip_hash_display(value: str) -> str:
    """A hash is enough to tell visitors apart; its first characters are enough to read."""
    return f"{value[:10]}…" if value else ""


# --- Affiliates ----------------------------------------------------------------------------


class DecisionNoteForm(ActionForm):
    note = forms.CharField(
        max_length=500,
        label="Note to the affiliate",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why; sent to them by email.",
    )


def _affiliate_move(to):
    def perform(affiliate, data, actor):
        return membership.affiliate_transition(
            affiliate=affiliate, to=to, actor=actor, note=data.get("note", "")
        )

    return perform


AFFILIATE_ACTIONS = action_table(
    AdminAction(
        "approve",
        "Approve",
        _affiliate_move(AffiliateStatus.APPROVED),
        "{obj.name} is approved: their links and code count from now on.",
        to=AffiliateStatus.APPROVED,
        transitions=AFFILIATE_TRANSITIONS,
        applies=lambda a: a.status != AffiliateStatus.SUSPENDED,
        explains="They are emailed that they are in, with their link and code.",
    ),
    AdminAction(
        "reactivate",
        "Reactivate",
        _affiliate_move(AffiliateStatus.APPROVED),
        "{obj.name} is active again.",
        to=AffiliateStatus.APPROVED,
        transitions=AFFILIATE_TRANSITIONS,
        applies=lambda a: a.status == AffiliateStatus.SUSPENDED,
        explains="Their links count again from now on; they are emailed.",
    ),
    AdminAction(
        "reject",
        "Reject",
        _affiliate_move(AffiliateStatus.REJECTED),
        "{obj.name}'s application is rejected; they are sent your note.",
        form_class=DecisionNoteForm,
        to=AffiliateStatus.REJECTED,
        transitions=AFFILIATE_TRANSITIONS,
        destructive=True,
    ),
    AdminAction(
        "suspend",
        "Suspend",
        _affiliate_move(AffiliateStatus.SUSPENDED),
        "{obj.name} is suspended; they are sent your note.",
        form_class=DecisionNoteForm,
        to=AffiliateStatus.SUSPENDED,
        transitions=AFFILIATE_TRANSITIONS,
        explains="Their links and coupons stop earning; what they already earned stays.",
        destructive=True,
    ),
)


class AffiliateDetailView(ActionDetailView):
    model = Affiliate
    actions = AFFILIATE_ACTIONS
    template_name = "affiliates/admin/affiliate_detail.html"
    header_icon = "group"
    index_label = "Affiliates"
    edit_url_name = None
    commissions_index_url_name = "affiliate_commissions:index"
    clicks_index_url_name = "affiliate_clicks:index"

    def get_queryset(self):
        return Affiliate.objects.select_related("user")

    def describe(self, obj):
        return f"Affiliate {obj.name} ({obj.code})"

    def get_page_title(self):
        return self.object.name

    def get_page_subtitle(self):
        return self.object.code

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        affiliate = self.object
        program = program_settings()
        context.update(
            affiliate=affiliate,
            rate=affiliate.rate(program),
            window=affiliate.window_days(program),
            totals=affiliate_totals(affiliate),
            clicks=list(affiliate.clicks.all()[:RECENT]),
            commissions=list(affiliate.commissions.select_related("order")[:RECENT]),
            payouts=list(affiliate.payouts.select_related("batch")[:RECENT]),
            coupons=list(affiliate.coupons.select_related("discount_code")),
            edit_url=reverse(self.edit_url_name, args=[affiliate.pk])
            if self.user_has_permission("change")
            else None,
            commissions_url=f"{reverse(self.commissions_index_url_name)}?affiliate={affiliate.pk}",
            clicks_url=f"{reverse(self.clicks_index_url_name)}?affiliate={affiliate.pk}",
        )
        return context


class AffiliateActionView(ActionPostMixin, AffiliateDetailView):
    action_errors = (InvalidTransition,)


# --- Commissions ---------------------------------------------------------------------------


class RejectCommissionForm(ActionForm):
    reason = forms.CharField(
        max_length=300,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the commission's history, which the affiliate sees.",
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

STATUS_LABELS = dict(CommissionStatus.choices)


def _with_labels(event):
    event.from_label = STATUS_LABELS.get(event.from_status, event.from_status)
    event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    return event


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
            events=[_with_labels(e) for e in commission.events.select_related("actor")],
        )
        return context


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
            if commission.flagged and commission.status == CommissionStatus.PENDING:
                messages.warning(
                    request,
                    f"Commission {commission.pk} skipped: it is flagged "
                    f"({commission.flag_reason or 'for review'}); open it to decide.",
                )
                continue
            if commission.status != CommissionStatus.PENDING:
                messages.warning(
                    request,
                    f"Commission {commission.pk} skipped: it is "
                    f"{commission.get_status_display().lower()}, not pending.",
                )
                continue
            try:
                services.commission_transition(
                    commission=commission,
                    to=CommissionStatus.APPROVED,
                    actor=request.user,
                    message="Approved by staff (bulk)",
                )
            except InvalidTransition as error:  # changed meanwhile
                messages.warning(request, f"Commission {commission.pk} skipped: {error}")
                continue
            approved += 1
        if approved:
            messages.success(
                request, f"{approved} commission{'s' if approved != 1 else ''} approved."
            )
        return HttpResponseRedirect(self.next_url())


# --- Payouts -------------------------------------------------------------------------------


class PayoutViewMixin(PermissionCheckedMixin):
    model = PayoutBatch
    index_url_name = None
    inspect_url_name = None
    add_url_name = None
    csv_url_name = None
    mark_paid_url_name = None


class PayoutCreateView(PayoutViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: what a batch made now would pay, and who is left out and why. POST: make it, then
    its page; with nothing due, back to the list with a message saying so."""

    permission_required = "add"
    template_name = "affiliates/admin/payout_create.html"
    header_icon = "tasks"
    page_title = "Create a payout batch"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Payouts"},
            {"url": "", "label": self.page_title},
        ]

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

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Payouts"},
            {"url": "", "label": self.get_page_title()},
        ]

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


# --- The report ----------------------------------------------------------------------------


class ReportForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Period",
        choices=list(reports.PERIODS.items()),
        coerce=int,
        required=False,
        empty_value=reports.DEFAULT_PERIOD,
    )


class TopAffiliatesReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Both rankings for the chosen period; seen by whoever may see affiliates."""

    model = Affiliate
    any_permission_required = ["view", "change"]
    template_name = "affiliates/admin/report.html"
    header_icon = "order"
    page_title = "Top affiliates"
    affiliate_url_name = "admin_affiliates:inspect"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ReportForm(self.request.GET or None)
        days = form.cleaned_data["days"] if form.is_valid() else reports.DEFAULT_PERIOD
        now = timezone.now()
        context.update(
            form=form,
            days=days,
            revenue_heading=f"By revenue: {reports.PERIODS[days].lower()}",
            conversion_heading=f"By conversion: {reports.PERIODS[days].lower()}",
            by_revenue=reports.top_by_revenue(days=days, now=now),
            by_conversion=reports.top_by_conversion(days=days, now=now),
            min_clicks=reports.MIN_CLICKS,
            affiliate_url_name=self.affiliate_url_name,
        )
        return context
