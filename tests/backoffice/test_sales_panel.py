"""The dashboard's sales panel: orders paid and revenue after refunds, last 30 days."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apothecary.orders.models import Order, OrderStatus
from apothecary.orders.services import order_cancel, order_transition
from apothecary.orders.wagtail_hooks import sales_by_day

from .builders import delivered, make_order, make_store, paid, shipped

pytestmark = pytest.mark.django_db


def paid_days_ago(order, days):
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - timedelta(days=days),
        paid_at=timezone.now() - timedelta(days=days),
    )
    return order


@pytest.fixture
def sales():
    """Orders of 15.00 (one pack and shipping) or 25.00 (two packs and shipping)."""
    variant, rate = make_store()
    counted = [
        paid(make_order(variant, rate)),  # today: 15.00
        paid_days_ago(shipped(make_order(variant, rate, quantity=2)), 3),  # 25.00
        paid_days_ago(delivered(make_order(variant, rate)), 29),  # 15.00, the 30th day
    ]
    partly = paid_days_ago(paid(make_order(variant, rate, quantity=2)), 10)
    order_transition(
        order=partly, to=OrderStatus.PARTIALLY_REFUNDED, refunded_amount=Decimal("4.00")
    )  # 25.00 - 4.00 = 21.00
    not_counted = [
        make_order(variant, rate),  # pending
        order_cancel(order=make_order(variant, rate)),
        paid_days_ago(paid(make_order(variant, rate)), 30),  # 31 days ago counting today
        order_transition(
            order=paid(make_order(variant, rate)),
            to=OrderStatus.REFUNDED,
            refunded_amount=Decimal("15.00"),
        ),
    ]
    return counted + [partly], not_counted


def test_sales_by_day_counts_paid_orders_minus_refunds(sales):
    days = sales_by_day()

    assert len(days) == 30
    assert days[-1].day == timezone.localdate()
    assert sum(d.orders for d in days) == 4
    assert sum((d.revenue for d in days), Decimal(0)) == Decimal("76.00")
    assert (days[-1].orders, days[-1].revenue) == (1, Decimal("15.00"))
    assert (days[-4].orders, days[-4].revenue) == (1, Decimal("25.00"))
    assert (days[-11].orders, days[-11].revenue) == (1, Decimal("21.00"))
    assert (days[0].orders, days[0].revenue) == (1, Decimal("15.00"))


def test_the_dashboard_shows_the_totals_and_a_chart(admin_client, sales):
    response = admin_client.get("/admin/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"data-sales-orders>4</span>", html)
    assert re.search(r"data-sales-revenue>\$76\.00</span>", html)
    svg = re.search(r"<svg viewBox=\"0 0 600 140\".*?</svg>", html, re.S).group(0)
    assert svg.count("<rect ") == 30
    assert f"{timezone.localdate():%a %-d %b}: 1 orders, $15.00" in svg
    assert "<script" not in svg


def test_the_dashboard_has_no_sales_panel_for_staff_without_order_permissions(
    client, django_user_model
):
    editor = django_user_model.objects.create_user(email="ed@example.com", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    html = client.get("/admin/").content.decode()

    assert "data-sales-revenue" not in html
