"""Sales and staff adjustments at the same moment, against real row locks: no change is lost
and the history adds up. They need concurrent writers, so they run in CI's PostgreSQL pass."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from apothecary.catalog.models import StockMovement, Variant
from apothecary.catalog.services import stock_adjust, stock_take
from tests.store import make_product

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
    barrier = threading.Barrier(count)

    def worker(n):
        barrier.wait()
        try:
            return job(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def test_sales_and_adjustments_at_once_lose_nothing_and_the_history_adds_up():
    variant = make_product(variants=((30, "19.95", 1, 100),)).variants.get()

    def job(n):
        if n % 3 == 0:
            return stock_adjust(variant_id=variant.pk, change=3, reason=f"Delivery {n}")
        if n % 3 == 1:
            return stock_adjust(variant_id=variant.pk, change=-2, reason=f"Damaged {n}")
        with transaction.atomic():  # as in an order's transaction
            return stock_take(variant_id=variant.pk, quantity=1, reference=f"order {n}")

    run_concurrently(30, job)  # 10 deliveries of 3, 10 removals of 2, 10 sales of 1

    assert Variant.objects.get(pk=variant.pk).stock == 100 + 30 - 20 - 10
    movements = list(StockMovement.objects.filter(variant=variant).order_by("pk"))
    assert len(movements) == 30
    stock = 100
    for movement in movements:  # each row says what its own change left
        stock += movement.change
        assert movement.stock_after == stock
