"""What the admin's "Compliance" menu shares: the hook name its items register with, and the
shape of its two reports (who sees them, which pages each user sees, their URLs).

Who sees a report: whoever may add, change or publish pages (Wagtail's own page reports, such
as "Aging pages", use the same test), and each sees only the pages they may change or publish."""

from django.urls import path
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry

# The "Compliance" menu collects the menu items registered with this hook name (see the group
# in compliance/wagtail_hooks.py).
COMPLIANCE_MENU_HOOK = "register_compliance_menu_item"
REPORT_PERMISSIONS = ["add", "change", "publish"]


def pages_user_may_edit(user):
    """The pages a report shows this user, as a queryset of Page to use as a subquery; None
    for a superuser (every page, without the subquery)."""
    if user.is_superuser:
        return None
    return policy_registry.get_by_type(Page).instances_user_has_any_permission_for(
        user, ["change", "publish"]
    )


class PageReportFilterSet(WagtailFilterSet):
    """The base of a report's filters over pages: each report declares its own."""

    class Meta:
        model = Page
        fields = []


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_any_permission(
            request.user, REPORT_PERMISSIONS
        )


class ComplianceReportViewSet(ViewSet):
    """A report in the Compliance menu: `view_class` at the viewset's prefix ("index"), and its
    results alone ("results", which Wagtail's filters reload)."""

    menu_hook = COMPLIANCE_MENU_HOOK
    menu_item_class = ReportMenuItem
    view_class = None

    def get_urlpatterns(self):
        return [
            path("", self.view_class.as_view(), name="index"),
            path("results/", self.view_class.as_view(results_only=True), name="results"),
        ]
