"""The return page says before its form whether a return can be asked for now: an order not
delivered yet (or delivered too long ago) gets a sentence and no form, and a POST is still
refused; the order's page says the same instead of the "Return items" link."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from apothecary.orders.models import Order, OrderStatus, ReturnRequest
from apothecary.orders.services import order_deliver, order_mark_paid, order_ship
from tests.orders.test_customer_views import delivered
from tests.store import as_buyer, make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

NOT_YET = "You can ask for a return once your order is delivered."


@pytest.fixture
def order(client):
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    order = place_order(cart=make_cart((variant, 2)), rate=make_zone())
    as_buyer(client, order)
    return order


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_return_page_of_an_undelivered_order_says_so_and_has_no_form(client, order):
    response = client.get(f"/orders/{order.token}/return/")

    html = page(response)
    assert response.status_code == 200
    assert NOT_YET in html.get_text(" ", strip=True)
    assert html.select("main form") == []


def test_a_post_for_an_undelivered_order_is_still_refused(client, order):
    line = order.lines.get()

    response = client.post(
        f"/orders/{order.token}/return/", {f"line_{line.pk}": "1", "reason": "Changed my mind"}
    )

    assert response.status_code == 400
    assert NOT_YET in page(response).get_text(" ", strip=True)
    assert not ReturnRequest.objects.filter(order=order).exists()


def test_a_partly_refunded_order_not_delivered_yet_is_refused_with_the_sentence(client, order):
    """Such an order has a returnable status but no delivery date yet."""
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PARTIALLY_REFUNDED)
    line = order.lines.get()

    shown = client.get(f"/orders/{order.token}/return/")
    sent = client.post(f"/orders/{order.token}/return/", {f"line_{line.pk}": "1", "reason": "x"})

    assert NOT_YET in page(shown).get_text(" ", strip=True)
    assert sent.status_code == 400
    assert NOT_YET in page(sent).get_text(" ", strip=True)


def test_the_order_page_says_when_a_return_can_be_asked_for(client, order):
    unpaid = page(client.get(order.get_absolute_url()))
    order_mark_paid(order=order)
    before = page(client.get(order.get_absolute_url()))
    order_ship(order=order, carrier="USPS", tracking_number="1Z")
    order_deliver(order=order)
    after = page(client.get(order.get_absolute_url()))

    assert NOT_YET not in unpaid.get_text(" ", strip=True)  # nothing to return yet

    assert NOT_YET in before.get_text(" ", strip=True)
    assert before.select(f'a[href="/orders/{order.token}/return/"]') == []
    assert NOT_YET not in after.get_text(" ", strip=True)
    assert [
        a.get_text(strip=True) for a in after.select(f'a[href="/orders/{order.token}/return/"]')
    ] == ["Return items from this order"]


def test_a_closed_window_is_said_before_the_form(client, order):
    delivered(order, days_ago=31)

    response = client.get(f"/orders/{order.token}/return/")

    html = page(response)
    assert "The return window for this order closed on" in html.get_text(" ", strip=True)
    assert html.select("main form") == []


def test_a_delivered_order_in_the_window_shows_the_form(client, order):
    delivered(order, days_ago=1)

    html = page(client.get(f"/orders/{order.token}/return/"))

    assert [b.get_text(strip=True) for b in html.select("main form button")] == ["Ask for a return"]
    end = timezone.localtime(order.delivered_at + timedelta(days=30))
    assert f"You can ask for a return until {end:%-d %B %Y}." in html.get_text(" ", strip=True)
