"""Orders for back-office tests: to any address, moved along by the orders services."""

import uuid

from payments import PaymentStatus

from apothecary.checkout.services import AddressData
from apothecary.checkout.services import order_place as _order_place
from apothecary.orders.models import Order
from apothecary.orders.services import order_deliver, order_mark_paid, order_ship
from apothecary.payments.models import Payment
from apothecary.payments.services import payment_start
from tests.store import make_cart, make_product, make_zone


def make_store(*, countries="US, GB, DE", stock=50):
    """One product with a 10.00 pack, and a 5.00 rate to `countries`, no tax."""
    product = make_product(title="Back Office Patch", variants=((30, "10.00", 1, stock),))
    rate = make_zone(countries=countries, price="5.00")
    return product.variants.get(), rate


def make_order(
    variant,
    rate,
    *,
    quantity=1,
    email="ada@example.com",
    name="Ada Reader",
    country="US",
    city="Springfield",
) -> Order:
    address = AddressData(
        name=name, line1="1 Main St", city=city, postcode="12345", country=country, region=""
    )
    return _order_place(
        cart=make_cart((variant, quantity)),
        email=email,
        shipping=address,
        billing=None,
        phone="",
        shipping_rate=rate,
        discount_code="",
        idempotency_key=uuid.uuid4().hex,
    )


def paid(order: Order, *, with_payment=False) -> Order:
    """Paid, by a confirmed dummy payment when `with_payment` (so it can be refunded)."""
    if with_payment:
        # Read back: a just-created Payment holds its default captured_amount as the string
        # "0.0", which payment_apply_status takes for an amount already captured.
        payment = Payment.objects.get(pk=payment_start(order=order).pk)
        payment.change_status(PaymentStatus.CONFIRMED)
        order.refresh_from_db()
        return order
    return order_mark_paid(order=order)


def shipped(order: Order) -> Order:
    return order_ship(order=paid(order), carrier="USPS", tracking_number="9400 1000")


def delivered(order: Order) -> Order:
    return order_deliver(order=shipped(order))
