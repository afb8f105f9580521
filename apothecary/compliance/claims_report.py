"""The "Claims findings" report: every live page in which the claims checker finds something,
each finding with its place and sentence, filtered by page type and kind of finding, and the
latest pages published despite findings. The CSV and XLSX export has one row per finding.

compliance/claims_admin.py registers it with the rest of the claims checker's admin."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.utils.functional import cached_property
from wagtail.admin.filters import ContentTypeFilter
from wagtail.models import Page, get_page_content_types

from apothecary.core.admin.reports import BasePageReportView

from .admin_base import (
    REPORT_PERMISSIONS,
    ComplianceReportViewSet,
    PageReportFilterSet,
    pages_user_may_edit,
)
from .checker import KIND_LABELS, Finding, check_page, load_rules
from .models import PublishOverride

OVERRIDES_SHOWN = 10


@dataclass
class ReportRow:
    page: Page
    findings: list[Finding]


@dataclass
class FindingRow:
    """One finding with its page: a row of the export."""

    page: Page
    finding: Finding


def pages_with_findings(pages, *, kinds=()) -> list[ReportRow]:
    """The pages of this queryset of Page that have findings (only of `kinds`, when given), in
    its order. Reads every page's text (one query for the pages, one per page type for
    `.specific()`, one or two for the rules and brand settings, plus a site lookup per product
    page) and checks it in Python: about a millisecond per page, so a few hundred pages take
    well under a second. A site with thousands of pages would want the findings stored on
    publish instead."""
    rules = load_rules()
    rows = []
    for page in pages.specific(defer=False):
        findings = check_page(page, rules)
        if kinds:
            findings = [finding for finding in findings if finding.kind in kinds]
        if findings:
            rows.append(ReportRow(page, findings))
    return rows


class ClaimsFilterSet(PageReportFilterSet):
    """The page type narrows the pages read; the kinds narrow each page's findings, after the
    check (the view reads them: a page's findings are not in the database)."""

    content_type = ContentTypeFilter(
        label="Type",
        queryset=lambda request: get_page_content_types(include_base_page_type=False),
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Kind of finding",
        choices=list(KIND_LABELS.items()),
        method="filter_kind",
        widget=forms.CheckboxSelectMultiple,
    )

    def filter_kind(self, queryset, name, value):
        return queryset  # applied to the findings, see ClaimsReportView.get_filtered_queryset

    @property
    def kinds(self) -> list[str]:
        if not self.is_valid():
            return []
        return self.form.cleaned_data.get("kind") or []


class ClaimsReportView(BasePageReportView):
    """Every live page with findings, each phrase with its place and sentence, and a link to
    the editor. Each user sees the pages they may change or publish."""

    any_permission_required = REPORT_PERMISSIONS
    template_name = "compliance/admin/claims_report.html"
    results_template_name = "compliance/admin/claims_report_results.html"
    header_icon = "warning"
    page_title = "Claims findings"
    index_url_name = "claims_report:index"
    index_results_url_name = "claims_report:results"
    filterset_class = ClaimsFilterSet
    context_object_name = "rows"
    export_filename = "claims-findings"
    list_export = [
        "page.title",
        "page.pk",
        "page.url",
        "finding.kind_label",
        "finding.phrase",
        "finding.place",
        "finding.sentence",
    ]
    export_headings = {
        "page.title": "Page",
        "page.pk": "Page ID",
        "page.url": "URL",
        "finding.kind_label": "Kind",
        "finding.phrase": "Phrase",
        "finding.place": "Place",
        "finding.sentence": "Sentence",
    }

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return "No live page has findings that match these filters."
        return "No live page has findings."

    def get_queryset(self):
        pages = Page.objects.live().filter(depth__gt=1).order_by("path")
        within = pages_user_may_edit(self.request.user)
        if within is not None:
            pages = pages.filter(pk__in=within.values("pk"))
        return pages

    def get_filtered_queryset(self):
        pages = self.filter_queryset(self.get_queryset())
        kinds = self.filters.kinds if self.filters else []
        return pages_with_findings(pages, kinds=kinds)

    def as_spreadsheet(self, rows, spreadsheet_format):
        findings = [FindingRow(row.page, finding) for row in rows for finding in row.findings]
        return super().as_spreadsheet(findings, spreadsheet_format)

    def get_context_data(self, **kwargs):
        rows = self.object_list
        return super().get_context_data(
            finding_count=sum(len(row.findings) for row in rows),
            page_count=len(rows),
            overrides=PublishOverride.objects.select_related("page", "user")[:OVERRIDES_SHOWN],
            **kwargs,
        )


class ClaimsReportViewSet(ComplianceReportViewSet):
    name = "claims_report"
    url_prefix = "compliance/claims-findings"
    icon = "warning"
    menu_label = "Claims findings"
    menu_name = "claims-findings"
    menu_order = 150
    view_class = ClaimsReportView
