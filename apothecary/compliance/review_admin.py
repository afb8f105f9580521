"""Medical review in the admin's "Compliance" menu: the reviewers (a snippet) and the report of
health pages whose review is due ("Medical review due").

compliance/wagtail_hooks.py calls `register_review_admin()`; this module registers nothing
when imported, so the hooks file stays the one place that says what the admin shows.

Who sees the report: whoever may add, change or publish pages (Wagtail's own page reports,
such as "Aging pages", use the same test), and each sees only the pages they may change or
publish. Reviewers follow the usual snippet permissions (Settings → Groups)."""

import csv

from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import review_report
from .models import MedicalReviewer

# The "Compliance" menu collects the menu items registered with this hook name (the same name
# as the group in compliance/wagtail_hooks.py; a string here so that module can import this one).
COMPLIANCE_MENU_HOOK = "register_compliance_menu_item"
REPORT_PERMISSIONS = ["add", "change", "publish"]

# A value a spreadsheet would run as a formula starts with one of these (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class MedicalReviewerViewSet(SnippetViewSet):
    model = MedicalReviewer
    icon = "user"
    menu_label = "Medical reviewers"
    menu_name = "medical-reviewers"
    menu_order = 200
    menu_hook = COMPLIANCE_MENU_HOOK
    url_prefix = "compliance/reviewers"
    list_display = ["name", "credentials"]
    search_fields = ["name", "credentials"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("credentials")], heading="Shown under the title"
        ),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("profile_url"),
    ]


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class MedicalReviewReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Health pages whose medical review is due (rule: compliance.review_report), most overdue
    first; `?export=csv` gives the same rows as a spreadsheet."""

    model = Page
    any_permission_required = REPORT_PERMISSIONS
    template_name = "compliance/admin/review_report.html"
    header_icon = "doc-full"
    page_title = "Medical review due"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def rows(self):
        within = None
        if not self.request.user.is_superuser:
            within = self.permission_policy.instances_user_has_any_permission_for(
                self.request.user, ["change", "publish"]
            )
        return review_report.pages_due_for_review(today=timezone.localdate(), within=within)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.csv_response(self.rows())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rows=self.rows(),
            max_age_days=review_report.MAX_AGE_DAYS,
            export_url=f"{reverse('medical_review_report:index')}?export=csv",
        )
        return context

    def csv_response(self, rows):
        today = timezone.localdate()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="medical-review-due-{today.isoformat()}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            ["Page", "Page ID", "Type", "Reviewer", "Last reviewed", "Due since", "Days overdue"]
        )
        for row in rows:
            writer.writerow(
                [
                    _csv_cell(row.page.title),
                    row.page.pk,
                    row.type_label,
                    _csv_cell(row.reviewer) if row.reviewer else "",
                    row.last_reviewed.isoformat() if row.last_reviewed else "never",
                    row.due_since.isoformat(),
                    row.days_overdue,
                ]
            )
        return response


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_any_permission(
            request.user, REPORT_PERMISSIONS
        )


class MedicalReviewReportViewSet(ViewSet):
    name = "medical_review_report"
    url_prefix = "compliance/medical-review-due"
    icon = "doc-full"
    menu_label = "Medical review due"
    menu_name = "medical-review-due"
    menu_order = 100
    menu_hook = COMPLIANCE_MENU_HOOK
    menu_item_class = ReportMenuItem

    def get_urlpatterns(self):
        return [path("", MedicalReviewReportView.as_view(), name="index")]


def register_review_admin():
    """Registers the reviewer snippet and the report; called once, from wagtail_hooks."""
    register_snippet(MedicalReviewerViewSet)
    hooks.register("register_admin_viewset", MedicalReviewReportViewSet)
