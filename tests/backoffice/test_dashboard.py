"""The manager's dashboard: tiles first on the admin's home page, each a number and a link to
the list that shows exactly those rows."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apothecary.backoffice.dashboard import periods, sales
from apothecary.catalog.models import Variant
from apothecary.orders.attention import order_flag
from apothecary.orders.models import AttentionReason, Order, OrderStatus, ReturnRequest
from apothecary.orders.returns import return_request_create, return_transition
from apothecary.orders.services import order_cancel, order_transition

from .builders import delivered, make_order, make_store, paid, shipped

pytestmark = pytest.mark.django_db


def tiles(client) -> dict[str, tuple[str, str, str]]:
    """name → (value, link, note) of each tile on the admin's home page."""
    html = client.get("/admin/").content.decode()
    found = re.findall(
        r'data-tile="([a-z_]+)">\s*<a href="([^"]+)">\s*<strong>([^<]*)</strong>.*?'
        r'(?:<span class="store-tile-note">([^<]*)</span>)?\s*</a>',
        html,
        re.S,
    )
    return {name: (value, url.replace("&amp;", "&"), note) for name, url, value, note in found}


def paid_days_ago(order, days):
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=days))
    return order


@pytest.fixture
def shop():
    variant, rate = make_store(stock=50)
    return variant, rate


def test_the_dashboard_panel_comes_first_with_its_tiles(admin_client, shop):
    html = admin_client.get("/admin/").content.decode()

    assert html.index("The store today") < html.index("Sales, last 30 days")
    assert list(tiles(admin_client)) == [
        "to_ship",
        "attention",
        "returns",
        "low_stock",
        "revenue",
        "average",
    ]


def test_orders_that_need_attention_are_counted_and_listed(admin_client, shop):
    variant, rate = shop
    flagged = paid(make_order(variant, rate))
    order_flag(order=flagged, reason=AttentionReason.DUPLICATE_PAYMENT, note="Paid twice")
    paid(make_order(variant, rate))

    value, url, note = tiles(admin_client)["attention"]

    assert (value, url) == ("1", "/admin/orders/?needs_attention=true")
    html = admin_client.get(url).content.decode()
    assert set(re.findall(r'href="/admin/orders/([2-9A-Z]+)/"', html)) == {flagged.number}


def test_orders_to_ship_are_the_paid_unshipped_ones_and_the_link_lists_them(admin_client, shop):
    variant, rate = shop
    waiting = [paid(make_order(variant, rate)) for _ in range(2)]
    part = paid(make_order(variant, rate, quantity=2))
    order_transition(order=part, to=OrderStatus.PARTIALLY_REFUNDED, refunded_amount=Decimal("1"))
    shipped(make_order(variant, rate))
    make_order(variant, rate)  # not paid
    order_cancel(order=make_order(variant, rate))

    value, url, note = tiles(admin_client)["to_ship"]

    assert value == "3"
    assert url == "/admin/orders/?to_ship=yes"
    assert note == "paid, not shipped yet"
    html = admin_client.get(url).content.decode()
    listed = set(re.findall(r'href="/admin/orders/([2-9A-Z]+)/"', html))
    assert listed == {order.number for order in [*waiting, part]}


def test_returns_waiting_count_requested_approved_and_received(admin_client, shop):
    variant, rate = shop
    returns = []
    for _ in range(4):
        order = delivered(make_order(variant, rate))
        returns.append(
            return_request_create(
                order=order, quantities={order.lines.get().pk: 1}, reason="Changed my mind."
            )
        )
    return_transition(request=returns[1], to="approved")
    return_transition(request=returns[2], to="rejected", note="Outside the policy.")

    value, url, _ = tiles(admin_client)["returns"]

    assert value == "3"
    assert url == "/admin/returns/?status=requested&status=approved&status=received"
    html = admin_client.get(url).content.decode()
    listed = {int(pk) for pk in re.findall(r'href="/admin/returns/(\d+)/"', html)}
    assert listed == {returns[0].pk, returns[1].pk, returns[3].pk}
    assert ReturnRequest.objects.count() == 4


def test_low_stock_counts_the_packs_the_packs_list_shows_as_low(admin_client, shop):
    variant, _ = shop
    Variant.objects.filter(pk=variant.pk).update(stock=2)
    low = Variant.objects.filter(stock__isnull=False, stock__lte=5).count()

    value, url, _ = tiles(admin_client)["low_stock"]

    assert value == str(low)
    assert low >= 1
    assert url == "/admin/packs/?stock_level=low_or_sold_out"
    assert variant.sku in admin_client.get(url).content.decode()


def test_revenue_and_average_order_this_period_against_the_previous_one(admin_client, shop):
    variant, rate = shop
    paid(make_order(variant, rate))  # 15.00 today
    refunded_in_part = paid_days_ago(paid(make_order(variant, rate, quantity=2)), 10)  # 25.00
    order_transition(
        order=refunded_in_part, to=OrderStatus.PARTIALLY_REFUNDED, refunded_amount=Decimal("5")
    )
    paid_days_ago(paid(make_order(variant, rate)), 29)  # 15.00, the period's first day
    paid_days_ago(paid(make_order(variant, rate, quantity=3)), 30)  # 35.00, the previous one
    paid_days_ago(paid(make_order(variant, rate)), 70)  # 15.00: in neither

    this, before = periods()
    now, then = sales(this), sales(before)

    assert (now.orders, now.revenue, now.average) == (3, Decimal("50.00"), Decimal("18.33"))
    assert (then.orders, then.revenue, then.average) == (1, Decimal("35.00"), Decimal("35.00"))
    found = tiles(admin_client)
    assert found["revenue"][0] == "$50.00"
    assert found["revenue"][2] == (
        "3 orders, after refunds; +43% against $35.00 in the 30 days before"
    )
    assert found["average"][0] == "$18.33"
    assert found["average"][2] == "-48% against $35.00 in the 30 days before"
    url = found["revenue"][1]
    assert f"paid_at_from={this.first.isoformat()}" in url
    html = admin_client.get(url).content.decode()
    assert len(set(re.findall(r'href="/admin/orders/([2-9A-Z]+)/"', html))) == 3


def test_a_first_period_says_there_is_nothing_to_compare(admin_client, shop):
    assert (
        tiles(admin_client)["revenue"][2] == "0 orders, after refunds; none in the 30 days before"
    )


def test_the_dashboard_takes_a_bounded_number_of_queries(
    admin_client, shop, django_assert_max_num_queries
):
    variant, rate = shop
    for _ in range(5):
        paid(make_order(variant, rate))
    admin_client.get("/admin/")

    with django_assert_max_num_queries(60):
        assert admin_client.get("/admin/").status_code == 200


def test_staff_see_only_the_tiles_of_the_lists_they_may_open(client, django_user_model, shop):
    user = django_user_model.objects.create_user(
        email="packer@example.com", password="pw-123456", is_staff=True
    )
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="catalog", codename="change_variant"),
    )
    client.force_login(user)

    assert list(tiles(client)) == ["low_stock"]

    user.user_permissions.remove(
        Permission.objects.get(content_type__app_label="catalog", codename="change_variant")
    )
    assert 'id="store-dashboard"' not in client.get("/admin/").content.decode()
