"""The sales report page: the range form, the totals, the chart and the tables, and each
table's CSV and XLSX download (?export=csv|xlsx&table=<key>, with the same range).

A range the report cannot show (unparseable dates, to before from, longer than MAX_DAYS, an
unknown table) answers 400 with the reason on the page and the form as it was typed; nothing
is summed. Seen by staff who may see orders (the orders' "view" or "change" permission)."""

import logging

from django.http import QueryDict
from django.utils.functional import cached_property

from apothecary.core.admin.reports import BaseReportView
from apothecary.core.money import store_currency
from apothecary.orders.models import Order

from .chart import sales_chart
from .figures import counted_rule
from .ranges import DEFAULT_GROUP, GROUPS, PRESETS, ReportRangeForm, preset_dates
from .tables import BUILDERS, TABLE_KEYS, ReportTable, report_tables

logger = logging.getLogger(__name__)


class SalesReportView(BaseReportView):
    model = Order  # the permissions are the orders'
    any_permission_required = ["view", "change"]
    template_name = "backoffice/reports/sales.html"
    page_title = "Sales report"
    header_icon = "doc-full"
    paginate_by = None
    show_export_buttons = False  # each table has its own downloads

    @cached_property
    def form(self) -> ReportRangeForm:
        return ReportRangeForm(self.request.GET)

    @cached_property
    def problem(self) -> str:
        """Why the report cannot be shown for this request ("" when it can)."""
        if not self.form.is_valid():
            return " ".join(
                message for messages in self.form.errors.values() for message in messages
            )
        if self.is_export and self.request.GET.get("table", "periods") not in TABLE_KEYS:
            return "There is no such table to download."
        return ""

    def get_queryset(self):
        return []  # the tables are the report (get_context_data); nothing is paginated

    def get_page_subtitle(self):
        return "" if self.problem else self.form.range.label

    def get(self, request, *args, **kwargs):
        if self.problem:
            logger.info("Sales report refused %s: %s", request.GET.urlencode(), self.problem)
            self.is_export = False  # the reason is a page, not a file
            self.object_list = []
            return self.render_to_response(self.get_context_data(), status=400)
        if self.is_export:
            table = BUILDERS[request.GET.get("table", "periods")](self.form.range)
            return self.export(table, request.GET["export"])
        self.object_list = []
        return self.render_to_response(self.get_context_data())

    def export(self, table: ReportTable, export_format: str):
        self.list_export = table.list_export
        self.export_headings = table.export_headings
        self.export_filename = f"sales-{table.key}-{self.form.range.slug()}"
        return self.as_spreadsheet(table.rows, export_format)

    @cached_property
    def shown_form(self) -> ReportRangeForm:
        """The form as the page shows it: as typed when it is wrong; otherwise with the dates
        of the range shown, a preset's too, so that changing a date starts from them."""
        if self.problem:
            return self.form
        report_range = self.form.range
        return ReportRangeForm(
            {
                "date_from": report_range.first.isoformat(),
                "date_to": report_range.last.isoformat(),
                "group": report_range.group,
            },
            today=self.form.today,
        )

    def preset_links(self) -> list[dict]:
        group = self.request.GET.get("group")
        group = group if group in GROUPS else DEFAULT_GROUP
        current = None if self.problem else (self.form.range.first, self.form.range.last)
        # Two presets can cover the same days (on the 7th, "Last 7 days" is "This month"):
        # the one asked for is the current one; without one, the first whose dates match.
        asked = self.request.GET.get("preset")
        asked = asked if asked in PRESETS else None
        marked = False
        links = []
        for key, label in PRESETS.items():
            params = QueryDict(mutable=True)
            params.update({"preset": key, "group": group})
            links.append(
                {
                    "label": label,
                    "url": f"{self.request.path}?{params.urlencode()}",
                    "current": not marked
                    and (key == asked if asked else current == preset_dates(key, self.form.today))
                    and current == preset_dates(key, self.form.today),
                }
            )
            marked = marked or links[-1]["current"]
        return links

    def download_url(self, table: ReportTable, export_format: str) -> str:
        params = self.request.GET.copy()
        params["export"] = export_format
        params["table"] = table.key
        return f"{self.request.path}?{params.urlencode()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            problem=self.problem,
            shown_form=self.shown_form,
            presets=self.preset_links(),
            currency=store_currency(),
            rule=counted_rule(),
        )
        if self.problem:
            return context
        tables = report_tables(self.form.range)
        for table in tables:
            table.csv_url = self.download_url(table, self.FORMAT_CSV)
            table.xlsx_url = self.download_url(table, self.FORMAT_XLSX)
        periods = tables[0]
        context.update(
            range=self.form.range,
            tables=tables,
            totals=periods.footer,
            chart=sales_chart(periods.rows),
        )
        return context
