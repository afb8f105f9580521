"""Launch test 13, database part: PostgreSQL connections are killed (pg_terminate_backend,
from a connection of their own) while shoppers place their orders. A checkout whose
connection dies leaves nothing behind (an order is written with its lines and its stock in
one transaction, or not at all); the invariants hold; and the shopper's retry, with the same
key from the review page, places the order exactly once (ASVS 2.3.3, 16.5.3).

Checked twice: a checkout's connection is killed at the exact moment it has written its
order and taken the stock of its first line, before the line itself; and a burst of checkouts
during which half the connections are killed at once."""

import logging
import random
import threading
import time

import pytest
from django.db import DatabaseError, close_old_connections, connection, connections

from apothecary.catalog.models import Variant
from apothecary.orders.models import Order
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    PG_ONLY,
    Party,
    Shopper,
    backend_pid,
    only_zone,
    run_after,
    run_concurrently,
)
from tests.store import make_product

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


def terminate(pids) -> int:
    """Kill the backends `pids` from a connection of another thread; how many died."""

    def kill():
        with connection.cursor() as cursor:
            # Only the pids given: one call per pid, never a filter over pg_stat_activity
            # (whose conditions PostgreSQL may evaluate in any order).
            # and only in our own database, whatever became of the pid meanwhile.
            died = 0
            for pid in pids:
                cursor.execute(
                    "SELECT CASE WHEN datname = current_database() "
                    "THEN pg_terminate_backend(pid) ELSE false END "
                    "FROM pg_stat_activity WHERE pid = %s",
                    [pid],
                )
                row = cursor.fetchone()
                died += bool(row and row[0])
            return died

    return Party(kill).start().result()


def reconnect():
    """What Django does between two requests: drop a connection that died."""
    try:
        connection.close()
    except DatabaseError:
        pass
    close_old_connections()


def assert_every_order_whole():
    assert not Order.objects.filter(lines__isnull=True).exists(), "an order without lines"


def test_a_connection_killed_mid_checkout_leaves_nothing_and_the_retry_places_once():
    variant = make_product(variants=((30, "10.00", 1, 5),)).variants.get()
    other = make_product(title="Other", variants=((30, "12.00", 1, 5),)).variants.get()
    rate = only_zone()
    before = stock_before()
    shopper = Shopper(1)
    key = shopper.ready(rate, (variant, 1), (other, 1))
    me = backend_pid()
    killed = []

    def first_line_taken(taken):  # the order row is written; its lines are not
        killed.append(terminate([me]))

    with run_after("apothecary.checkout.services.stock_take", first_line_taken):
        refused = shopper.place(key)

    assert killed == [1]
    assert refused.status_code == 503  # core.outages: "back in a minute", not a 500
    assert refused["Retry-After"] == "60"
    reconnect()
    assert not Order.objects.filter(idempotency_key=key).exists()
    assert_every_order_whole()
    assert Variant.objects.get(pk=variant.pk).stock == 5  # the unit taken went back
    check_invariants(before)

    retried = shopper.place(key)
    again = shopper.place(key)  # a second retry finds the order placed

    assert retried.status_code == 302
    assert again["Location"] == retried["Location"]
    order = Order.objects.get(idempotency_key=key)
    assert order.lines.count() == 2
    assert Variant.objects.get(pk=variant.pk).stock == 4
    check_invariants(before)


def test_half_the_connections_killed_in_a_burst_of_checkouts_leave_whole_orders_only():
    count = 24
    variant = make_product(variants=((30, "10.00", 1, 100),)).variants.get()
    rate = only_zone()
    before = stock_before()
    shoppers = [Shopper(n) for n in range(count)]
    keys = [shopper.ready(rate, (variant, 1)) for shopper in shoppers]
    pids, registered = {}, threading.Condition()
    killed, kill_done = [], threading.Event()

    def checkout(n):
        pid = backend_pid()
        with registered:
            pids[n] = pid
            registered.notify_all()
        try:
            return shoppers[n].place(keys[n]).status_code
        finally:
            kill_done.wait(30)  # keep the connection (its pid ours) until the kill is over

    def killer():
        with registered:
            registered.wait_for(lambda: len(pids) == count, timeout=30)
        time.sleep(random.uniform(0.01, 0.05))  # while the checkouts run
        try:
            killed.append(terminate([pid for n, pid in pids.items() if n % 2]))
        finally:
            kill_done.set()
            connections.close_all()

    thread = threading.Thread(target=killer)
    thread.start()
    results = run_concurrently(count, checkout)
    thread.join(30)

    # A request whose connection died is answered 503 (or, when the connection dies outside
    # the view, in a middleware, raises the database's error); none is a 500.
    failed = [n for n, r in enumerate(results) if r != 302]
    assert all(results[n] == 503 or isinstance(results[n], DatabaseError) for n in failed), results
    assert all(results[n] == 302 for n in range(count) if n not in failed), results
    assert_every_order_whole()
    assert all(Order.objects.filter(idempotency_key=k).count() <= 1 for k in keys)
    check_invariants(before)

    retried = [shopper.place(key).status_code for shopper, key in zip(shoppers, keys, strict=True)]

    assert retried == [302] * count
    assert all(Order.objects.filter(idempotency_key=k).count() == 1 for k in keys)
    assert Variant.objects.get(pk=variant.pk).stock == 100 - count
    assert_every_order_whole()
    check_invariants(before)
    assert killed == [count // 2]
    logging.getLogger(__name__).warning(
        "%s checkouts, %s of their connections killed: %s requests failed, 0 half orders; "
        "all %s retried once, %s orders",
        count,
        killed[0],
        len(failed),
        count,
        count,
    )
