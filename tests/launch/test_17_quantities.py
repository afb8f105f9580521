"""Launch test 17, quantities: -1, 0, 1.5, "1e9", 2**31, more than is in stock and more than the
most one order may hold of a pack (CART_MAX_QUANTITY_PER_LINE, 10) are refused with a message
and a 400, never a 500, by the real views: adding to the cart (as a form and as JSON) and
changing the cart. And, for any sequence of cart operations, the cart's totals stay sound:
total >= 0, total == sum(price x quantity) - discount, and the discount <= the subtotal."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apothecary.cart.models import Cart, CartLine
from apothecary.cart.selectors import cart_view_lines
from apothecary.cart.services import CartError, cart_add, cart_remove, cart_set_quantity
from apothecary.checkout.models import DiscountCode
from apothecary.checkout.pricing import totals_for_address
from tests.launch.shop import ORIGIN, Shopper, only_zone, page_text
from tests.store import make_product

pytestmark = pytest.mark.django_db

BAD = {
    "-1": "Choose a quantity from 1 to 10.",
    "0": "Choose a quantity from 1 to 10.",
    "1.5": "Enter a quantity from 1 to 10, as a whole number.",
    "1e9": "Enter a quantity from 1 to 10, as a whole number.",
    str(2**31): "Choose a quantity from 1 to 10.",
    "11": "Choose a quantity from 1 to 10.",  # more than one order may hold
    "": "Enter a quantity from 1 to 10.",
    "ten": "Enter a quantity from 1 to 10, as a whole number.",
}


@pytest.fixture
def variant():
    """A pack with 6 left: more than 6 is more than is in stock."""
    return make_product(variants=((30, "19.95", 1, 6),)).variants.get()


@pytest.mark.parametrize("quantity", sorted(BAD))
def test_a_bad_quantity_added_to_the_cart_is_refused_with_a_message(variant, quantity):
    shopper = Shopper(1)

    response = shopper.add(variant, quantity)
    as_json = shopper.client.post(
        "/cart/add/",
        {"variant": variant.pk, "quantity": quantity},
        headers={"Origin": ORIGIN, "Accept": "application/json"},
    )

    assert response.status_code == 400
    assert BAD[quantity] in page_text(response)
    assert (as_json.status_code, as_json.json()) == (400, {"error": BAD[quantity]})
    assert not CartLine.objects.filter(variant=variant).exists()


@pytest.mark.parametrize("quantity", sorted(BAD))
def test_a_bad_quantity_set_in_the_cart_is_refused_and_changes_nothing(variant, quantity):
    shopper = Shopper(1)
    assert shopper.add(variant, 2).status_code == 302

    response = shopper.client.post("/cart/", {f"quantity-{variant.pk}": quantity})

    assert response.status_code == 400
    assert BAD[quantity] in page_text(response)
    assert CartLine.objects.get(variant=variant).quantity == 2


def test_more_than_is_in_stock_is_refused_with_what_is_left(variant):
    shopper = Shopper(1)

    added = shopper.add(variant, 7)
    shopper.add(variant, 5)
    on_top = shopper.add(variant, 2)  # 5 + 2 > 6
    changed = shopper.client.post("/cart/", {f"quantity-{variant.pk}": "7"})

    for response in (added, on_top, changed):
        assert response.status_code == 400
        assert "only 6 left" in page_text(response)
    assert CartLine.objects.get(variant=variant).quantity == 5


def test_a_quantity_for_a_pack_that_does_not_exist_is_refused(variant):
    response = Shopper(1).add(type(variant)(pk=2**62), 1)

    assert response.status_code == 400


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "set", "remove"]),
        st.integers(0, 2),  # which pack
        st.one_of(st.integers(-3, 14), st.just(2**31), st.floats(0, 3), st.text(max_size=3)),
    ),
    max_size=12,
)
DISCOUNTS = st.one_of(
    st.none(),
    st.builds(
        lambda value: DiscountCode(kind="percent", value=value),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
    ),
    st.builds(
        lambda value: DiscountCode(kind="fixed", value=value),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2),
    ),
)


@pytest.fixture
def shelf():
    packs = [
        make_product(title=f"Pack {n}", variants=((30, price, 1, stock),)).variants.get()
        for n, (price, stock) in enumerate([("19.95", 8), ("7.10", None), ("0.99", 3)])
    ]
    return packs, only_zone(price="0.00", tax_rate="0")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS, discount=DISCOUNTS)
def test_any_sequence_of_cart_operations_keeps_the_totals_sound(shelf, operations, discount):
    packs, rate = shelf
    cart = Cart.objects.create()
    for action, which, quantity in operations:
        variant = packs[which]
        try:
            if action == "add":
                cart_add(cart=cart, variant=variant, quantity=quantity)
            elif action == "set":
                cart_set_quantity(cart=cart, variant=variant, quantity=quantity)
            else:
                cart_remove(cart=cart, variant=variant)
        except CartError:
            pass  # refused with a message: the cart is as it was

    lines = cart_view_lines(cart)
    totals = totals_for_address(
        lines=[line.priced() for line in lines],
        discount=discount,
        shipping_rate=rate,
        country="US",
        region="IL",
    )

    for line in lines:
        assert 1 <= line.quantity <= 10
        assert line.variant.stock is None or line.quantity <= line.variant.stock
    goods = sum((line.variant.price * line.quantity for line in lines), Decimal("0"))
    assert totals.subtotal == goods
    assert 0 <= totals.discount <= totals.subtotal
    assert totals.total >= 0
    assert totals.total == goods - totals.discount
    cart.delete()
