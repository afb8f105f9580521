"""Only staff with the order permissions reach the orders; only "change" may act on them.
(Wagtail answers a refused admin page with a redirect to the dashboard and a message.)"""

import pytest
from django.contrib.auth.models import Permission

from apothecary.orders.models import OrderStatus

from .builders import make_order, make_store, paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    variant, rate = make_store()
    return paid(make_order(variant, rate))


def staff(django_user_model, email, *codenames):
    """A person who may enter the Wagtail admin, with these order permissions."""
    user = django_user_model.objects.create_user(email=email, password="pw-123456", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="orders", codename__in=codenames),
    )
    return user


def pages(order):
    return [
        "/admin/orders/",
        "/admin/orders/?export=csv",
        f"/admin/orders/{order.number}/",
        f"/admin/orders/{order.number}/packing-slip/",
    ]


def test_anonymous_visitors_are_sent_to_the_login(client, order):
    for url in pages(order):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")


def test_a_customer_account_gets_no_access(client, django_user_model, order):
    customer = django_user_model.objects.create_user(email="eve@example.com", password="pw")
    client.force_login(customer)

    for url in pages(order):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = client.post(f"/admin/orders/{order.number}/cancel/", {"cancel-reason": "x"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_staff_without_order_permissions_are_refused(client, django_user_model, order):
    client.force_login(staff(django_user_model, "editor@example.com"))

    for url in pages(order):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert "Orders" not in client.get("/admin/").content.decode()
    response = client.post(f"/admin/orders/{order.number}/cancel/", {"cancel-reason": "x"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_view_permission_shows_orders_without_actions(client, django_user_model, order):
    client.force_login(staff(django_user_model, "viewer@example.com", "view_order"))

    for url in pages(order):
        assert client.get(url).status_code == 200
    html = client.get(f"/admin/orders/{order.number}/").content.decode()
    assert "Mark shipped" not in html
    response = client.post(
        f"/admin/orders/{order.number}/ship/",
        {"ship-seen": "paid|0.00", "ship-carrier": "UPS", "ship-tracking_number": "1Z"},
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_change_permission_may_act(client, django_user_model, order):
    client.force_login(staff(django_user_model, "packer@example.com", "change_order"))

    response = client.post(
        f"/admin/orders/{order.number}/ship/",
        {"ship-seen": "paid|0.00", "ship-carrier": "UPS", "ship-tracking_number": "1Z"},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_group_permissions_offer_only_viewing_and_changing_orders(admin_client):
    html = admin_client.get("/admin/groups/new/").content.decode()

    def offered(codename):
        pk = Permission.objects.get(codename=codename).pk
        return f'name="permissions" value="{pk}"' in html

    assert [offered(c) for c in ["view_order", "change_order", "add_order", "delete_order"]] == [
        True,
        True,
        False,
        False,
    ]
