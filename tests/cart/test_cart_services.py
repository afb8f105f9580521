from decimal import Decimal

import pytest
from django.test import override_settings

from apothecary.cart.models import Cart, CartLine
from apothecary.cart.selectors import cart_subtotal, cart_view_lines
from apothecary.cart.services import (
    CartError,
    cart_add,
    cart_merge,
    cart_remove,
    cart_set_quantity,
    cart_update,
)
from apothecary.catalog.models import Variant
from tests.store import make_cart, make_product

pytestmark = pytest.mark.django_db


def packs(*variants):
    product = make_product(variants=variants)
    return list(Variant.objects.filter(product=product).order_by("sort_order"))


def test_cart_add_creates_a_line_then_adds_to_it():
    [variant] = packs((30, "10.00", 1, 50))
    cart = Cart.objects.create()

    cart_add(cart=cart, variant=variant, quantity=2)
    cart_add(cart=cart, variant=variant, quantity=3)

    assert list(cart.lines.values_list("variant_id", "quantity")) == [(variant.pk, 5)]


@pytest.mark.parametrize("quantity", [0, -1, 11, 10**9, "2", 2.5, None, True])
def test_cart_add_refuses_a_quantity_outside_1_to_the_limit_and_changes_nothing(quantity):
    [variant] = packs((30, "10.00", 1, None))
    cart = Cart.objects.create()

    with pytest.raises(CartError) as error:
        cart_add(cart=cart, variant=variant, quantity=quantity)

    assert "quantity from 1 to 10" in str(error.value)
    assert cart.lines.count() == 0


def test_cart_add_refuses_more_than_the_line_limit_in_total():
    [variant] = packs((30, "10.00", 1, None))
    cart = make_cart((variant, 8))

    with pytest.raises(CartError) as error:
        cart_add(cart=cart, variant=variant, quantity=3)

    assert str(error.value) == (
        "Test Patch, 30 patches: you can buy at most 10 at a time and your cart already has 8."
    )
    assert cart.lines.get().quantity == 8


def test_cart_add_refuses_more_than_the_stock_left():
    [variant] = packs((30, "10.00", 1, 3))
    cart = Cart.objects.create()

    with pytest.raises(CartError) as error:
        cart_add(cart=cart, variant=variant, quantity=4)

    assert str(error.value) == "Test Patch, 30 patches: only 3 left."
    assert cart.lines.count() == 0


def test_cart_add_refuses_a_sold_out_or_inactive_pack():
    sold_out, inactive = packs((30, "10.00", 1, 0), (90, "25.00", 3, 10))
    Variant.objects.filter(pk=inactive.pk).update(active=False)
    inactive.refresh_from_db()
    cart = Cart.objects.create()

    with pytest.raises(CartError) as first:
        cart_add(cart=cart, variant=sold_out, quantity=1)
    with pytest.raises(CartError) as second:
        cart_add(cart=cart, variant=inactive, quantity=1)

    assert str(first.value) == "Test Patch, 30 patches: This pack is sold out."
    assert str(second.value) == "Test Patch, 90 patches: This pack is no longer sold."
    assert cart.lines.count() == 0


@override_settings(CART_MAX_QUANTITY_PER_LINE=3)
def test_the_line_limit_comes_from_the_setting():
    [variant] = packs((30, "10.00", 1, None))
    cart = Cart.objects.create()

    with pytest.raises(CartError) as error:
        cart_add(cart=cart, variant=variant, quantity=4)

    assert "from 1 to 3" in str(error.value)


def test_cart_set_quantity_changes_a_line_and_lowering_is_allowed_over_stock():
    [variant] = packs((30, "10.00", 1, 10))
    cart = make_cart((variant, 6))
    Variant.objects.filter(pk=variant.pk).update(stock=2)
    variant.refresh_from_db()

    cart_set_quantity(cart=cart, variant=variant, quantity=4)
    with pytest.raises(CartError) as error:
        cart_set_quantity(cart=cart, variant=variant, quantity=5)

    assert str(error.value) == "Test Patch, 30 patches: only 2 left."
    assert cart.lines.get().quantity == 4


def test_cart_set_quantity_and_remove_refuse_a_pack_not_in_the_cart():
    in_cart, other = packs((30, "10.00", 1, None), (90, "25.00", 3, None))
    cart = make_cart((in_cart, 1))

    with pytest.raises(CartError) as set_error:
        cart_set_quantity(cart=cart, variant=other, quantity=2)
    with pytest.raises(CartError) as remove_error:
        cart_remove(cart=cart, variant=other)

    assert str(set_error.value) == "That pack is not in your cart."
    assert str(remove_error.value) == "That pack is not in your cart."
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(in_cart.pk, 1)]


def test_cart_update_changes_all_quantities_or_none():
    first, second = packs((30, "10.00", 1, None), (90, "25.00", 3, 2))
    cart = make_cart((first, 1), (second, 1))

    with pytest.raises(CartError):
        cart_update(cart=cart, quantities={first: 4, second: 3})

    assert dict(cart.lines.values_list("variant_id", "quantity")) == {first.pk: 1, second.pk: 1}
    cart_update(cart=cart, quantities={first: 4, second: 2})
    assert dict(cart.lines.values_list("variant_id", "quantity")) == {first.pk: 4, second.pk: 2}


def test_cart_remove_deletes_the_line():
    [variant] = packs((30, "10.00", 1, None))
    cart = make_cart((variant, 2))

    cart_remove(cart=cart, variant=variant)

    assert cart.lines.count() == 0


def test_cart_merge_adds_quantities_up_to_the_limit_moves_new_lines_and_deletes_the_source():
    shared, only_source, only_target = packs(
        (30, "10.00", 1, None), (90, "25.00", 3, None), (180, "45.00", 6, None)
    )
    source = make_cart((shared, 7), (only_source, 2))
    target = make_cart((shared, 6), (only_target, 1))

    cart_merge(source=source, target=target)

    assert dict(target.lines.values_list("variant_id", "quantity")) == {
        shared.pk: 10,
        only_source.pk: 2,
        only_target.pk: 1,
    }
    assert not Cart.objects.filter(pk=source.pk).exists()


def test_cart_view_lines_price_each_line_from_the_database_and_flag_problems():
    ok, gone, sold_out, over = packs(
        (30, "10.00", 1, None), (60, "18.00", 2, 5), (90, "25.00", 3, 5), (180, "45.00", 6, 5)
    )
    cart = make_cart((ok, 2), (gone, 1), (sold_out, 1), (over, 4))
    Variant.objects.filter(pk=ok.pk).update(price=Decimal("11.50"))
    Variant.objects.filter(pk=gone.pk).update(active=False)
    Variant.objects.filter(pk=sold_out.pk).update(stock=0)
    Variant.objects.filter(pk=over.pk).update(stock=3)

    lines = cart_view_lines(cart)

    assert [(line.variant.pk, line.quantity, line.total, line.problem) for line in lines] == [
        (ok.pk, 2, Decimal("23.00"), ""),
        (gone.pk, 1, Decimal("18.00"), "This pack is no longer sold."),
        (sold_out.pk, 1, Decimal("25.00"), "This pack is sold out."),
        (over.pk, 4, Decimal("180.00"), "Only 3 left: lower the quantity to order this pack."),
    ]
    assert cart_subtotal(lines) == Decimal("246.00")
    assert CartLine.objects.filter(cart=cart).count() == 4  # flagged, not dropped
