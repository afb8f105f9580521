"""Launch test 1, last units: 200 shoppers press "Place order" at the same moment for the last
10 units, through the real views (a test client each), then Stripe tells of each session
paid. Exactly 10 orders are paid, the stock ends at 0 and never below, the 190 others get a
clean "sold out" page, and no request fails (no 500, no deadlock).

PostgreSQL's max_connections (100) is shared by every process of the machine: the 200
threads start together behind a barrier, and at most LAUNCH_DB_CONNECTIONS (40) of them hold
a database connection at once; the rest queue as they would for a connection pool."""

import logging
import os
import time

import pytest
from django.test import Client

from apothecary.catalog.models import Variant
from apothecary.orders.models import Order, OrderStatus
from apothecary.payments.models import Payment
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    PG_ONLY,
    Shopper,
    completed,
    deliver,
    only_zone,
    page_text,
    run_concurrently,
    stripe_api,  # noqa: F401 - a fixture
)
from tests.store import make_product

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]

SHOPPERS = int(os.environ.get("LAUNCH_01_SHOPPERS", "200"))
UNITS = 10
logger = logging.getLogger(__name__)
AT_ONCE = int(os.environ.get("LAUNCH_DB_CONNECTIONS", "40"))


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


def test_two_hundred_shoppers_for_the_last_ten_units_make_ten_paid_orders(stripe_api):  # noqa: F811
    variant = make_product(variants=((30, "19.95", 1, UNITS),)).variants.get()
    rate = only_zone()
    before = stock_before()
    shoppers = [Shopper(n) for n in range(SHOPPERS)]
    keys = [shopper.ready(rate, (variant, 1)) for shopper in shoppers]

    def checkout(n):
        placed = shoppers[n].place(keys[n])
        if placed.status_code != 302:
            return placed.status_code, page_text(placed)
        paying = shoppers[n].client.get(placed["Location"])  # the pay page: on to Stripe
        return placed.status_code, paying.status_code, paying.get("Location", "")

    started = time.monotonic()
    results = run_concurrently(SHOPPERS, checkout, at_once=AT_ONCE)
    checkout_seconds = time.monotonic() - started

    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == []  # no 500 (the test client raises it), no deadlock, no lost connection
    placed = [r for r in results if r[0] == 302]
    sold_out = [r for r in results if r[0] == 409]
    assert len(placed) == UNITS
    assert all(
        pay == 302 and url.startswith("https://checkout.stripe.com/") for _, pay, url in placed
    )
    assert len(sold_out) == SHOPPERS - UNITS
    assert all("sold out" in text for _, text in sold_out), sold_out[0][1][:500]
    assert len(stripe_api.sessions) == UNITS

    payments = list(Payment.objects.filter(order__lines__variant=variant))
    assert len(payments) == UNITS
    answers = run_concurrently(
        len(payments), lambda n: deliver(Client(), completed(payments[n])).status_code
    )

    assert answers == [200] * UNITS
    orders = Order.objects.filter(lines__variant=variant)
    assert orders.filter(status=OrderStatus.PAID).count() == UNITS
    assert orders.count() == UNITS
    assert Variant.objects.get(pk=variant.pk).stock == 0
    check_invariants(before)
    logger.warning(
        "%s concurrent checkouts for %s units: %s placed and paid, %s sold out (409), "
        "0 errors, %.1fs",
        SHOPPERS,
        UNITS,
        len(placed),
        len(sold_out),
        checkout_seconds,
    )
