"""Launch test 4, double submit: the same cart posts "Place order" and goes on to pay 5 times at
once (a double click, a second tab). One order waits for payment, with one payment and one
Stripe Checkout Session, whose idempotency key is made from that payment (Saleor's
test_create_order_doesnt_duplicate_order).

Checked twice: a second submit arrives at the exact moment the first has written its order
but not committed it, and a second pay request at the moment the first is making the Stripe
session (each must wait, then follow the first); and 5 submits behind a barrier."""

import pytest

from apothecary.orders.models import Order, OrderStatus
from apothecary.payments.models import Payment
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    PG_ONLY,
    Party,
    Shopper,
    only_zone,
    run_after,
    run_concurrently,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.store import make_product

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


@pytest.fixture
def variant():
    return make_product(variants=((30, "19.95", 1, 20),)).variants.get()


def submit_and_pay(shopper, key) -> tuple[int, str]:
    placed = shopper.place(key)
    if placed.status_code != 302:
        return placed.status_code, ""
    paying = shopper.client.get(placed["Location"])
    return paying.status_code, paying.get("Location", "")


def assert_one_order_one_session(shopper, variant, stripe_api):  # noqa: F811
    order = Order.objects.get(email=shopper.email)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert Order.objects.filter(lines__variant=variant).count() == 1
    payment = Payment.objects.get(order=order)
    assert len(stripe_api.sessions) == 1
    made = stripe_api.sessions[0]
    assert made["idempotency_key"] == f"checkout-{payment.token}-{made['expires_at']}"
    assert made["client_reference_id"] == payment.token
    assert payment.transaction_id == "cs_test_1"
    return order


def test_a_second_submit_while_the_first_is_writing_follows_the_first(variant, stripe_api):  # noqa: F811
    rate = only_zone()
    before = stock_before()
    shopper = Shopper(1)
    key = shopper.ready(rate, (variant, 1))
    second = Party(lambda: submit_and_pay(shopper.twin(), key))

    def order_written_not_committed(taken):
        second.start().blocked()  # on the order's unique idempotency key

    with run_after("apothecary.checkout.services.stock_take", order_written_not_committed):
        first = submit_and_pay(shopper, key)

    assert first == (302, "https://checkout.stripe.com/c/pay/cs_1")
    assert second.result() == first
    assert_one_order_one_session(shopper, variant, stripe_api)
    check_invariants(before)


def test_a_second_pay_request_while_stripe_makes_the_session_gets_the_same_session(
    variant,
    stripe_api,  # noqa: F811
):
    rate = only_zone()
    before = stock_before()
    shopper = Shopper(1)
    placed = shopper.place(shopper.ready(rate, (variant, 1)))
    pay_url = placed["Location"]
    second = Party(lambda: shopper.twin().client.get(pay_url))

    def session_made_not_saved(session):
        second.start().blocked()  # on the payment's row lock

    target = "apothecary.payments.providers.StripeCheckoutProvider.create_session"
    with run_after(target, session_made_not_saved):
        first = shopper.client.get(pay_url)

    assert first.status_code == 302
    assert second.result()["Location"] == first["Location"]
    assert_one_order_one_session(shopper, variant, stripe_api)
    check_invariants(before)


def test_five_concurrent_submits_of_one_cart_make_one_order_and_one_stripe_session(
    variant,
    stripe_api,  # noqa: F811
):
    rate = only_zone()
    before = stock_before()
    shopper = Shopper(1)
    key = shopper.ready(rate, (variant, 1))
    tabs = [shopper.twin() for _ in range(5)]

    results = run_concurrently(5, lambda n: submit_and_pay(tabs[n], key))

    assert results == [(302, "https://checkout.stripe.com/c/pay/cs_1")] * 5
    assert_one_order_one_session(shopper, variant, stripe_api)
    check_invariants(before)
