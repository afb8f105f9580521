"""The demo's orders: one pack each, bought the way a shopper buys it (a cart, then
`checkout.services.order_place`), paid, shipped and delivered through the orders services,
so that each has the history `order_transition` writes. The buyers are the reviewers of
reviews.toml; where their parcels go is its [buyers] table."""

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from apothecary.cart.services import cart_add, cart_create
from apothecary.catalog.models import Variant
from apothecary.catalog.services import stock_adjust
from apothecary.checkout.services import AddressData, order_place, rates_for
from apothecary.orders.models import Order, OrderLine, OrderStatus
from apothecary.orders.services import order_deliver, order_mark_paid, order_ship

from .quiet import quietly

# The idempotency keys of the demo's orders start with this.
ORDER_KEY_PREFIX = "demo-"
# How long after the order each step came: placed, then paid, shipped, and delivered at the
# time the caller gives.
PAID_AFTER = timedelta(minutes=3)
SHIPPED_AFTER = timedelta(days=1)
DELIVERED_AFTER = timedelta(days=6)


@dataclass(frozen=True)
class Buyer:
    name: str
    email: str
    country: str


def _cheapest_rate(country: str, variant: Variant):
    rates = rates_for(country=country, weight_grams=variant.weight_grams)
    return min(rates, key=lambda rate: rate.price, default=None)


def _backdate(order: Order, *, delivered_at: datetime) -> None:
    """The services stamp every step with the time they run; a demo order was delivered
    weeks ago, so its times (and its history's) are moved back once the services have run.
    (Tests move the clock with freezegun; the demo may not depend on a test tool.)"""
    placed = delivered_at - DELIVERED_AFTER
    stamps = {
        OrderStatus.PENDING_PAYMENT: placed,
        OrderStatus.PAID: placed + PAID_AFTER,
        OrderStatus.SHIPPED: placed + SHIPPED_AFTER,
        OrderStatus.DELIVERED: delivered_at,
    }
    Order.objects.filter(pk=order.pk).update(
        created_at=placed,
        paid_at=stamps[OrderStatus.PAID],
        shipped_at=stamps[OrderStatus.SHIPPED],
        delivered_at=delivered_at,
    )
    for status, at in stamps.items():
        order.events.filter(to_status=status).update(created_at=at)
    order.refresh_from_db()


def demo_order(
    *, key: str, buyer: Buyer, variant: Variant, delivered_at: datetime, parcels: dict
) -> OrderLine | None:
    """The line of a delivered order of one `variant` pack for `buyer`, made once: `key` is the
    order's idempotency key, so asking again returns the order already made. None when
    nothing ships to the buyer's country. `parcels` is reviews.toml's [buyers] table."""
    existing = Order.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing.lines.first()
    rate = _cheapest_rate(buyer.country, variant)
    if rate is None:
        return None
    with quietly():
        cart = cart_create()
        cart_add(cart=cart, variant=variant, quantity=1)
        order = order_place(
            cart=cart,
            email=buyer.email,
            shipping=AddressData(
                name=buyer.name,
                line1=parcels["line1"],
                city=parcels["city"],
                postcode=parcels["postcode"],
                country=buyer.country,
            ),
            billing=None,
            phone="",
            shipping_rate=rate,
            discount_code="",
            idempotency_key=key,
        )
        # A shopper's emptied cart stays with their session; the demo buyer has none.
        cart.delete()
        # The order took its pack from the shelf weeks ago; the shelf has been restocked
        # since, so the packs keep the stock store.toml gives them.
        stock_adjust(
            variant_id=variant.pk,
            change=1,
            reason=f"Restocked after demo order {order.number}",
        )
        order_mark_paid(order=order)
        carrier = parcels["us_carrier"] if buyer.country == "US" else parcels["carrier"]
        order_ship(
            order=order,
            carrier=carrier,
            tracking_number=f"DEMO{zlib.crc32(key.encode()) % 10**8:08d}",
        )
        order_deliver(order=order)
    _backdate(order, delivered_at=delivered_at)
    return order.lines.get()
