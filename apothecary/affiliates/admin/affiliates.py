"""Affiliates: the list, an affiliate's page with their figures and the decisions on them
(approve, reject, suspend, reactivate, each through membership.affiliate_transition), and
the form of what staff set (rate, cookie window, payout details, note; never the status).

Affiliates apply themselves and are never deleted (their commissions refer to them): no add
or delete view."""

import django_filters
from django import forms
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import EditView

from apothecary.core.admin.actions import (
    ActionDetailView,
    ActionForm,
    ActionPostMixin,
    AdminAction,
    action_table,
)
from apothecary.core.admin.viewsets import ActionOnlyViewSetMixin, BaseModelViewSet
from apothecary.core.machines import InvalidTransition

from .. import membership
from ..models import AFFILIATE_TRANSITIONS, Affiliate, AffiliateStatus, program_settings
from ..selectors import affiliate_totals
from .common import AffiliatesIndexView, codenames, reason_field, time_column

RECENT = 20  # clicks, commissions and payouts shown on an affiliate's page


class AffiliateFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=AffiliateStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )

    class Meta:
        model = Affiliate
        fields = ["status", "payout_method"]


class AffiliateIndexView(AffiliatesIndexView):
    any_permission_required = ["view", "change"]
    default_ordering = "-applied_at"

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
            time_column("applied_at", "Applied"),
        ]


class AffiliateEditView(EditView):
    """Back to the affiliate's page once saved, where staff came from."""

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])


class DecisionNoteForm(ActionForm):
    note = reason_field(
        "Note to the affiliate", "Why; sent to them by email.", max_length=500, rows=3
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


class AffiliateViewSet(ActionOnlyViewSetMixin, BaseModelViewSet):
    model = Affiliate
    name = "admin_affiliates"  # "affiliates" is the public area's namespace
    url_prefix = "affiliates"
    icon = "group"
    menu_label = "Affiliates"
    index_view_class = AffiliateIndexView
    inspect_view_enabled = True
    inspect_view_class = AffiliateDetailView
    edit_view_class = AffiliateEditView
    filterset_class = AffiliateFilterSet
    search_fields = ["name", "email", "code"]
    panels = [
        FieldRowPanel([FieldPanel("commission_rate"), FieldPanel("cookie_days")], heading="Terms"),
        MultiFieldPanel(
            [FieldPanel("payout_method"), FieldPanel("paypal_email"), FieldPanel("bank_details")],
            heading="Payout details",
        ),
        FieldPanel("staff_note"),
    ]

    without_views = ("add", "delete", "history", "usage")
    extra_views = ("action",)
    action_view_class = AffiliateActionView

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(edit_url_name=self.get_url_name("edit"), **kwargs)

    def get_permissions_to_register(self):
        return codenames(self, "change", "view")

    def get_item_urlpatterns(self):
        return [path("<int:pk>/edit/", self.edit_view, name="edit")]
