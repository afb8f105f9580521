"""Launch test 2, opposite line order: shoppers buying the same two packs, half of them having
added them in the reverse order, never deadlock: order_place takes the stock of its lines in
the packs' id order, whatever the cart's order (oscar PR #4594).

Checked twice: at the exact moment one checkout holds the first pack's row, the other (whose
cart lists the packs the other way round) runs and must wait for it, not grab the second pack
first; and 8 checkouts behind a barrier."""

import pytest

from apothecary.catalog.models import Variant
from apothecary.orders.models import Order
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import PG_ONLY, Party, Shopper, only_zone, run_after, run_concurrently
from tests.store import make_product

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


@pytest.fixture
def packs():
    first = make_product(title="P1", variants=((30, "10.00", 1, 50),)).variants.get()
    second = make_product(title="P2", variants=((30, "12.00", 1, 50),)).variants.get()
    return first, second


def stock(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def test_a_checkout_with_the_packs_reversed_waits_instead_of_deadlocking(packs):
    p1, p2 = packs
    rate = only_zone()
    before = stock_before()
    forward, reverse = Shopper(1), Shopper(2)
    forward_key = forward.ready(rate, (p1, 1), (p2, 1))
    reverse_key = reverse.ready(rate, (p2, 1), (p1, 1))
    other = Party(lambda: reverse.place(reverse_key).status_code)

    def after_first_pack(taken):
        # forward holds the row of its first pack (the lower id); reverse starts now, and
        # must queue behind it rather than lock its own first line (P2) first
        other.start().blocked()

    with run_after("apothecary.checkout.services.stock_take", after_first_pack):
        mine = forward.place(forward_key)

    assert mine.status_code == 302
    assert other.result() == 302
    assert Order.objects.filter(lines__variant=p1).filter(lines__variant=p2).count() == 2
    assert (stock(p1), stock(p2)) == (48, 48)
    check_invariants(before)


def test_eight_shoppers_half_in_reverse_order_all_get_their_order(packs):
    p1, p2 = packs
    rate = only_zone()
    before = stock_before()
    shoppers = [Shopper(n) for n in range(8)]
    keys = [
        shopper.ready(rate, *([(p1, 1), (p2, 1)] if n % 2 else [(p2, 1), (p1, 1)]))
        for n, shopper in enumerate(shoppers)
    ]

    results = run_concurrently(8, lambda n: shoppers[n].place(keys[n]).status_code)

    assert results == [302] * 8  # no error, no deadlock
    assert Order.objects.filter(lines__variant=p1).filter(lines__variant=p2).count() == 8
    assert (50 - stock(p1), 50 - stock(p2)) == (8, 8)  # allocated == 8 of each
    check_invariants(before)
