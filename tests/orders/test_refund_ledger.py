"""The refund ledger: what a line gives back is what the customer paid for it, returns refund
through the same ledger and always finish, and the order's status and emails follow the rows."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from payments import PaymentStatus

from apothecary.orders.models import OrderStatus, ReturnStatus
from apothecary.orders.refunds import RefundError, order_refund, refund_plan
from apothecary.orders.returns import return_request_create, return_transition
from apothecary.orders.services import order_deliver, order_ship
from apothecary.payments.services import payment_start
from tests.store import as_buyer, make_cart, make_discount, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

D = Decimal


def paid_order(*lines, discount="", shipping="5.00", free_above=None, tax_rate="0"):
    """lines: (price, quantity); the order paid through the dummy provider."""
    product = make_product(variants=[(30 + n, price, 1, 50) for n, (price, _) in enumerate(lines)])
    variants = list(product.variants.order_by("sort_order"))
    rate = make_zone(tax_rate=tax_rate, price=shipping, free_above=free_above)
    cart = make_cart(*[(v, q) for v, (_, q) in zip(variants, lines, strict=True)])
    if discount:
        make_discount(code=discount, value="10")
    order = place_order(cart=cart, rate=rate, discount_code=discount)
    payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def delivered(order):
    order_ship(order=order, carrier="USPS", tracking_number="9400")
    return order_deliver(order=order)


def returned(order, units: dict):
    request = return_request_create(order=order, quantities=units, reason="Not for me")
    for to in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.REFUNDED):
        return_transition(request=request, to=to)
    request.refresh_from_db()
    return request


def test_a_returned_unit_of_a_discounted_two_pack_refunds_what_it_cost():
    # Bug: 2 × 19.95 with a 10 % code (the demo's WELCOME10), one unit returned: 19.95 was
    # refunded for a unit that cost 17.96.
    order = paid_order((D("19.95"), 2), discount="LEDGER10")
    assert (order.discount_amount, order.total) == (D("3.99"), D("40.91"))
    line = order.lines.get()
    delivered(order)

    request = returned(order, {line.pk: 1})

    assert request.status == ReturnStatus.REFUNDED
    refund = order.refunds.get()
    assert refund.amount == D("17.96")  # (39.90 − 3.99) / 2, to the cent
    assert list(refund.lines.values_list("quantity", "amount")) == [(1, D("17.96"))]
    assert refund.return_request == request
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.PARTIALLY_REFUNDED, D("17.96"))
    # The second unit is worth the rest of the line: the two add up to what was paid.
    assert refund_plan(order, quantities={line.pk: 1}).amount == D("17.95")


def test_a_one_unit_discounted_order_returned_refunds_in_full():
    # Bug: refused with "At most $44.95 can be refunded"; the return stayed stuck.
    order = paid_order((D("49.95"), 1), discount="LEDGER10", free_above="1")
    line = order.lines.get()
    delivered(order)

    request = returned(order, {line.pk: 1})

    order.refresh_from_db()
    assert request.status == ReturnStatus.REFUNDED
    assert order.refunds.get().amount == order.total == D("44.95")
    assert (order.status, order.refunded_amount) == (OrderStatus.REFUNDED, D("44.95"))


def test_a_return_after_a_partial_refund_refunds_what_is_left_and_finishes():
    # Bug: ship, refund 10.00, deliver, return → the "Refund 49.95" was refused.
    order = paid_order((D("49.95"), 1), free_above="1")
    line = order.lines.get()
    order_ship(order=order, carrier="USPS", tracking_number="9400")
    order_refund(order=order, amount=D("10.00"), reason="Late parcel")
    order_deliver(order=order)

    request = returned(order, {line.pk: 1})

    order.refresh_from_db()
    assert request.status == ReturnStatus.REFUNDED
    assert list(order.refunds.values_list("amount", flat=True)) == [D("10.00"), D("39.95")]
    assert request.amount == D("39.95")
    assert (order.status, order.refunded_amount) == (OrderStatus.REFUNDED, D("49.95"))


def test_a_return_whose_money_went_back_from_the_order_page_still_finishes():
    # Bug: after refunding the rest from the order page, the return said "Received" forever.
    order = paid_order((D("49.95"), 1), free_above="1")
    line = order.lines.get()
    delivered(order)
    request = return_request_create(order=order, quantities={line.pk: 1}, reason="Too big")
    return_transition(request=request, to=ReturnStatus.APPROVED)
    return_transition(request=request, to=ReturnStatus.RECEIVED)
    order_refund(order=order, amount=order.total, reason="Refunded by phone")

    return_transition(request=request, to=ReturnStatus.REFUNDED)

    request.refresh_from_db()
    order.refresh_from_db()
    assert request.status == ReturnStatus.REFUNDED
    assert order.refunds.count() == 1  # no second refund: nothing was left
    assert order.refunded_amount == order.total


def test_a_partially_refunded_order_stays_partially_refunded_when_delivered():
    # Bug: marking it delivered made it plain "Delivered"; the partial refund disappeared.
    order = paid_order((D("19.95"), 2))
    order_ship(order=order, carrier="USPS", tracking_number="9400")
    order_refund(order=order, amount=D("5.00"), reason="Dented box")

    order_deliver(order=order)

    order.refresh_from_db()
    assert order.get_status_display() == "Partially refunded"
    assert order.fulfilment_label == "Delivered"
    assert order.refunded_amount == D("5.00")


def test_units_shipping_and_an_amount_are_refunded_together_and_add_up():
    order = paid_order((D("19.95"), 2), (D("10.00"), 3), discount="LEDGERTAX10", tax_rate="8.25")
    first, second = order.lines.order_by("pk")

    refund = order_refund(
        order=order, quantities={first.pk: 1, second.pk: 3}, shipping=True, reason="Damaged"
    )

    shares = {line.order_line_id: line.amount for line in refund.lines.all()}
    # The whole of line 2 is what it was paid; the shipping with its tax.
    assert refund.amount == shares[first.pk] + shares[second.pk] + refund.shipping_amount
    assert refund.shipping_amount == D("5.41")  # 5.00 + 8.25 % tax
    rest = order_refund(order=order, quantities={first.pk: 1}, reason="Damaged too")
    order.refresh_from_db()
    assert refund.amount + rest.amount == order.total == order.refunded_amount
    assert order.status == OrderStatus.REFUNDED
    assert refund.tax_amount + rest.tax_amount == order.tax_amount


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": D("55.01")}, "At most $44.90 can be refunded"),
        ({"amount": D("-1")}, "A refund must be more than zero."),
        ({}, "A refund must be more than zero."),
        ({"quantities": {"line": 3}}, "have been refunded already"),
        ({"quantities": {999999: 1}}, "not on the order"),
    ],
)
def test_an_impossible_refund_is_refused_and_changes_nothing(kwargs, message):
    order = paid_order((D("19.95"), 2))
    if "quantities" in kwargs and "line" in kwargs["quantities"]:
        kwargs = {"quantities": {order.lines.get().pk: 3}}

    with pytest.raises(RefundError, match=re.escape(message)):
        order_refund(order=order, reason="Test", **kwargs)

    order.refresh_from_db()
    assert (order.status, order.refunded_amount, order.refunds.count()) == (
        OrderStatus.PAID,
        D("0"),
        0,
    )
    assert order.payments.get().captured_amount == D("44.90")


def test_each_refund_sends_one_email_that_tells_that_refund(django_capture_on_commit_callbacks):
    order = paid_order((D("19.95"), 2))
    line = order.lines.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=order, quantities={line.pk: 1}, reason="Broken")
    with django_capture_on_commit_callbacks(execute=True):
        order_ship(order=order, carrier="USPS", tracking_number="9400")

    refund_mails = [m for m in mail.outbox if "refund" in m.subject]
    assert len(refund_mails) == 1
    body = refund_mails[0].body
    assert "We have refunded $19.95" in body
    assert "1 × Test Patch, 30 patches: $19.95" in body
    assert "so far: $19.95 of $44.90" in body
    # Shipping a partially refunded order still tells the customer it is on its way.
    assert any("on its way" in m.subject for m in mail.outbox)


def test_a_full_refund_before_shipping_puts_back_only_the_units_not_restocked(variant_stock):
    order = paid_order((D("19.95"), 4))
    line = order.lines.get()
    stock = variant_stock(line)
    assert stock() == 46

    order_refund(order=order, quantities={line.pk: 1}, restock=True, reason="Changed mind")
    assert stock() == 47
    order_refund(order=order, quantities={line.pk: 3}, shipping=True, reason="Changed mind")

    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert stock() == 50  # 1 restocked by the first refund, 3 by the full refund; not 51


@pytest.fixture
def variant_stock():
    def reader(line):
        def stock():
            line.variant.refresh_from_db()
            return line.variant.stock

        return stock

    return reader


def test_the_customer_order_page_shows_the_refunds_and_the_returns(client):
    # Bug: the customer's order page showed no refunds and no return status.
    order = paid_order((D("19.95"), 2))
    line = order.lines.get()
    delivered(order)
    returned(order, {line.pk: 1})
    order_refund(order=order, amount=D("2.00"), reason="Staff-only note")
    waiting = return_request_create(order=order, quantities={line.pk: 1}, reason="Second one")

    page = as_buyer(client, order).get(order.get_absolute_url()).content.decode()

    assert "Status: Partially refunded." in page and "Parcel: Delivered." in page
    assert "1 × Test Patch, 30 patches</td><td>$19.95" in page
    assert "An amount of the order</td><td>$2.00" in page
    assert "Refunded in all</th><td>$21.95" in page
    assert "Staff-only note" not in page  # the reason is the shop's, not the customer's
    assert "<strong>Refunded</strong>: $19.95 refunded." in page
    assert waiting.get_status_display() == "Requested"
    assert "<strong>Requested</strong>." in page


@pytest.mark.parametrize("size", [1, 3])
def test_the_order_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, size
):
    """As many queries for one line, return and refund as for three of each."""
    order = paid_order(*[(D("19.95"), 3)] * size)
    lines = list(order.lines.order_by("pk"))
    delivered(order)
    for line in lines:
        returned(order, {line.pk: 1})
    order_refund(order=order, quantities={line.pk: 1 for line in lines}, reason="More")
    client.get(order.get_absolute_url())

    # 16: the lines, refunds, returns and the invoice with its credit notes, prefetched.
    with django_assert_max_num_queries(16):
        response = client.get(order.get_absolute_url())

    assert response.status_code == 200
