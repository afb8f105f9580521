"""Properties of the price computation, for any cart, discount, shipping rate and tax rate."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apothecary.checkout.models import DiscountCode, ShippingRate
from apothecary.checkout.pricing import PricedLine, compute_totals, included_tax
from apothecary.core.money import ZERO, quantize

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999.99"), places=2)
lines = st.lists(
    st.builds(
        PricedLine, variant_id=st.integers(1, 1000), unit_price=money, quantity=st.integers(1, 10)
    ),
    min_size=1,
    max_size=8,
)
discounts = st.one_of(
    st.none(),
    st.builds(
        DiscountCode,
        kind=st.just("percent"),
        value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
    ),
    st.builds(
        DiscountCode,
        kind=st.just("fixed"),
        value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2),
    ),
)
rates = st.one_of(
    st.none(), st.builds(ShippingRate, price=money, free_above_subtotal=st.one_of(st.none(), money))
)
tax_rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=2)


def two_places(amount: Decimal) -> bool:
    return amount.as_tuple().exponent == -2


@given(lines=lines, discount=discounts, rate=rates, tax_rate=tax_rates)
def test_total_is_goods_minus_discount_plus_shipping_plus_tax(lines, discount, rate, tax_rate):
    totals = compute_totals(lines=lines, discount=discount, shipping_rate=rate, tax_rate=tax_rate)

    assert totals.total == totals.subtotal - totals.discount + totals.shipping + totals.tax
    assert totals.subtotal == sum(line.total for line in lines)


@given(lines=lines, discount=discounts, rate=rates, tax_rate=tax_rates)
def test_no_amount_is_negative_and_every_amount_has_two_decimals(lines, discount, rate, tax_rate):
    totals = compute_totals(lines=lines, discount=discount, shipping_rate=rate, tax_rate=tax_rate)

    for amount in (totals.subtotal, totals.discount, totals.shipping, totals.tax, totals.total):
        assert amount >= 0
        assert two_places(amount), amount
    assert totals.discount <= totals.subtotal


@given(lines=lines, discount=discounts, rate=rates, tax_rate=tax_rates, data=st.data())
def test_the_order_of_lines_does_not_change_the_price(lines, discount, rate, tax_rate, data):
    shuffled = data.draw(st.permutations(lines))

    assert compute_totals(
        lines=lines, discount=discount, shipping_rate=rate, tax_rate=tax_rate
    ) == compute_totals(lines=shuffled, discount=discount, shipping_rate=rate, tax_rate=tax_rate)


def test_worked_example_with_every_part():
    lines = [PricedLine(1, Decimal("19.95"), 2), PricedLine(2, Decimal("49.95"), 1)]
    discount = DiscountCode(kind="percent", value=Decimal("10"))
    rate = ShippingRate(price=Decimal("4.95"), free_above_subtotal=Decimal("100.00"))

    totals = compute_totals(
        lines=lines, discount=discount, shipping_rate=rate, tax_rate=Decimal("5")
    )

    assert totals.subtotal == Decimal("89.85")
    assert totals.discount == Decimal("8.99")  # 8.985 rounds half up
    assert totals.shipping == Decimal("4.95")  # 80.86 of goods is below the free threshold
    assert totals.tax == Decimal("4.29")  # 5 % of 85.81 = 4.2905
    assert totals.total == Decimal("90.10")


def test_shipping_is_free_from_the_threshold_after_discount():
    rate = ShippingRate(price=Decimal("4.95"), free_above_subtotal=Decimal("40.00"))
    at = compute_totals(lines=[PricedLine(1, Decimal("40.00"), 1)], shipping_rate=rate)
    below = compute_totals(
        lines=[PricedLine(1, Decimal("44.00"), 1)],
        shipping_rate=rate,
        discount=DiscountCode(kind="fixed", value=Decimal("4.01")),
    )

    assert at.shipping == Decimal("0.00")
    assert below.shipping == Decimal("4.95")


@given(lines=lines, discount=discounts, rate=rates, tax_rate=tax_rates, inclusive=st.booleans())
def test_the_total_adds_the_tax_only_when_prices_exclude_it(
    lines, discount, rate, tax_rate, inclusive
):
    totals = compute_totals(
        lines=lines,
        discount=discount,
        shipping_rate=rate,
        tax_rate=tax_rate,
        prices_include_tax=inclusive,
    )

    goods_and_shipping = totals.subtotal - totals.discount + totals.shipping
    added = ZERO if inclusive else totals.tax
    assert totals.total == goods_and_shipping + added
    assert (totals.tax_rate, totals.prices_include_tax) == (tax_rate, inclusive)
    assert ZERO <= totals.tax <= totals.total
    assert two_places(totals.tax) and two_places(totals.total)


@given(lines=lines, discount=discounts, rate=rates, tax_rate=tax_rates)
def test_the_included_tax_is_the_part_of_the_total_the_rate_adds_to_the_net(
    lines, discount, rate, tax_rate
):
    totals = compute_totals(
        lines=lines,
        discount=discount,
        shipping_rate=rate,
        tax_rate=tax_rate,
        prices_include_tax=True,
    )

    net = totals.total - totals.tax
    # tax is rounded once, so the net with the rate put back is the total within a cent
    assert abs(quantize(net * (100 + tax_rate) / 100) - totals.total) <= Decimal("0.01")
    assert totals.tax == included_tax(totals.total, tax_rate)
