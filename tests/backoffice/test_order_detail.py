"""The order detail page: what it shows, and its actions through the services."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from apothecary.catalog.models import Variant
from apothecary.orders.models import Order, OrderEvent, OrderStatus
from apothecary.orders.services import order_ship
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import delivered, make_order, make_store, paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return make_store(stock=10)


@pytest.fixture
def order(store):
    variant, rate = store
    return make_order(variant, rate, quantity=2, name="Grace Hopper", email="grace@example.com")


def url(order, action=""):
    return f"/admin/orders/{order.number}/" + (f"{action}/" if action else "")


def seen(client, order, action) -> str:
    """The hidden state the page's form of `action` carries, as a browser would send it."""
    html = client.get(url(order)).content.decode()
    match = re.search(rf'name="{action}-seen" value="([^"]*)"', html)
    assert match, f"no {action} form on the page"
    return match.group(1)


def refund(client, order, *, confirm=True, **fields):
    """Send the refund form as a person would: fill it in, then confirm what it shows."""
    data = {"refund-seen": seen(client, order, "refund"), "refund-reason": "Asked for"}
    data.update({f"refund-{name}": value for name, value in fields.items()})
    first = client.post(url(order, "refund"), data)
    if not confirm or first.status_code != 200:
        return first
    assert "Confirm: refund" in first.content.decode()
    return client.post(url(order, "refund"), {**data, "refund-confirmed": "on"})


def offered(client, order) -> list[str]:
    html = client.get(url(order)).content.decode()
    return re.findall(r'<form method="post" action="/admin/orders/[2-9A-Z]+/([a-z]+)/"', html)


def test_the_detail_shows_lines_totals_address_and_history(admin_client, admin_user, order):
    paid(order)
    order_ship(order=order, carrier="DHL", tracking_number="JD0001", actor=admin_user)

    response = admin_client.get(url(order))

    html = response.content.decode()
    assert response.status_code == 200
    line = order.lines.get()
    assert line.sku in html
    assert "Back Office Patch" in html
    assert "$25.00" in html  # 2 × 10.00 + 5.00 shipping
    assert "1 Main St" in html
    assert "United States" in html
    assert "JD0001" in html
    history = re.findall(r"<td>([^<]*→[^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", html)
    assert history == [
        ("Pending payment → Paid", "Payment received", "payment provider"),
        ("Paid → Shipped", "Shipped with DHL, tracking JD0001", "admin@example.com"),
    ]
    assert "Order placed" in html


def test_the_detail_lists_the_payments_when_there_are_some(admin_client, order):
    assert "Payments" not in admin_client.get(url(order)).content.decode()
    paid(order, with_payment=True)

    html = admin_client.get(url(order)).content.decode()

    assert 'id="order-payments-heading"' in html
    assert "dummy" in html
    assert "confirmed" in html


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        ("pending", ["cancel", "edit"]),
        ("paid", ["ship", "refund", "edit"]),
        ("delivered", ["refund"]),
        ("cancelled", []),
    ],
)
def test_only_the_actions_the_status_allows_are_offered(admin_client, order, status, actions):
    if status == "paid":
        paid(order)
    elif status == "delivered":
        delivered(order)
    elif status == "cancelled":
        admin_client.post(
            url(order, "cancel"),
            {
                "cancel-seen": seen(admin_client, order, "cancel"),
                "cancel-reason": "Asked by the customer",
            },
        )

    assert offered(admin_client, order) == actions


def test_a_delivered_order_refunded_in_part_offers_only_more_refunds(admin_client, order):
    delivered(paid(order, with_payment=True))
    refund(admin_client, order, amount="5.00")
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED

    assert offered(admin_client, order) == ["refund"]


def test_a_paid_order_refunded_in_part_can_still_be_shipped_then_delivered(admin_client, order):
    paid(order, with_payment=True)
    refund(admin_client, order, amount="5.00")
    assert offered(admin_client, order) == ["ship", "refund", "edit"]

    order_ship(order=order, carrier="DHL", tracking_number="JD0001")

    assert offered(admin_client, order) == ["deliver", "refund"]


def test_mark_shipped_saves_the_tracking_and_who_did_it(admin_client, admin_user, order):
    paid(order)

    response = admin_client.post(
        url(order, "ship"),
        {
            "ship-seen": seen(admin_client, order, "ship"),
            "ship-carrier": "UPS",
            "ship-tracking_number": "1Z999AA10123456784",
            "ship-tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.carrier == "UPS"
    assert order.tracking_number == "1Z999AA10123456784"
    assert order.tracking_url == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    event = order.events.last()
    assert (event.from_status, event.to_status, event.actor) == ("paid", "shipped", admin_user)
    assert [str(m).strip() for m in get_messages(response.wsgi_request)] == [
        f"Order {order.number} marked shipped."
    ]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("ship-tracking_number", "1Z<script>", "only letters, digits, spaces and dashes"),
        ("ship-tracking_number", "", "This field is required."),
        ("ship-carrier", "", "This field is required."),
        ("ship-tracking_url", "javascript:alert(1)", "Enter a valid URL."),
        ("ship-tracking_url", "ftp://example.com/t", "starting with https://"),
    ],
)
def test_a_bad_shipping_form_changes_nothing_and_comes_back_filled(
    admin_client, order, field, value, error
):
    paid(order)
    events = order.events.count()
    data = {
        "ship-seen": seen(admin_client, order, "ship"),
        "ship-carrier": "UPS",
        "ship-tracking_number": "1Z999",
        "ship-tracking_url": "",
        field: value,
    }

    response = admin_client.post(url(order, "ship"), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert error in html
    assert "please correct the errors below" in html
    assert 'value="UPS"' in html or field == "ship-carrier"
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (OrderStatus.PAID, "")
    assert order.events.count() == events


def test_delivering_a_pending_order_is_refused_with_a_message(admin_client, order):
    events = order.events.count()

    response = admin_client.post(url(order, "deliver"), {"deliver-seen": "pending_payment|0.00"})

    assert response.status_code == 409
    assert (
        f"Mark delivered is not possible: order {order.number} is pending payment. "
        "Nothing was changed." in response.content.decode()
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.events.count() == events


def test_an_action_from_a_stale_page_is_refused(admin_client, admin_user, order):
    paid(order)
    stale = seen(admin_client, order, "refund")
    order_ship(order=order, carrier="DHL", tracking_number="JD0001", actor=admin_user)
    events = order.events.count()

    response = admin_client.post(
        url(order, "refund"),
        {
            "refund-seen": stale,
            "refund-amount": "5",
            "refund-reason": "Late",
            "refund-confirmed": "on",
        },
    )

    assert response.status_code == 409
    assert f"Order {order.number} changed since this page was opened: it is now shipped." in (
        response.content.decode()
    )
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.SHIPPED, Decimal("0.00"))
    assert order.events.count() == events


def test_a_double_submitted_shipping_form_ships_once(admin_client, order):
    paid(order)
    data = {
        "ship-seen": seen(admin_client, order, "ship"),
        "ship-carrier": "UPS",
        "ship-tracking_number": "1Z1",
    }

    first = admin_client.post(url(order, "ship"), data)
    second = admin_client.post(url(order, "ship"), data)

    assert (first.status_code, second.status_code) == (302, 409)
    assert order.events.filter(to_status=OrderStatus.SHIPPED).count() == 1


def test_mark_delivered(admin_client, admin_user, order):
    paid(order)
    order_ship(order=order, carrier="DHL", tracking_number="JD0001")

    response = admin_client.post(
        url(order, "deliver"), {"deliver-seen": seen(admin_client, order, "deliver")}
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.events.last().actor == admin_user


def test_cancel_keeps_the_reason_and_releases_the_stock(admin_client, admin_user, order):
    variant = Variant.objects.get(pk=order.lines.get().variant_id)
    assert variant.stock == 8

    response = admin_client.post(
        url(order, "cancel"),
        {"cancel-seen": seen(admin_client, order, "cancel"), "cancel-reason": " Duplicate order "},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert variant.stock == 10
    event = order.events.last()
    assert (event.message, event.actor) == ("Duplicate order", admin_user)


def test_cancel_needs_a_reason(admin_client, order):
    response = admin_client.post(
        url(order, "cancel"), {"cancel-seen": seen(admin_client, order, "cancel")}
    )

    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert Variant.objects.get(pk=order.lines.get().variant_id).stock == 8


def test_the_refund_form_is_not_filled_with_the_total_and_says_what_is_left(admin_client, order):
    paid(order, with_payment=True)

    html = admin_client.get(url(order)).content.decode()

    assert 'name="refund-amount"' in html and 'name="refund-amount" value=' not in html
    assert "At most $25.00 is left to refund." in html
    line = order.lines.get()
    assert f'name="refund-line_{line.pk}" value="0"' in html
    assert "2 of 2 left, worth $20.00." in html


def test_a_refund_shows_what_it_will_do_and_does_nothing_until_confirmed(admin_client, order):
    paid(order, with_payment=True)
    line = order.lines.get()

    response = refund(
        admin_client, order, confirm=False, **{f"line_{line.pk}": "1", "shipping": "on"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This gives back <strong>$15.00</strong>" in html
    assert "1 × Back Office Patch, 30 patches: $10.00" in html and "Shipping: $5.00" in html
    assert (
        'name="refund-confirmed" value="True"' in html
        or 'name="refund-confirmed" value="on"' in html
    )
    order.refresh_from_db()
    assert (order.status, order.refunded_amount, order.refunds.count()) == (
        OrderStatus.PAID,
        Decimal("0.00"),
        0,
    )


def test_units_refunded_from_the_admin_are_written_in_the_ledger(admin_client, admin_user, order):
    paid(order, with_payment=True)
    line = order.lines.get()

    response = refund(admin_client, order, **{f"line_{line.pk}": "1", "restock": "on"})

    assert response.status_code == 302
    ledger = order.refunds.get()
    assert (ledger.amount, ledger.reason, ledger.actor, ledger.restocked) == (
        Decimal("10.00"),
        "Asked for",
        admin_user,
        True,
    )
    assert list(ledger.lines.values_list("order_line", "quantity")) == [(line.pk, 1)]
    line.refresh_from_db()
    assert (line.refunded_quantity, line.restocked_quantity) == (1, 1)


def test_a_refund_of_nothing_is_refused(admin_client, order):
    paid(order, with_payment=True)

    response = refund(admin_client, order)

    assert response.status_code == 400
    assert "Choose units, the shipping or an amount to refund." in response.content.decode()


def test_a_partial_refund_goes_through_the_provider(admin_client, admin_user, order):
    paid(order, with_payment=True)

    response = refund(admin_client, order, amount="5.00")

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.refunded_amount == Decimal("5.00")
    assert order.payments.get().captured_amount == Decimal("20.00")
    event = order.events.last()
    assert (event.to_status, event.message, event.actor) == (
        "partially_refunded",
        "Refunded $5.00: Asked for",
        admin_user,
    )


def test_a_refund_above_what_is_left_is_refused(admin_client, order):
    paid(order, with_payment=True)

    response = refund(admin_client, order, amount="25.01")

    assert response.status_code == 400
    assert "At most $25.00 can be refunded on order" in response.content.decode()
    assert 'value="25.01"' in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.PAID, Decimal("0.00"))


def test_a_refund_the_provider_cannot_make_is_a_message_not_an_error(admin_client, order):
    paid(order)  # marked paid without a payment: nothing to refund through

    response = refund(admin_client, order, amount="5.00")

    assert response.status_code == 409
    assert f"Order {order.number} has no confirmed payment to refund." in (
        response.content.decode()
    )
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.PAID, Decimal("0.00"))


def test_an_unknown_action_or_order_is_not_found(admin_client, order):
    assert admin_client.post(url(order, "explode"), {}).status_code == 404
    assert admin_client.get("/admin/orders/ZZZZZZZZ/").status_code == 404


def test_actions_take_only_posts(admin_client, order):
    assert admin_client.get(url(order, "cancel")).status_code == 405
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


def test_the_packing_slip_has_the_address_and_skus_but_no_prices(admin_client, order):
    response = admin_client.get(url(order, "packing-slip"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Grace Hopper" in html
    assert "1 Main St" in html
    assert "Springfield" in html
    assert "United States" in html
    assert order.lines.get().sku in html
    assert re.search(r'<td class="qty">2</td>', html)
    assert "10.00" not in html
    assert "25.00" not in html
    # No currency either; the order number is random letters and may itself hold "USD".
    assert "USD" not in html.replace(order.number, "")
    assert "@media print" in html


def test_history_lists_placing_the_order(admin_client, order):
    assert OrderEvent.objects.filter(order=order).count() == 1

    html = admin_client.get(url(order)).content.decode()

    assert "Order placed" in html
    assert "customer" in html


@pytest.mark.parametrize("line_count", [1, 3])
def test_the_detail_runs_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries, line_count
):
    product = make_product(variants=[(n, "10.00", 1, 10) for n in range(1, line_count + 1)])
    variants = list(product.variants.all())
    order = place_order(cart=make_cart(*[(v, 1) for v in variants]), rate=make_zone())
    paid(order, with_payment=True)
    admin_client.get("/admin/")

    with django_assert_max_num_queries(14):  # 12, and the invoice with its credit notes
        response = admin_client.get(url(order))

    assert response.status_code == 200
    assert all(v.sku in response.content.decode() for v in variants)


def test_the_order_page_lists_the_ledger(admin_client, admin_user, order):
    paid(order, with_payment=True)
    line = order.lines.get()
    refund(admin_client, order, **{f"line_{line.pk}": "1"}, reason="Broken patch")
    refund(admin_client, order, amount="1.50", reason="Late parcel")

    html = admin_client.get(url(order)).content.decode()

    assert f"1 × {line.sku} ($10.00)" in html and "Broken patch" in html
    assert "an amount" in html and "$1.50" in html and "Late parcel" in html
    assert html.count(admin_user.email) >= 2
    assert "<dt>Parcel</dt>\n        <dd>Not shipped</dd>" in html
