"""Editing an order before it ships: the address, the phone and the staff note, each change in
the history, the customer emailed once, and nothing changed from a stale or late form."""

import re

import pytest
from django.contrib.auth.models import Permission

from apothecary.orders.models import OrderEvent
from apothecary.orders.services import order_cancel, order_edit

from .builders import make_order, make_store, paid, shipped

pytestmark = pytest.mark.django_db

FIELDS = {
    "shipping_name": "Ada Reader",
    "shipping_line1": "1 Main St",
    "shipping_line2": "",
    "shipping_city": "Springfield",
    "shipping_region": "",
    "shipping_postcode": "12345",
    "phone": "",
    "staff_note": "",
}


@pytest.fixture
def order():
    variant, rate = make_store()
    return paid(make_order(variant, rate))


def url(order, action=""):
    return f"/admin/orders/{order.number}/" + (f"{action}/" if action else "")


def form_values(client, order) -> dict[str, str]:
    """The edit form's fields as the page fills them (inputs and the textarea)."""
    html = client.get(url(order)).content.decode()
    form = re.search(r'<form method="post" action="[^"]*/edit/".*?</form>', html, re.S)
    assert form, "no edit form on the page"
    inputs = r'<input type="[a-z]+" name="edit-([a-z_0-9]+)" value="([^"]*)"'
    values = dict(re.findall(inputs, form[0]))
    note = re.search(r'<textarea name="edit-staff_note"[^>]*>(.*?)</textarea>', form[0], re.S)
    values["staff_note"] = note[1].strip() if note else None
    return values


def post(client, order, seen, **changes):
    data = {f"edit-{name}": value for name, value in {**FIELDS, **changes}.items()}
    return client.post(url(order, "edit"), {**data, "edit-seen": seen})


def edits(order) -> list[str]:
    return list(
        OrderEvent.objects.filter(order=order, to_status="").values_list("message", flat=True)
    )


def test_the_page_of_an_unshipped_order_offers_the_form_filled_with_its_details(
    admin_client, order
):
    values = form_values(admin_client, order)

    assert values["shipping_name"] == "Ada Reader"
    assert values["shipping_line1"] == "1 Main St"
    assert values["shipping_city"] == "Springfield"
    assert values["shipping_postcode"] == "12345"
    assert values["seen"]
    assert "Ships to United States" in admin_client.get(url(order)).content.decode()


def test_a_shipped_or_cancelled_order_offers_no_edit_form(admin_client):
    variant, rate = make_store()
    orders = shipped(make_order(variant, rate)), order_cancel(order=make_order(variant, rate))
    for order in orders:
        html = admin_client.get(url(order)).content.decode()
        assert "/edit/" not in html
        assert "Edit details before shipping" not in html


def test_an_edit_changes_the_address_writes_each_change_and_emails_the_customer_once(
    admin_client, order, mailoutbox, django_capture_on_commit_callbacks
):
    seen = form_values(admin_client, order)["seen"]

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            admin_client, order, seen, shipping_line1="22 Side Rd", shipping_city="Shelbyville"
        )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.shipping_line1, order.shipping_city) == ("22 Side Rd", "Shelbyville")
    assert edits(order) == ["Address: 1 Main St → 22 Side Rd", "City: Springfield → Shelbyville"]
    assert [m.subject for m in mailoutbox] == [
        f"B12 Patch: New shipping details for order {order.number}"
    ]
    assert mailoutbox[0].to == ["ada@example.com"]
    assert "22 Side Rd" in mailoutbox[0].body
    assert "Shelbyville" in mailoutbox[0].body
    page = admin_client.get(url(order)).content.decode()
    assert "City: Springfield → Shelbyville" in page
    assert "admin@example.com" in page  # who


def test_a_staff_note_is_recorded_and_shown_but_the_customer_is_not_told(
    admin_client, order, mailoutbox, django_capture_on_commit_callbacks
):
    seen = form_values(admin_client, order)["seen"]

    with django_capture_on_commit_callbacks(execute=True):
        post(admin_client, order, seen, staff_note="Leave with the neighbour at no. 3")

    order.refresh_from_db()
    assert order.staff_note == "Leave with the neighbour at no. 3"
    assert edits(order) == ["Staff note: (empty) → Leave with the neighbour at no. 3"]
    assert mailoutbox == []
    assert form_values(admin_client, order)["staff_note"] == "Leave with the neighbour at no. 3"


def test_sending_the_form_unchanged_writes_nothing(
    admin_client, order, mailoutbox, django_capture_on_commit_callbacks
):
    seen = form_values(admin_client, order)["seen"]

    with django_capture_on_commit_callbacks(execute=True):
        response = post(admin_client, order, seen)

    assert response.status_code == 302
    assert edits(order) == []
    assert mailoutbox == []


def test_a_form_opened_before_another_edit_gets_409_and_changes_nothing(
    admin_client, admin_user, order, mailoutbox
):
    stale = form_values(admin_client, order)["seen"]
    order_edit(order=order, changes={"shipping_line1": "5 Elm St"}, actor=admin_user)

    response = post(admin_client, order, stale, shipping_line1="9 Oak Ave")

    assert response.status_code == 409
    assert f"Order {order.number} changed since this page was opened" in response.content.decode()
    order.refresh_from_db()
    assert order.shipping_line1 == "5 Elm St"
    assert edits(order) == ["Address: 1 Main St → 5 Elm St"]


def test_the_service_refuses_a_stale_fingerprint_under_the_row_lock(order):
    from apothecary.orders.services import OrderEditError, edit_state

    seen = edit_state(order)
    order_edit(order=order, changes={"phone": "+1 555 010 0199"})

    with pytest.raises(OrderEditError, match="changed since this page was opened"):
        order_edit(order=order, changes={"phone": "+1 555 010 0000"}, seen=seen)
    order.refresh_from_db()
    assert order.phone == "+1 555 010 0199"


def test_an_order_shipped_since_the_page_was_opened_is_not_edited(admin_client, order):
    seen = form_values(admin_client, order)["seen"]
    shipped(order)

    response = post(admin_client, order, seen, shipping_city="Shelbyville")

    assert response.status_code == 409
    assert (
        f"Edit details is not possible: order {order.number} is shipped. Nothing was changed."
        in response.content.decode()
    )
    order.refresh_from_db()
    assert order.shipping_city == "Springfield"
    assert edits(order) == []


def test_the_service_refuses_a_shipped_or_cancelled_order(order):
    from apothecary.orders.services import OrderEditError

    variant, rate = make_store()
    cancelled = order_cancel(order=make_order(variant, rate))
    with pytest.raises(OrderEditError, match="is cancelled: nothing to edit"):
        order_edit(order=cancelled, changes={"shipping_city": "Elsewhere"})
    shipped(order)
    with pytest.raises(OrderEditError, match="has been shipped"):
        order_edit(order=order, changes={"shipping_city": "Elsewhere"})


def test_an_invalid_form_gets_400_and_keeps_what_was_typed(admin_client, order):
    seen = form_values(admin_client, order)["seen"]

    response = post(
        admin_client, order, seen, shipping_name="", shipping_line1="22 Side Rd", phone="call me"
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the name." in html
    assert "Enter a phone number with digits" in html
    assert 'name="edit-shipping_line1" value="22 Side Rd"' in html
    order.refresh_from_db()
    assert order.shipping_line1 == "1 Main St"


def test_a_us_state_is_stored_by_its_code(admin_client, order):
    seen = form_values(admin_client, order)["seen"]

    post(admin_client, order, seen, shipping_region="Illinois")

    order.refresh_from_db()
    assert order.shipping_region == "IL"
    seen = form_values(admin_client, order)["seen"]
    response = post(admin_client, order, seen, shipping_region="Atlantis")
    assert response.status_code == 400
    assert "Enter a state or region of United States" in response.content.decode()


def test_staff_who_may_only_view_orders_see_no_form_and_cannot_edit(
    client, django_user_model, order
):
    viewer = django_user_model.objects.create_user(
        email="viewer@example.com", password="pw-123456", is_staff=True
    )
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="orders", codename="view_order"),
    )
    client.force_login(viewer)

    assert "/edit/" not in client.get(url(order)).content.decode()
    response = post(client, order, "x", shipping_city="Shelbyville")

    assert response.status_code in (302, 403)
    order.refresh_from_db()
    assert order.shipping_city == "Springfield"
