"""The report of the top affiliates: both rankings (reports.py) for the chosen period, seen
by whoever may see affiliates."""

from django import forms
from django.urls import path
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import policy_registry

from .. import reports
from ..models import Affiliate


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


class ReportViewSet(ViewSet):
    name = "affiliate_report"
    url_prefix = "affiliates/report"
    icon = "order"
    menu_label = "Report"

    @property
    def menu_item_class(self):
        class ReportMenuItem(MenuItem):
            def is_shown(self, request):
                return policy_registry.get_by_type(Affiliate).user_has_any_permission(
                    request.user, ["view", "change"]
                )

        return ReportMenuItem

    def get_urlpatterns(self):
        return [path("", TopAffiliatesReportView.as_view(), name="index")]
