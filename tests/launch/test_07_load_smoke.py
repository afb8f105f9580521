"""Launch test 7, load smoke. The real run is a benchmark (`make soak`: browsing visitors and
5 checkouts a second for 2 minutes against gunicorn on PostgreSQL and Redis, with its figures
in docs/benchmarks.md). Here the same load generator runs for a few seconds against the test
server (on PostgreSQL): every page answers without a 5xx, purchases complete, and the
invariants hold."""

import sys
from argparse import Namespace
from pathlib import Path

import pytest
from django.db import connection

from apothecary.orders.models import Order, OrderStatus
from tests.launch.invariants import check_invariants, stock_before

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import soak

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the live server shares one in-memory SQLite connection between its threads, "
        "so concurrent purchases collide on it; the load smoke runs on PostgreSQL (CI's "
        "second pass), as `make soak` does",
    ),
]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


def test_07_browsing_and_checkouts_together_give_no_server_error(live_server, settings):
    settings.PAYMENT_HOST = live_server.url.split("://", 1)[1]  # the dummy's return address
    before = stock_before()
    paid_before = Order.objects.filter(status=OrderStatus.PAID).count()

    result = soak.run(
        Namespace(
            base=live_server.url,
            browsers=4,
            think=0.05,
            checkouts_per_second=1,
            checkout_workers=2,
            duration=4,
            start_path="/order/",
            paths=["/", "/order/", "/blog/", "/faq/", "/products/b12-patch/", "/no-such-page/"],
        )
    )

    views = result["page_views"]
    assert views["server_errors"] == 0, views["errors"]
    assert views["statuses"].get("404", 0) > 0  # the missing page is asked for, and missing
    assert views["statuses"].get("200", 0) > views["statuses"].get("404", 0)
    purchases = result["purchases"]
    assert purchases["failed"] == 0, purchases["failures"]
    assert purchases["completed"] >= 1
    assert soak.passed(result)
    paid = Order.objects.filter(status=OrderStatus.PAID).count() - paid_before
    assert paid == purchases["completed"]
    check_invariants(before, emails=[])
