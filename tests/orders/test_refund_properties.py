"""Properties of the refund ledger over random orders and random sequences of refunds and
returns (hypothesis): nothing refunds more than was paid, per line or in all; the ledger sums
to what the payment provider gave back; no sequence leaves a return stuck."""

import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payments import PaymentStatus

from apothecary.core.money import ZERO, quantize
from apothecary.orders.allocation import order_shares, split, units_worth
from apothecary.orders.models import Order, OrderLine, OrderStatus, ReturnStatus
from apothecary.orders.refunds import RefundError, order_refund
from apothecary.orders.returns import ReturnError, return_request_create, return_transition
from apothecary.orders.services import order_deliver, order_ship
from apothecary.payments.services import payment_start

cents = st.integers(min_value=1, max_value=20_000).map(lambda c: Decimal(c) / 100)
line = st.tuples(cents, st.integers(min_value=1, max_value=4))  # unit price, quantity
orders = st.fixed_dictionaries(
    {
        "lines": st.lists(line, min_size=1, max_size=5),
        "discount": st.one_of(
            st.none(),
            st.tuples(st.just("percent"), st.integers(min_value=1, max_value=100)),
            st.tuples(st.just("fixed"), cents),
        ),
        "shipping": st.one_of(st.just(ZERO), cents),
        "tax_rate": st.sampled_from([Decimal(0), Decimal("5.5"), Decimal("8.25"), Decimal(20)]),
        "inclusive": st.booleans(),
    }
)


def totals(spec) -> dict:
    """An order's amounts as checkout computes them (tax added, or included in the prices)."""
    subtotal = sum((price * q for price, q in spec["lines"]), ZERO)
    discount = ZERO
    if spec["discount"]:
        kind, value = spec["discount"]
        off = subtotal * value / 100 if kind == "percent" else value
        discount = min(quantize(off), subtotal)
    goods, rate = subtotal - discount, spec["tax_rate"]
    if spec["inclusive"]:
        tax = quantize((goods + spec["shipping"]) * rate / (100 + rate))
        total = goods + spec["shipping"]
    else:
        tax = quantize((goods + spec["shipping"]) * rate / 100)
        total = goods + spec["shipping"] + tax
    return {
        "subtotal": subtotal,
        "discount_amount": discount,
        "shipping_amount": spec["shipping"],
        "tax_rate": rate,
        "tax_amount": tax,
        "total": total,
        "prices_include_tax": spec["inclusive"],
    }


@given(st.integers(min_value=0, max_value=10_000_000), st.lists(cents, min_size=1, max_size=8))
def test_a_split_adds_up_exactly_and_each_part_is_within_a_cent(total_cents, weights):
    total = Decimal(total_cents) / 100
    parts = split(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / whole) < Decimal("0.01")


@given(orders)
def test_the_lines_and_shipping_add_up_to_the_order_total(spec):
    order = SimpleNamespace(**totals(spec))
    lines = [
        SimpleNamespace(pk=n, quantity=q, line_total=price * q)
        for n, (price, q) in enumerate(spec["lines"])
    ]
    shares = order_shares(order, lines)
    assert sum(s.paid for s in shares.lines.values()) + shares.shipping_paid == order.total
    assert sum(s.tax for s in shares.lines.values()) + shares.shipping_tax == order.tax_amount
    for share in shares.lines.values():
        assert share.paid >= 0
        # Refunding a line's units one by one comes to what the line was paid.
        steps = [share.worth(n, 1)[0] for n in range(share.quantity)]
        assert sum(steps) == share.paid and min(steps) >= 0


@given(
    st.integers(min_value=0, max_value=100_000).map(lambda c: Decimal(c) / 100), st.integers(1, 9)
)
def test_more_units_are_never_worth_less(amount, quantity):
    worth = [units_worth(amount, quantity, n) for n in range(quantity + 1)]
    assert worth == sorted(worth) and worth[0] == 0 and worth[-1] == amount


def make_paid_order(spec) -> Order:
    order = Order.objects.create(
        idempotency_key=uuid.uuid4().hex,
        email="prop@example.com",
        shipping_name="Prop Erty",
        shipping_line1="1 Main St",
        shipping_city="Springfield",
        shipping_postcode="12345",
        shipping_country="US",
        currency="USD",
        shipping_method="Standard",
        **totals(spec),
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product_title=f"Patch {n}",
            variant_name="30 patches",
            sku=f"P-{n}",
            unit_price=price,
            quantity=q,
            line_total=price * q,
        )
        for n, (price, q) in enumerate(spec["lines"])
    )
    payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


steps = st.lists(
    st.one_of(
        st.tuples(st.just("units"), st.integers(0, 4), st.integers(1, 4), st.booleans()),
        st.tuples(st.just("amount"), cents),
        st.tuples(st.just("return"), st.integers(0, 4), st.integers(1, 4)),
        st.tuples(st.just("shipping")),
    ),
    min_size=1,
    max_size=6,
)


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=orders, plan=steps)
def test_no_sequence_of_refunds_and_returns_refunds_too_much_or_leaves_a_return_stuck(spec, plan):
    try:
        with transaction.atomic():
            run(spec, plan)
            raise Rollback
    except Rollback:
        pass


def run(spec, plan) -> None:
    order = make_paid_order(spec)
    lines = list(order.lines.order_by("pk"))
    shares = order_shares(order, lines)
    order_ship(order=order, carrier="USPS", tracking_number="1")
    order_deliver(order=order)
    for step in plan:
        before = order.refunds.count()
        try:
            if step[0] == "units":
                _, n, k, restock = step
                order_refund(order=order, quantities={lines[n % len(lines)].pk: k}, restock=restock)
            elif step[0] == "amount":
                order_refund(order=order, amount=step[1])
            elif step[0] == "shipping":
                order_refund(order=order, shipping=True)
            else:
                _, n, k = step
                request = return_request_create(
                    order=order, quantities={lines[n % len(lines)].pk: k}, reason="Prop"
                )
                for to in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.REFUNDED):
                    return_transition(request=request, to=to)
                request.refresh_from_db()
                assert request.status == ReturnStatus.REFUNDED  # never stuck
        except (RefundError, ReturnError):
            assert order.refunds.count() == before  # a refusal changes nothing
        check(order, shares)


def check(order, shares) -> None:
    order.refresh_from_db()
    ledger = sum((r.amount for r in order.refunds.all()), ZERO)
    payment = order.payments.get()
    assert ledger == order.refunded_amount <= order.total
    assert payment.total - Decimal(payment.captured_amount) == ledger  # what the provider gave
    for line in order.lines.all():
        given_back = sum((r.amount for r in line.refunds.all()), ZERO)
        assert given_back <= shares.lines[line.pk].paid
        assert line.refunded_quantity <= line.quantity
    expected = OrderStatus.REFUNDED if ledger == order.total else OrderStatus.PARTIALLY_REFUNDED
    assert order.status == (expected if ledger else OrderStatus.DELIVERED)
