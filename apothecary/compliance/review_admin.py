"""Medical review in the admin's "Compliance" menu: the reviewers (a snippet) and the report of
health pages whose review is due ("Medical review due").

compliance/wagtail_hooks.py calls `register_review_admin()`; this module registers nothing
when imported, so the hooks file stays the one place that says what the admin shows.

Who sees the report: see admin_base. Reviewers follow the usual snippet permissions
(Settings → Groups)."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet

from apothecary.core.admin.reports import BasePageReportView
from apothecary.core.admin.viewsets import BaseSnippetViewSet

from . import review_report
from .admin_base import (
    COMPLIANCE_MENU_HOOK,
    REPORT_PERMISSIONS,
    ComplianceReportViewSet,
    PageReportFilterSet,
    pages_user_may_edit,
)
from .models import MedicalReviewer


class MedicalReviewerViewSet(BaseSnippetViewSet):
    model = MedicalReviewer
    icon = "user"
    menu_label = "Medical reviewers"
    menu_name = "medical-reviewers"
    menu_order = 200
    menu_hook = COMPLIANCE_MENU_HOOK
    url_prefix = "compliance/reviewers"
    list_display = ["name", "credentials"]
    search_fields = ["name", "credentials"]
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("credentials")], heading="Shown under the title"
        ),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("profile_url"),
    ]


def health_page_types(request):
    types = ContentType.objects.get_for_models(*review_report.health_page_models()).values()
    return ContentType.objects.filter(pk__in=[t.pk for t in types])


class MedicalReviewFilterSet(PageReportFilterSet):
    """The report's filters, applied to each page type's queryset (review_report's `narrow`)."""

    content_type = ContentTypeFilter(label="Type", queryset=health_page_types)
    reviewer = django_filters.ModelChoiceFilter(
        field_name="medical_reviewer", label="Reviewer", queryset=MedicalReviewer.objects.all()
    )
    review = django_filters.ChoiceFilter(
        label="Review",
        choices=[("never", "Never reviewed"), ("stale", "Reviewed too long ago")],
        empty_label="All",
        method="filter_review",
        widget=forms.RadioSelect,
    )

    def filter_review(self, queryset, name, value):
        never = review_report.NEVER_REVIEWED
        if value == "never":
            return queryset.filter(never)
        if value == "stale":
            return queryset.exclude(never)
        return queryset


def never_if_blank(value):
    return value or "never"


class MedicalReviewReportView(BasePageReportView):
    """Health pages whose medical review is due (rule: compliance.review_report), most overdue
    first; Wagtail's CSV and XLSX buttons give the same rows as a spreadsheet."""

    any_permission_required = REPORT_PERMISSIONS
    template_name = "compliance/admin/review_report.html"
    results_template_name = "compliance/admin/review_report_results.html"
    header_icon = "doc-full"
    page_title = "Medical review due"
    index_url_name = "medical_review_report:index"
    index_results_url_name = "medical_review_report:results"
    filterset_class = MedicalReviewFilterSet
    context_object_name = "rows"
    list_export = [
        "page.title",
        "page.pk",
        "type_label",
        "reviewer",
        "last_reviewed",
        "due_since",
        "days_overdue",
    ]
    export_headings = {
        "page.title": "Page",
        "page.pk": "Page ID",
        "type_label": "Type",
        "reviewer": "Reviewer",
        "last_reviewed": "Last reviewed",
        "due_since": "Due since",
        "days_overdue": "Days overdue",
    }
    custom_field_preprocess = {
        "last_reviewed": {
            BasePageReportView.FORMAT_CSV: never_if_blank,
            BasePageReportView.FORMAT_XLSX: never_if_blank,
        }
    }

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return "No health page due a review matches these filters."
        return f"Every health page has been reviewed in the last {review_report.MAX_AGE_DAYS} days."

    def get_filename(self):
        return f"medical-review-due-{timezone.localdate().isoformat()}"

    def get_filtered_queryset(self):
        within = pages_user_may_edit(self.request.user)
        narrow = self.filters.filter_queryset if self.filters and self.filters.is_valid() else None
        return review_report.pages_due_for_review(
            today=timezone.localdate(), within=within, narrow=narrow
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(max_age_days=review_report.MAX_AGE_DAYS, **kwargs)


class MedicalReviewReportViewSet(ComplianceReportViewSet):
    name = "medical_review_report"
    url_prefix = "compliance/medical-review-due"
    icon = "doc-full"
    menu_label = "Medical review due"
    menu_name = "medical-review-due"
    menu_order = 100
    view_class = MedicalReviewReportView


def register_review_admin():
    """Registers the reviewer snippet and the report; called once, from wagtail_hooks."""
    register_snippet(MedicalReviewerViewSet)
    hooks.register("register_admin_viewset", MedicalReviewReportViewSet)
