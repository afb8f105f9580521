"""Concurrent checkouts against real row locks: never an oversold unit, never an over-used code.

These need concurrent writers, which SQLite serialises into "database is locked" errors
rather than row locks; they run in CI's PostgreSQL pass."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from apothecary.catalog.models import Variant
from apothecary.checkout.models import DiscountCode
from apothecary.checkout.services import DiscountError, SoldOut
from apothecary.orders.models import Order
from tests.store import make_cart, make_discount, make_product, make_zone, place_order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row-lock concurrency is tested on PostgreSQL (CI's second pass)",
    ),
]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


def run_concurrently(count, job):
    """Start `count` jobs at the same moment, each on its own database connection."""
    barrier = threading.Barrier(count)

    def worker(n):
        barrier.wait()
        try:
            return job(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def test_fifty_checkouts_for_ten_units_make_exactly_ten_orders():
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    rate = make_zone()
    carts = [make_cart((variant, 1)) for _ in range(50)]

    def checkout(n):
        try:
            return place_order(cart=carts[n], rate=rate, email=f"buyer{n}@example.com").number
        except SoldOut as error:
            return f"sold out: {error}"

    results = run_concurrently(50, checkout)

    placed = [r for r in results if not r.startswith("sold out")]
    refused = [r for r in results if r.startswith("sold out")]
    assert len(placed) == 10
    assert len(refused) == 40
    assert all("sold out" in r for r in refused)
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert Order.objects.filter(lines__variant=variant).count() == 10


def test_twenty_checkouts_for_a_code_with_five_uses_give_it_to_exactly_five():
    variant = make_product(variants=((30, "19.95", 1, None),)).variants.get()
    rate = make_zone()
    make_discount(code="FIVE", usage_limit=5)
    carts = [make_cart((variant, 1)) for _ in range(20)]

    def checkout(n):
        try:
            return place_order(
                cart=carts[n],
                rate=rate,
                discount_code="FIVE",
                email=f"buyer{n}@example.com",
                key=uuid.uuid4().hex,
            ).number
        except DiscountError as error:
            return f"refused: {error}"

    results = run_concurrently(20, checkout)

    assert sum(1 for r in results if not r.startswith("refused")) == 5
    assert DiscountCode.objects.get(code="FIVE").times_used == 5
    assert Order.objects.filter(discount_code="FIVE").count() == 5
