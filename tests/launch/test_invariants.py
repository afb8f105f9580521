"""The shared invariants check finds what it is there to find."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from apothecary.catalog.models import Variant
from tests.launch.invariants import check_invariants, invariant_problems, stock_before
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


def test_an_order_that_took_its_units_keeps_the_invariants():
    variant = make_product(variants=((30, "10.00", 1, 10),)).variants.get()
    before = stock_before()
    place_order(cart=make_cart((variant, 3)), rate=make_zone())

    check_invariants(before)
    assert Variant.objects.get(pk=variant.pk).stock == 7


def test_stock_that_does_not_add_up_and_a_second_confirmation_are_reported():
    variant = make_product(variants=((30, "10.00", 1, 10),)).variants.get()
    before = stock_before()
    order = place_order(cart=make_cart((variant, 3)), rate=make_zone())
    Variant.objects.filter(pk=variant.pk).update(stock=8)  # a unit appeared from nowhere
    mail.outbox = [EmailMessage(subject=f"Shop: We have your order {order.number}")] * 2

    problems = invariant_problems(before)

    assert f"pack {variant.sku}: stock 8, but 10 at the start less 3 since held by orders is 7" in (
        problems
    )
    assert f"2 emails 'Shop: We have your order {order.number}'" in problems
    with pytest.raises(AssertionError):
        check_invariants(before)
