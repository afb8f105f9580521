"""Launch test 27: the back office. Every URL pattern under /admin/ (the Wagtail admin's
and ours, resolved from the URL conf) is requested with its parameters filled with real
objects of the demo seed (and a paid order with an invoice and a credit note):

- Pass: an anonymous visitor, and a signed-in affiliate or customer (no admin access), is
  sent to the admin's login, except on the login and password-reset pages themselves.
- Pass: a user of Wagtail's default "Editors" group gets a 403 or the admin's
  permission-denied redirect on orders, customers, payouts, commissions, affiliates,
  returns, reviews' moderation, reports of sales, stock, discount codes, shipping, the
  contact inbox, settings, users and groups, and invoices.
- There is no /django-admin/ (Django's admin is not installed): it is a 404.

Affiliates seeing only their own data (their dashboard, outside /admin/) is launch test 26."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import Page

from apothecary.orders.models import Order
from tests.affiliates.builders import make_affiliate
from tests.launch.customers import customer
from tests.launch.routes import project_routes, url_of

pytestmark = pytest.mark.django_db

# Pages of the admin that anyone may open: signing in, resetting a password, and the
# static icon sprite and translations the login page uses.
PUBLIC = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}
# The store manager's areas, by a word of their route: an editor may open none of them.
STORE_AREAS = re.compile(
    r"orders|customers|payout|commission|affiliate|returns|store_reviews|sales|stock|packs"
    r"|discount|shipping|contact|settings|users|groups|invoice|credit_note"
)


def view_model(route):
    """The model a Wagtail viewset's view handles, when it says."""
    initkwargs = getattr(route.view, "view_initkwargs", {}) or {}
    view_class = getattr(route.view, "view_class", None)
    return initkwargs.get("model") or getattr(view_class, "model", None)


@pytest.fixture
def shop():
    return customer("ada@example.com", "Ada Reader")


def filled(route, shop) -> str | None:
    """The route's address with real objects: the model's first row for a pk, the shop's
    order for a number, the home page for a page id."""
    home = Page.objects.get(depth=2)
    values = {
        "number": shop.order.number,
        "reference": shop.credit_note.reference,
        "page_id": home.pk,
        "parent_page_id": home.pk,
        "page_to_move_id": home.pk,
    }
    model = view_model(route)
    if model is not None and hasattr(model, "_default_manager"):
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            values["pk"] = first.pk
    if (route.name or "").startswith(("store_orders", "backoffice_customers")):
        values["pk"] = Order.objects.get(pk=shop.order.pk).pk
    return url_of(route, values)


def admin_routes(shop):
    routes = []
    for route in project_routes():
        url = filled(route, shop) if route.admin else None
        if url is not None and route.name not in ("wagtailadmin_error_test",):
            routes.append((route, url))
    return routes


def sent_to_login(response) -> bool:
    location = response.get("Location", "") if response.status_code == 302 else ""
    # /admin/login/ itself sends on to the site's sign-in page (allauth)
    return location.startswith(("/admin/login/", "/account/login/?next=%2Fadmin%2F"))


def test_the_crawl_covers_the_whole_admin_with_real_objects(shop):
    routes = admin_routes(shop)
    names = {route.name for route, _ in routes}

    assert len(routes) > 300
    assert {"store_orders:index", "affiliate_payouts:index", "sales_report:index"} <= names
    assert any(f"/admin/orders/{shop.order.number}/" == url for _, url in routes)


def test_nobody_without_admin_access_gets_past_the_login(shop):
    affiliate = make_affiliate(code="anna")
    visitors = {"anonymous": Client(raise_request_exception=False)}
    for label, user in (("affiliate", affiliate.user), ("customer", shop.user)):
        visitors[label] = Client(raise_request_exception=False)
        visitors[label].force_login(user)

    let_in = []
    for route, url in admin_routes(shop):
        if route.name in PUBLIC:
            continue
        for label, browser in visitors.items():
            response = browser.get(url)
            if not sent_to_login(response) and response.status_code not in (403, 404, 405):
                let_in.append(f"{label} {url} {response.status_code}")
    assert let_in == []


def test_the_public_admin_pages_are_only_signing_in_and_password_reset(shop):
    anonymous = Client()
    open_pages = {
        route.name for route, url in admin_routes(shop) if anonymous.get(url).status_code == 200
    }

    assert open_pages <= PUBLIC


def permission_denied(response) -> bool:
    """Wagtail's refusal: a 403, or a redirect to the admin's home (with its message)."""
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and response["Location"] in ("/admin/", "/admin")


def test_an_editor_is_refused_every_store_area(shop, django_user_model):
    editor = django_user_model.objects.create_user(email="ed@example.com", password="pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    browser = Client(raise_request_exception=False)
    browser.force_login(editor)

    store_routes = [
        (route, url) for route, url in admin_routes(shop) if STORE_AREAS.search(route.name or "")
    ]
    leaks = []
    for route, url in store_routes:
        response = browser.get(url)
        if not permission_denied(response):
            leaks.append(f"{route.name} {url} {response.status_code}")

    assert len(store_routes) > 100
    assert leaks == []
    refusal = browser.get("/admin/orders/", follow=True)
    assert "Sorry, you do not have permission to access this area." in refusal.content.decode()
    page = browser.get(f"/admin/orders/{shop.order.number}/")
    assert shop.order.shipping_line1 not in page.content.decode()


def test_an_editor_still_edits_the_content(shop, django_user_model):
    editor = django_user_model.objects.create_user(email="ed@example.com", password="pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    browser = Client()
    browser.force_login(editor)

    assert browser.get("/admin/pages/").status_code == 200
    assert browser.get("/admin/").status_code == 200


def test_there_is_no_django_admin(client):
    assert client.get("/django-admin/").status_code == 404
