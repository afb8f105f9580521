"""The base of the back office's reports: Wagtail's report views (filters, pagination, the
CSV and XLSX buttons) with the project's safe spreadsheet export."""

from wagtail.admin.views.reports import PageReportView, ReportView

from .exports import SafeSpreadsheetExportMixin


class BaseReportView(SafeSpreadsheetExportMixin, ReportView):
    """A report over any model: set `model` or `get_queryset`, `list_export`, `filterset_class`,
    `results_template_name` and the permission (`permission_policy`/`any_permission_required`
    or a `has_permission` override)."""


class BasePageReportView(SafeSpreadsheetExportMixin, PageReportView):
    """A report listing pages, with Wagtail's page columns and export."""
