"""The customers ('Store' menu) and the manager's dashboard panel on the admin's home page
(dashboard.py)."""

from django.urls import path, re_path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from apothecary.catalog.wagtail_hooks import STORE_MENU_HOOK
from apothecary.orders.models import NUMBER_ALPHABET, Order

from .customer_views import CustomerDetailView, CustomerIndexView, may_see
from .dashboard import DashboardPanel


class CustomersMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see(request.user, Order)


class CustomerViewSet(ViewSet):
    name = "backoffice_customers"
    url_prefix = "customers"
    icon = "group"
    menu_label = "Customers"
    menu_order = 140  # after Orders, Returns, the Inbox and Reviews; before Packs (200)
    menu_hook = STORE_MENU_HOOK
    menu_item_class = CustomersMenuItem

    def get_urlpatterns(self):
        urls = {
            "index_url_name": self.get_url_name("index"),
            "index_results_url_name": self.get_url_name("index_results"),
        }
        return [
            path("", CustomerIndexView.as_view(**urls), name="index"),
            path(
                "results/",
                CustomerIndexView.as_view(results_only=True, **urls),
                name="index_results",
            ),
            re_path(
                rf"^order/(?P<number>[{NUMBER_ALPHABET}]+)/$",
                CustomerDetailView.as_view(),
                name="order",
            ),
            path("account/<int:pk>/", CustomerDetailView.as_view(), name="account"),
        ]


@hooks.register("register_admin_viewset")
def register_customer_viewset():
    return CustomerViewSet()


@hooks.register("construct_homepage_panels")
def add_dashboard_panel(request, panels):
    panel = DashboardPanel(request)
    if panel.tiles:
        panels.append(panel)
