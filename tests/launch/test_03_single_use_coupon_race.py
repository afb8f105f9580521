"""Launch test 3, a single-use code raced: of 20 shoppers placing their order with the same
single-use code at once, exactly one gets the discount; the others are told the code is used
up, and its count of uses is 1 (oscar #4580, #2101).

Checked twice: one checkout found the code usable and is about to redeem it when another
checkout with the code runs to the end; and 20 checkouts behind a barrier."""

import pytest

from apothecary.checkout.models import DiscountCode, DiscountRedemption
from apothecary.orders.models import Order
from tests.launch.invariants import check_invariants, stock_before
from tests.launch.shop import (
    PG_ONLY,
    Party,
    Shopper,
    only_zone,
    page_text,
    run_after,
    run_concurrently,
)
from tests.store import make_discount, make_product

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]


@pytest.fixture(autouse=True)
def _demo(demo_after_flush):
    pass


@pytest.fixture
def variant():
    return make_product(variants=((30, "20.00", 1, 100),)).variants.get()


def used_up(response) -> bool:
    return response.status_code == 400 and "The code “ONCE” has been used up." in page_text(
        response
    )


def test_the_code_goes_to_the_checkout_that_redeems_it_first(variant):
    rate = only_zone()
    make_discount(code="ONCE", usage_limit=1)
    before = stock_before()
    slow, fast = Shopper(1), Shopper(2)
    slow_key = slow.ready(rate, (variant, 1), discount_code="ONCE")
    fast_key = fast.ready(rate, (variant, 1), discount_code="ONCE")
    other = Party(lambda: fast.place(fast_key))

    def after_the_check(discount):  # slow found the code usable; fast uses it up now
        other.start().finished()

    with run_after("apothecary.checkout.services.discount_find", after_the_check):
        mine = slow.place(slow_key)

    assert other.result().status_code == 302
    assert used_up(mine)
    assert Order.objects.filter(discount_code="ONCE").get().email == fast.email
    assert DiscountCode.objects.get(code="ONCE").times_used == 1
    assert DiscountRedemption.objects.count() == 1
    check_invariants(before)


def test_twenty_checkouts_with_one_single_use_code_give_it_once(variant):
    rate = only_zone()
    make_discount(code="ONCE", usage_limit=1)
    before = stock_before()
    shoppers = [Shopper(n) for n in range(20)]
    keys = [shopper.ready(rate, (variant, 1), discount_code="ONCE") for shopper in shoppers]

    results = run_concurrently(20, lambda n: shoppers[n].place(keys[n]))

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(1 for r in results if r.status_code == 302) == 1
    assert sum(1 for r in results if used_up(r)) == 19
    assert Order.objects.filter(discount_code="ONCE").count() == 1
    assert Order.objects.filter(lines__variant=variant).count() == 1  # the others: nothing
    assert DiscountCode.objects.get(code="ONCE").times_used == 1
    check_invariants(before)
