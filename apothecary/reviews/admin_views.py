"""The back office's review pages: the detail of a review with its actions (approve, reject
with a reason, the brand's reply), and the list's bulk approve / reject.

Every state change goes through services.review_transition; the reply and the incentivized flag
through services.review_edit. A refused, invalid or stale action comes back as the page with a
message and a 4xx, the form filled as it was sent."""

from django import forms
from django.http import HttpResponseRedirect
from django.urls import reverse
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

from . import services
from .models import REASON_MAX, REPLY_MAX, REVIEW_TRANSITIONS, Review, ReviewStatus


class RejectForm(ActionForm):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the writer, e.g. 'It describes a medical result, which we cannot "
        "publish for a supplement.'",
    )


class ReplyForm(ActionForm):
    brand_reply = forms.CharField(
        required=False,
        max_length=REPLY_MAX,
        label="Public reply from the brand",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown under the review once it is approved. Plain text. Leave empty for "
        "no reply.",
    )
    incentivized = forms.BooleanField(
        required=False,
        label="Incentivized",
        help_text="The writer got something for it (a free pack, a discount): shown as such.",
    )

    def __init__(self, *args, instance: Review, **kwargs):
        kwargs.setdefault("initial", {}).update(
            brand_reply=instance.brand_reply, incentivized=instance.incentivized
        )
        super().__init__(*args, instance=instance, **kwargs)


ACTIONS = action_table(
    AdminAction(
        name="approve",
        label="Approve",
        perform=lambda r, data, actor: services.review_transition(
            review=r, to=ReviewStatus.APPROVED, actor=actor
        ),
        done="Review “{obj.title}” approved: it is now shown on the site.",
        to=ReviewStatus.APPROVED,
        transitions=REVIEW_TRANSITIONS,
    ),
    AdminAction(
        name="reject",
        label="Reject",
        perform=lambda r, data, actor: services.review_transition(
            review=r, to=ReviewStatus.REJECTED, actor=actor, reason=data["reason"]
        ),
        done="Review “{obj.title}” rejected; the writer is sent your reason.",
        form_class=RejectForm,
        to=ReviewStatus.REJECTED,
        transitions=REVIEW_TRANSITIONS,
        destructive=True,
    ),
    AdminAction(  # no status change: offered once the writer has confirmed the review
        name="reply",
        label="Save the reply",
        perform=lambda r, data, actor: services.review_edit(
            review=r,
            brand_reply=data["brand_reply"],
            incentivized=data["incentivized"],
            actor=actor,
        ),
        done="Review “{obj.title}”: reply and flags saved.",
        form_class=ReplyForm,
        applies=lambda review: review.status != ReviewStatus.UNCONFIRMED,
    ),
)


STATUS_LABELS = dict(ReviewStatus.choices)


def _with_label(event):
    event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    return event


class ReviewDetailView(ActionDetailView):
    actions = ACTIONS
    model = Review
    template_name = "reviews/admin/detail.html"
    header_icon = "pick"
    index_label = "Reviews"
    any_permission_required = None
    permission_required = "change"

    def get_queryset(self):
        return Review.objects.select_related("product", "order_line__order", "moderated_by")

    def get_page_subtitle(self):
        return self.object.product.title

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(bound_forms=bound_forms, **kwargs)
        review = self.object
        order_line = review.order_line
        context.update(
            review=review,
            order_line=order_line,
            order_url=reverse("store_orders:inspect", args=[order_line.order.number])
            if order_line
            else None,
            events=[_with_label(event) for event in review.events.select_related("actor")],
        )
        return context


class ReviewActionView(ActionPostMixin, ReviewDetailView):
    """POST only: check, validate, call the service, then back to the detail page
    (core.admin.actions.ActionPostMixin)."""

    action_errors = (services.ReviewError, InvalidTransition)


class BulkForm(forms.Form):
    """The list's bulk form; the reviews chosen by their checkboxes come as `chosen`."""

    ACTIONS = {"approve": ReviewStatus.APPROVED, "reject": ReviewStatus.REJECTED}

    action = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        label="Reason for rejecting",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Sent to each writer.",
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, chosen: list[Review], **kwargs):
        self.chosen = chosen
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.chosen:
            raise forms.ValidationError("Select at least one review in the list.")
        if cleaned.get("action") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Give a reason for rejecting: each writer is sent it.")
        return cleaned


class ReviewBulkView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """POST only, from the checkboxes of the list: approve or reject the chosen reviews. A
    missing choice or reason comes back as a page with the chosen reviews and the form."""

    model = Review
    http_method_names = ["post"]
    template_name = "reviews/admin/bulk.html"
    header_icon = "pick"
    page_title = "Approve or reject reviews"
    index_url_name = None
    permission_required = "change"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Reviews"},
            {"url": "", "label": self.page_title},
        ]

    def next_url(self, form) -> str:
        wanted = form.data.get("next") or ""
        if url_has_allowed_host_and_scheme(wanted, allowed_hosts={self.request.get_host()}):
            if wanted.startswith(reverse(self.index_url_name)):
                return wanted
        return reverse(self.index_url_name)

    def post(self, request, *args, **kwargs):
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
        chosen = list(Review.objects.filter(pk__in=ids).select_related("product").order_by("pk"))
        form = BulkForm(request.POST, chosen=chosen)
        if not form.is_valid():
            messages.error(request, "Nothing was changed: please correct the errors below.")
            context = self.get_context_data(form=form, chosen=chosen, next_url=self.next_url(form))
            return self.render_to_response(context, status=400)
        to = BulkForm.ACTIONS[form.cleaned_data["action"]]
        done, skipped = services.review_moderate_many(
            reviews=chosen, to=to, actor=request.user, reason=form.cleaned_data["reason"]
        )
        verb = "approved" if to == ReviewStatus.APPROVED else "rejected"
        if done:
            messages.success(request, f"{len(done)} review{'s' if len(done) != 1 else ''} {verb}.")
        for review, why in skipped:
            messages.warning(request, f"Review {review.pk} (“{review.title}”) skipped: {why}")
        return HttpResponseRedirect(self.next_url(form))
