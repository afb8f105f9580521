"""The back office's review pages: the detail of a review with its actions (approve, reject
with a reason, the brand's reply), and the list's bulk approve / reject.

Every state change goes through services.review_transition; the reply and the incentivized flag
through services.review_edit. A refused, invalid or stale action comes back as the page with a
message and a 4xx, the form filled as it was sent."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from apothecary.core.admin.actions import ActionFormsMixin, ActionPostMixin

from . import services
from .models import REASON_MAX, REPLY_MAX, REVIEW_TRANSITIONS, Review, ReviewStatus


class ReviewActionForm(forms.Form):
    """`seen` is the status the moderator saw when they opened the page."""

    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, review: Review, **kwargs):
        self.review = review
        kwargs.setdefault("initial", {}).setdefault("seen", review.status)
        super().__init__(*args, **kwargs)


class ApproveForm(ReviewActionForm):
    pass


class RejectForm(ReviewActionForm):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the writer, e.g. 'It describes a medical result, which we cannot "
        "publish for a supplement.'",
    )


class ReplyForm(ReviewActionForm):
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

    def __init__(self, *args, review: Review, **kwargs):
        kwargs.setdefault("initial", {}).update(
            brand_reply=review.brand_reply, incentivized=review.incentivized
        )
        super().__init__(*args, review=review, **kwargs)


@dataclass(frozen=True)
class ReviewAction:
    name: str
    label: str
    form_class: type[ReviewActionForm]
    perform: Callable[[Review, dict, object], Review]
    done: str
    to: str | None = None  # the status it leads to; None: no status change
    destructive: bool = False

    def is_available(self, review: Review) -> bool:
        if self.to is None:
            return review.status != ReviewStatus.UNCONFIRMED
        return self.to in REVIEW_TRANSITIONS[review.status]

    def form(self, review: Review, data=None) -> ReviewActionForm:
        return self.form_class(data, review=review, prefix=self.name)

    def state(self, review: Review) -> str:
        return review.status


ACTIONS = {
    action.name: action
    for action in [
        ReviewAction(
            "approve",
            "Approve",
            ApproveForm,
            lambda r, data, actor: services.review_transition(
                review=r, to=ReviewStatus.APPROVED, actor=actor
            ),
            "Review “{obj.title}” approved: it is now shown on the site.",
            to=ReviewStatus.APPROVED,
        ),
        ReviewAction(
            "reject",
            "Reject",
            RejectForm,
            lambda r, data, actor: services.review_transition(
                review=r, to=ReviewStatus.REJECTED, actor=actor, reason=data["reason"]
            ),
            "Review “{obj.title}” rejected; the writer is sent your reason.",
            to=ReviewStatus.REJECTED,
            destructive=True,
        ),
        ReviewAction(
            "reply",
            "Save the reply",
            ReplyForm,
            lambda r, data, actor: services.review_edit(
                review=r,
                brand_reply=data["brand_reply"],
                incentivized=data["incentivized"],
                actor=actor,
            ),
            "Review “{obj.title}”: reply and flags saved.",
        ),
    ]
}


STATUS_LABELS = dict(ReviewStatus.choices)


def _with_label(event):
    event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    return event


class ReviewDetailView(
    ActionFormsMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    actions = ACTIONS
    model = Review
    template_name = "reviews/admin/detail.html"
    header_icon = "pick"
    index_url_name = None
    inspect_url_name = None
    action_url_name = None
    permission_required = "change"

    @cached_property
    def object(self) -> Review:  # looked up after the permission check
        return get_object_or_404(
            Review.objects.select_related("product", "order_line__order", "moderated_by"),
            pk=self.kwargs["pk"],
        )

    def reload(self) -> None:
        self.__dict__.pop("object", None)

    def get_page_title(self):
        return f"Review {self.object.pk}"

    def get_page_subtitle(self):
        return self.object.product.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Reviews"},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        order_line = review.order_line
        context.update(
            review=review,
            order_line=order_line,
            order_url=reverse("store_orders:inspect", args=[order_line.order.number])
            if order_line
            else None,
            events=[_with_label(event) for event in review.events.select_related("actor")],
            actions=self.action_forms(bound_forms),
        )
        return context


class ReviewActionView(ActionPostMixin, ReviewDetailView):
    """POST only: check, validate, call the service, then back to the detail page
    (core.admin.actions.ActionPostMixin)."""

    action_errors = (services.ReviewError,)


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
