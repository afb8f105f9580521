"""Spreadsheet exports (CSV and XLSX) of admin lists and reports.

A cell starting with one of FORMULA_STARTS would run as a formula when a spreadsheet opens a
CSV file (CSV injection): customers type names, addresses and messages, so every exported
text cell that starts so is prefixed with an apostrophe. XLSX cells are written as text by
Wagtail already. Times are written in the site's time zone, to the second."""

import datetime
import functools
import logging

from django.http import Http404
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

logger = logging.getLogger(__name__)


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


def export_columns(view) -> list:
    """The export columns of a view function made by `View.as_view()`: the viewset's
    `list_export` if it passed one, else the view class's."""
    columns = view.view_initkwargs.get("list_export", None)
    return list(columns if columns is not None else getattr(view.view_class, "list_export", []))


def no_export_without_columns(view):
    """`view` (an admin list), answering 404 to `?export=` when it has no export columns:
    Wagtail's list views accept the parameter whatever their columns, and would send an
    empty file. A list with columns is left as it is (and shows its "Download" buttons)."""
    if export_columns(view):
        return view

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if "export" in request.GET:
            logger.info("admin list %s: no export; refused", request.path)
            raise Http404("This list has no export.")
        return view(request, *args, **kwargs)

    return guarded
