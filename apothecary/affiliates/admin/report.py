"""The report of the top affiliates, on Wagtail's report view: the period (30, 90 or 365
days) and the ranking (by revenue, or by conversion among affiliates with enough clicks)
are the report's filters; the list and its CSV and XLSX downloads (?export=csv / xlsx) are
the chosen ranking (reports.py). Seen by whoever may see affiliates."""

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import policy_registry

from apothecary.core.admin.reports import BaseReportView
from apothecary.core.money import format_money

from .. import reports
from ..models import Affiliate


class TopAffiliatesFilterSet(WagtailFilterSet):
    """Which ranking, over which period. They choose the list rather than narrow one, so
    filtering leaves the rows as the ranking made them."""

    rank = django_filters.ChoiceFilter(
        label="Ranking",
        choices=list(reports.RANKINGS.items()),
        empty_label=None,
        initial=reports.DEFAULT_RANKING,
    )
    days = django_filters.ChoiceFilter(
        label="Period",
        choices=[(str(days), label) for days, label in reports.PERIODS.items()],
        empty_label=None,
        initial=str(reports.DEFAULT_PERIOD),
    )

    class Meta:
        model = Affiliate
        fields = []

    def filter_queryset(self, queryset):
        return queryset

    def chosen(self, name: str, default: str) -> str:
        """The value chosen for filter `name`, or `default` when none or an unknown one (an
        unknown value of one filter leaves the other's choice as it is)."""
        self.is_valid()  # cleans the form
        return getattr(self.form, "cleaned_data", {}).get(name) or default


class TopAffiliatesReportView(BaseReportView):
    model = Affiliate  # the permissions are the affiliates'
    any_permission_required = ["view", "change"]
    results_template_name = "affiliates/admin/report_results.html"
    page_title = "Top affiliates"
    header_icon = "order"
    filterset_class = TopAffiliatesFilterSet
    paginate_by = None  # the top TOP: one page
    affiliate_url_name = "admin_affiliates:inspect"
    list_export = [
        "position",
        "affiliate.name",
        "affiliate.code",
        "clicks",
        "orders",
        "revenue",
        "currency",
        "percent",
    ]
    export_headings = {
        "position": "Rank",
        "affiliate.name": "Affiliate",
        "affiliate.code": "Code",
        "clicks": "Clicks",
        "orders": "Orders",
        "revenue": "Revenue",
        "currency": "Currency",
        "percent": "Conversion",
    }

    @cached_property
    def ranking(self) -> str:
        return self.filters.chosen("rank", reports.DEFAULT_RANKING)

    @cached_property
    def days(self) -> int:
        return int(self.filters.chosen("days", str(reports.DEFAULT_PERIOD)))

    def get_queryset(self):
        return reports.top_affiliates(by=self.ranking, days=self.days)

    def get_page_subtitle(self):
        return f"{reports.RANKINGS[self.ranking]}: {reports.PERIODS[self.days].lower()}"

    def get_filename(self):
        return f"top-affiliates-by-{self.ranking}-{self.days}-days"

    def affiliate_url(self, row) -> str:
        return reverse(self.affiliate_url_name, args=[row.affiliate.pk])

    @cached_property
    def columns(self):
        return [
            Column("position", label="#"),
            TitleColumn(
                "affiliate",
                label="Affiliate",
                accessor=lambda row: f"{row.affiliate.name} ({row.affiliate.code})",
                get_url=self.affiliate_url,
            ),
            Column("clicks", label="Clicks"),
            Column("orders", label="Orders"),
            Column(
                "revenue",
                label="Revenue",
                accessor=lambda row: format_money(row.revenue, row.currency),
            ),
            Column("percent", label="Conversion"),
        ]

    @cached_property
    def no_results_message(self):
        if self.ranking == "conversion":
            return f"Nobody had {reports.MIN_CLICKS} clicks or more in this period."
        return "No referred orders in this period."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(ranking=self.ranking, min_clicks=reports.MIN_CLICKS)
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
        urls = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        return [
            path("", TopAffiliatesReportView.as_view(**urls), name="index"),
            path(
                "results/",
                TopAffiliatesReportView.as_view(results_only=True, **urls),
                name="index_results",
            ),
        ]
