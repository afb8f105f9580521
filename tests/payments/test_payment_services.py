import logging
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from payments import PaymentStatus

from apothecary.orders.models import OrderStatus
from apothecary.orders.services import order_cancel
from apothecary.payments.models import Payment
from apothecary.payments.services import OrderNotPayable, payment_apply_status, payment_start

pytestmark = pytest.mark.django_db


def test_starting_a_payment_copies_the_order_total_and_billing(order):
    payment = payment_start(order=order)

    assert (payment.variant, payment.status) == ("dummy", "waiting")
    assert (payment.total, payment.currency) == (Decimal("44.90"), "USD")
    assert (payment.delivery, payment.tax) == (Decimal("5.00"), Decimal("0.00"))
    assert payment.description == f"Order {order.number}"
    assert (payment.billing_first_name, payment.billing_last_name) == ("Ada", "Reader")
    assert (payment.billing_address_1, payment.billing_city) == ("1 Main St", "Springfield")
    assert (payment.billing_postcode, payment.billing_country_code) == ("12345", "US")
    assert (payment.billing_country_area, payment.billing_email) == ("IL", "ada@example.com")
    assert str(payment.billing_phone) == ""
    assert len(payment.token) == 36


def test_starting_again_reuses_the_open_payment(order):
    first = payment_start(order=order)

    again = payment_start(order=order)

    assert again.pk == first.pk
    assert Payment.objects.filter(order=order).count() == 1


def test_starting_with_another_provider_replaces_the_open_payment(order, stripe_settings):
    dummy = payment_start(order=order)

    stripe = payment_start(order=order, variant="stripe")

    dummy.refresh_from_db()
    assert dummy.status == "cancelled"
    assert (stripe.variant, stripe.status) == ("stripe", "waiting")
    assert list(order.payments.values_list("variant", "status")) == [
        ("stripe", "waiting"),
        ("dummy", "cancelled"),
    ]


def test_after_a_declined_payment_a_new_one_is_started(order):
    declined = payment_start(order=order)
    declined.change_status(PaymentStatus.REJECTED)

    retry = payment_start(order=order)

    assert retry.pk != declined.pk
    assert retry.status == "waiting"


def test_an_order_has_at_most_one_open_payment(order):
    payment_start(order=order)

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(order=order, variant="dummy", currency="USD", total=order.total)


def test_a_cancelled_order_gets_no_payment(order):
    order_cancel(order=order)

    with pytest.raises(OrderNotPayable, match=f"Order {order.number} is cancelled."):
        payment_start(order=order)

    assert Payment.objects.filter(order=order).count() == 0


def test_applying_a_confirmed_status_twice_pays_the_order_once(order):
    payment = payment_start(order=order)
    payment.change_status(PaymentStatus.CONFIRMED)

    payment_apply_status(payment=payment)
    payment_apply_status(payment=payment)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert list(order.events.values_list("to_status", flat=True)) == ["pending_payment", "paid"]
    payment.refresh_from_db()
    assert payment.captured_amount == Decimal("44.90")


@pytest.mark.parametrize("status", [PaymentStatus.REJECTED, PaymentStatus.ERROR])
def test_a_failed_payment_leaves_the_order_waiting_and_writes_no_order_event(order, status, caplog):
    caplog.set_level(logging.INFO, logger="apothecary.payments.services")
    payment = payment_start(order=order)

    payment.change_status(status, "Card declined")
    payment_apply_status(payment=payment)

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.is_payable
    assert list(order.events.values_list("to_status", flat=True)) == ["pending_payment"]
    assert f"of order {order.number} {status}: Card declined" in caplog.text


def test_a_second_payment_confirmed_for_a_paid_order_flags_it_for_a_refund(order, stripe_settings):
    replaced = payment_start(order=order)
    current = payment_start(order=order, variant="stripe")  # the first one is cancelled
    current.change_status(PaymentStatus.CONFIRMED)

    replaced.change_status(PaymentStatus.CONFIRMED)  # e.g. its page was still open

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert list(order.events.values_list("to_status", flat=True)) == ["pending_payment", "paid", ""]
    assert order.needs_attention and order.attention_reason == "duplicate_payment"
