"""Spreadsheet exports (CSV and XLSX) of admin lists and reports.

A cell starting with one of FORMULA_STARTS would run as a formula when a spreadsheet opens a
CSV file (CSV injection): customers type names, addresses and messages, so every exported
text cell that starts so is prefixed with an apostrophe. XLSX cells are written as text by
Wagtail already. Times are written in the site's time zone, to the second."""

import datetime

from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value`, with an apostrophe in front when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local_time(value: datetime.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's export, with local times and formula-safe text cells. Put it before the
    view's own bases (IndexView and ReportView already include Wagtail's mixin)."""

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.datetime):
            return local_time(value)
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))
