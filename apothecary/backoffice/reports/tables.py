"""The sales report's tables: which columns each shows, in what order, under which heading.
The page and the CSV/XLSX downloads read the same columns, so a download is the table."""

import datetime
from dataclasses import dataclass
from typing import Any

from apothecary.core.money import store_currency

from . import figures
from .ranges import ReportRange, span_label


@dataclass(frozen=True)
class ReportColumn:
    name: str  # an attribute of the row (dotted paths allowed, as in list_export)
    heading: str
    numeric: bool = False
    secondary: bool = False  # left out on narrow screens (the row's heading says it too)


@dataclass
class ReportTable:
    key: str  # ?table= of its download
    title: str
    columns: list[ReportColumn]
    rows: list[Any]
    footer: Any = None  # a row of totals, shown under the rows (not downloaded)
    empty: str = "Nothing in this range."
    note: str = ""
    csv_url: str = ""  # its downloads, set by the view
    xlsx_url: str = ""

    @property
    def list_export(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def export_headings(self) -> dict[str, str]:
        return {column.name: column.heading for column in self.columns}

    def cells(self, row) -> list[tuple[Any, ReportColumn]]:
        """The row as the page shows it: (text or number, its column) per column."""
        return [(_shown(_value(row, column.name)), column) for column in self.columns]

    @property
    def body(self) -> list[list[tuple[Any, ReportColumn]]]:
        return [self.cells(row) for row in self.rows]

    @property
    def foot(self) -> list[tuple[Any, ReportColumn]] | None:
        return self.cells(self.footer) if self.footer is not None else None


def _value(row, name: str):
    for part in name.split("."):
        row = getattr(row, part)
    return row


def _shown(value):
    """Days as the report writes them ("29 Jan 2026"); the downloads keep them as dates."""
    if isinstance(value, datetime.date):
        return span_label(value, value)
    return value


def _money(name: str, heading: str) -> ReportColumn:
    return ReportColumn(name, f"{heading} ({store_currency()})", numeric=True)


def _count(name: str, heading: str) -> ReportColumn:
    return ReportColumn(name, heading, numeric=True)


TABLE_KEYS = ("periods", "packs", "codes", "countries", "affiliates")
GROUP_HEADINGS = {"day": "Day", "week": "Week", "month": "Month"}


def period_table(report_range: ReportRange) -> ReportTable:
    rows = figures.sales_by_period(report_range)
    return ReportTable(
        key="periods",
        title=f"By {report_range.group}",
        columns=[
            ReportColumn("label", GROUP_HEADINGS[report_range.group]),
            ReportColumn("first", "From", secondary=True),
            ReportColumn("last", "To", secondary=True),
            _count("orders", "Orders"),
            _money("revenue", "Revenue"),
            _money("average", "Average order"),
            _money("refunds", "Refunds"),
            _money("net", "Net"),
        ],
        rows=rows,
        footer=figures.total_row(rows, report_range),
    )


def pack_table(report_range: ReportRange) -> ReportTable:
    return ReportTable(
        key="packs",
        title="By pack",
        columns=[
            ReportColumn("sku", "SKU"),
            ReportColumn("product", "Product", secondary=True),
            ReportColumn("pack", "Pack"),
            _count("orders", "Orders"),
            _count("units", "Units"),
            _count("units_refunded", "Units refunded"),
            _money("revenue", "Revenue"),
        ],
        rows=figures.sales_by_pack(report_range),
        note="Units at the price paid for them, before the order's discount code, shipping "
        "and tax.",
    )


def discount_table(report_range: ReportRange) -> ReportTable:
    return ReportTable(
        key="codes",
        title="By discount code",
        columns=[
            ReportColumn("code", "Code"),
            _count("uses", "Uses"),
            _money("discount", "Discount given"),
            _money("revenue", "Revenue"),
        ],
        rows=figures.sales_by_discount_code(report_range),
        empty="No order in this range used a discount code.",
    )


def country_table(report_range: ReportRange) -> ReportTable:
    return ReportTable(
        key="countries",
        title="By country",
        columns=[
            ReportColumn("name", "Country"),
            ReportColumn("code", "Code", secondary=True),
            _count("orders", "Orders"),
            _money("revenue", "Revenue"),
            _money("refunds", "Refunds"),
        ],
        rows=figures.sales_by_country(report_range),
        note="The country the order ships to.",
    )


def affiliate_table(report_range: ReportRange) -> ReportTable:
    return ReportTable(
        key="affiliates",
        title="By affiliate",
        columns=[
            ReportColumn("name", "Affiliate"),
            ReportColumn("code", "Code"),
            _count("orders", "Orders"),
            _money("revenue", "Revenue"),
            _money("commission", "Commissions"),
        ],
        rows=figures.sales_by_affiliate(report_range),
        empty="No order in this range came through an affiliate.",
        note="Orders attributed to an affiliate (by link or coupon) and the commissions they "
        "earn, rejected and reversed ones left out, adjustments after refunds included.",
    )


BUILDERS = {
    "periods": period_table,
    "packs": pack_table,
    "codes": discount_table,
    "countries": country_table,
    "affiliates": affiliate_table,
}


def report_tables(report_range: ReportRange) -> list[ReportTable]:
    return [BUILDERS[key](report_range) for key in TABLE_KEYS]
