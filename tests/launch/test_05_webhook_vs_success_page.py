"""Launch test 5, the webhook against the page the shopper comes back to. With Stripe, the
return page (checkout:done) only reads: the webhook alone pays the order. With PayPal, the
return executes the payment, and PayPal's PAYMENT.SALE.COMPLETED webhook may arrive while it
does. Either way: 1 paid order, 1 payment, 1 "payment received" email, stock taken once
(Saleor's Stripe webhook race test).

Checked twice: the webhook runs to the end at the exact moment the return page has read the
order (Stripe), or PayPal has executed the payment and we have not yet recorded it (PayPal:
the webhook then waits on the payment's row);
and return pages and duplicate deliveries behind a barrier."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from apothecary.orders.models import OrderStatus
from apothecary.payments.models import Payment
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    PG_ONLY,
    Party,
    completed,
    deliver,
    deliver_paypal,
    only_zone,
    page_text,
    paypal_api,  # noqa: F401 - a fixture
    paypal_event,
    run_after,
    run_concurrently,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.payments.test_paypal import PAYMENT_ID, choose_paypal, paypal_return
from tests.store import as_buyer, make_cart, make_product, place_order

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


@pytest.fixture
def order():
    """2 × 19.95 + 5.00 shipping = 44.90, waiting for payment; 8 of 10 left."""
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    return place_order(cart=make_cart((variant, 2)), rate=only_zone(price="5.00"))


def paid_emails(order) -> list[str]:
    return [
        m.subject for m in mail.outbox if f"Payment received for order {order.number}" in m.subject
    ]


def assert_paid_once(order, before):
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.events.filter(to_status=OrderStatus.PAID).count() == 1
    assert Payment.objects.filter(order=order).count() == 1
    assert len(paid_emails(order)) == 1
    assert order.lines.get().variant.stock == 8  # taken once, when the order was placed
    check_invariants(before)


def stripe_payment(order):
    as_buyer(Client(), order).get(
        reverse("payments:pay", args=[order.token])
    )  # the session is made
    return Payment.objects.get(order=order)


def test_stripe_paying_while_the_return_page_renders_pays_once(order, stripe_api):  # noqa: F811
    before = stock_before()
    payment = stripe_payment(order)
    webhook = Party(lambda: deliver(Client(), completed(payment, "evt_1")).status_code)

    def page_read_the_order(read):  # the shopper's page has the order; Stripe tells us now
        webhook.start().finished()

    with run_after("apothecary.checkout.views.get_object_or_404", page_read_the_order):
        page = Client().get(reverse("checkout:done", args=[order.token]))

    assert page.status_code == 200
    assert webhook.result() == 200
    assert Client().get(reverse("checkout:done", args=[order.token])).status_code == 200
    assert_paid_once(order, before)


def test_return_pages_and_duplicate_deliveries_at_once_pay_once(order, stripe_api):  # noqa: F811
    before = stock_before()
    payment = stripe_payment(order)
    event = completed(payment, "evt_1")
    done = reverse("checkout:done", args=[order.token])

    def visit(n):
        if n < 2:
            return deliver(Client(), event).status_code
        return Client().get(done).status_code

    assert run_concurrently(8, visit) == [200] * 8
    assert "paid" in page_text(Client().get(done)).lower()
    assert_paid_once(order, before)


def test_paypal_telling_of_the_sale_while_the_return_executes_it_pays_once(
    order,
    paypal_api,  # noqa: F811
):
    before = stock_before()
    shopper = Client()
    assert choose_paypal(shopper, order).status_code == 302
    payment = Payment.objects.get(order=order, variant="paypal")
    sale = paypal_event(
        "WH-SALE-1",
        "PAYMENT.SALE.COMPLETED",
        id="5TEST0SALE1234567",
        state="completed",
        amount={"total": "44.90", "currency": "USD"},
        parent_payment=PAYMENT_ID,
    )
    webhook = Party(lambda: deliver_paypal(Client(), sale))

    def executed_not_recorded(executed):
        # PayPal took the money and tells us now; the return holds the payment's row (it
        # saved PayPal's answer), so the webhook waits for it rather than pay a second time
        webhook.start().blocked()

    target = "apothecary.payments.providers.PaypalCheckoutProvider.execute_payment"
    with run_after(target, executed_not_recorded):
        back = paypal_return(shopper, payment)

    assert back.status_code == 302
    assert back["Location"] == payment.get_success_url()
    told = webhook.result()
    assert told.status_code == 200
    assert told.json() == {"status": "already confirmed"}
    assert_paid_once(order, before)
