"""The sales report in the admin: its URL (/admin/reports/sales/) and its item in Wagtail's
"Reports" menu, shown to staff who may see orders. Imported by the app's wagtail_hooks."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import policy_registry

from apothecary.orders.models import Order

from .reports.views import SalesReportView


class SalesReportMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Order).user_has_any_permission(
            request.user, ["view", "change"]
        )


class SalesReportViewSet(ViewSet):
    name = "sales_report"
    url_prefix = "reports/sales"
    icon = "doc-full"
    menu_label = "Sales report"
    menu_order = 10  # first of the reports
    menu_hook = "register_reports_menu_item"
    menu_item_class = SalesReportMenuItem

    def get_urlpatterns(self):
        return [path("", SalesReportView.as_view(), name="index")]


@hooks.register("register_admin_viewset")
def register_sales_report():
    return SalesReportViewSet()
