"""The staff are emailed once of each paid order and each return asked for."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import TestCase
from wagtail.models import Site

from apothecary.core.notifications import StaffNotificationSettings
from apothecary.orders.returns import return_request_create
from apothecary.orders.services import order_deliver, order_mark_paid, order_ship
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staff_inbox():
    chosen = StaffNotificationSettings.for_site(Site.objects.get(is_default_site=True))
    chosen.recipients = "shop@example.com"
    chosen.save()
    return chosen


@pytest.fixture
def order():
    product = make_product(title="Notice Patch", variants=((30, "10.00", 1, 50),))
    rate = make_zone(countries="US", price="5.00")
    return place_order(cart=make_cart((product.variants.get(), 2)), rate=rate)


def staff_emails(subject_start: str) -> list:
    return [
        m
        for m in mail.outbox
        if m.to == ["shop@example.com"] and m.subject.startswith(subject_start)
    ]


def test_a_paid_order_emails_the_staff_once_with_number_total_items_and_link(order):
    with TestCase.captureOnCommitCallbacks(execute=True):
        order_mark_paid(order=order)
    with TestCase.captureOnCommitCallbacks(execute=True):
        order_mark_paid(order=order)  # the provider's second notice of the same payment

    [email] = staff_emails("New paid order")
    assert email.subject == f"New paid order {order.number}: $25.00"
    assert f"Order {order.number} was paid: $25.00." in email.body
    assert f"2 × Notice Patch, 30 patches ({order.lines.get().sku}): $20.00" in email.body
    assert "Shipping: $5.00, Standard" in email.body
    assert f"{settings.WAGTAILADMIN_BASE_URL}/admin/orders/{order.number}/" in email.body


def test_an_unpaid_order_emails_no_one(order):
    assert staff_emails("New paid order") == []


def test_a_paid_order_is_not_emailed_when_the_setting_is_off(order, staff_inbox):
    staff_inbox.order_paid = False
    staff_inbox.save()

    with TestCase.captureOnCommitCallbacks(execute=True):
        order_mark_paid(order=order)

    assert staff_emails("New paid order") == []


def test_a_return_request_emails_the_staff_once_with_items_reason_and_link(order):
    order_deliver(
        order=order_ship(
            order=order_mark_paid(order=order), carrier="USPS", tracking_number="9400 1"
        )
    )
    line = order.lines.get()

    with TestCase.captureOnCommitCallbacks(execute=True):
        request = return_request_create(
            order=order, quantities={line.pk: 1}, reason="The box arrived crushed."
        )

    [email] = staff_emails("Return requested")
    assert email.subject == f"Return requested for order {order.number}"
    assert f"1 × Notice Patch, 30 patches ({line.sku})" in email.body
    assert "The box arrived crushed." in email.body
    assert f"{settings.WAGTAILADMIN_BASE_URL}/admin/returns/{request.pk}/" in email.body
