"""Every write to an order: placing it, and each change of its status."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apothecary.cart.models import Cart
from apothecary.catalog.pricing import purchase_info
from apothecary.catalog.services import stock_release, stock_take
from apothecary.checkout.pricing import PricedLine, compute_totals
from apothecary.checkout.services import CheckoutError, discount_find, discount_redeem

from . import signals
from .models import ALLOWED_TRANSITIONS, Order, OrderEvent, OrderLine, OrderStatus

logger = logging.getLogger(__name__)


class InvalidTransition(Exception):
    pass


class SoldOut(CheckoutError):
    pass


@dataclass
class AddressData:
    name: str
    line1: str
    city: str
    postcode: str
    country: str
    line2: str = ""
    region: str = ""


def _queue_email(order: Order, kind: str) -> None:
    from .emails import send_order_email

    # robust: a mail server that is down must not turn a placed order into an error page.
    transaction.on_commit(
        lambda: send_order_email.enqueue(order_id=order.pk, kind=kind), robust=True
    )


def order_transition(
    *, order: Order, to: str, actor=None, actor_label: str = "", message: str = "", **fields
) -> Order:
    """Move an order to `to`: lock its row, check the transitions table, set the fields given,
    write the history, queue the email. An invalid move raises InvalidTransition."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if to not in ALLOWED_TRANSITIONS[locked.status]:
            raise InvalidTransition(
                f"Order {locked.number} cannot go from {locked.get_status_display()} "
                f"to {OrderStatus(to).label}."
            )
        if to == OrderStatus.SHIPPED and locked.shipped_at is not None:
            raise InvalidTransition(f"Order {locked.number} has already been shipped.")
        if to == OrderStatus.DELIVERED and (locked.shipped_at is None or locked.delivered_at):
            raise InvalidTransition(f"Order {locked.number} must be shipped, and not yet "
                                    "delivered, to be marked delivered.")
        from_status = locked.status
        locked.status = to
        now = timezone.now()
        stamp = {
            OrderStatus.PAID: "paid_at",
            OrderStatus.SHIPPED: "shipped_at",
            OrderStatus.DELIVERED: "delivered_at",
            OrderStatus.CANCELLED: "cancelled_at",
        }
        if to in stamp:
            setattr(locked, stamp[to], now)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        OrderEvent.objects.create(
            order=locked,
            from_status=from_status,
            to_status=to,
            actor=actor,
            actor_label=actor_label,
            message=message[:500],
        )
        if to == OrderStatus.CANCELLED or (to == OrderStatus.REFUNDED and not locked.shipped_at):
            _release_order_stock(locked)  # nothing left the warehouse: the units are back
        email = {
            OrderStatus.PAID: "paid",
            OrderStatus.SHIPPED: "shipped",
            OrderStatus.CANCELLED: "cancelled",
            OrderStatus.REFUNDED: "refunded",
            OrderStatus.PARTIALLY_REFUNDED: "refunded",
        }.get(to)
        if email:
            _queue_email(locked, email)
        if to == OrderStatus.PAID:
            signals.order_paid.send(sender=Order, order=locked)
        elif to in (OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.CANCELLED):
            signals.order_refunded.send(sender=Order, order=locked)
    order.refresh_from_db()
    return order


def _release_order_stock(order: Order) -> None:
    if order.stock_released:
        return
    for line in order.lines.exclude(variant=None).order_by("variant_id"):
        stock_release(variant_id=line.variant_id, quantity=line.quantity)
    Order.objects.filter(pk=order.pk).update(stock_released=True)
    order.stock_released = True


@transaction.atomic
def order_place(
    *,
    cart: Cart,
    email: str,
    shipping: AddressData,
    billing: AddressData | None,
    phone: str,
    shipping_rate,
    discount_code: str,
    idempotency_key: str,
    user=None,
) -> Order:
    """Create the order from the cart and take its stock, all or nothing. The same
    idempotency key returns the order already made, so a double submit makes one order."""
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    lines = list(cart.lines.select_related("variant__product").order_by("variant_id"))
    if not lines:
        raise CheckoutError("Your cart is empty.")
    priced = []
    for line in lines:
        info = purchase_info(line.variant)
        if not info.permits(line.quantity):
            raise SoldOut(
                f"{line.variant.product.title}, {line.variant.name}: "
                f"{info.reason or f'only {info.max_quantity} left.'}"
            )
        priced.append(
            PricedLine(line.variant_id, info.unit_price, line.quantity, line.variant.weight_grams)
        )
    discount = None
    subtotal = sum((p.total for p in priced), Decimal("0"))
    if discount_code:
        discount = discount_find(code=discount_code, subtotal=subtotal, email=email)
    zone = shipping_rate.zone
    if shipping.country.upper() not in zone.country_codes():
        raise CheckoutError("That shipping method does not deliver to your country.")
    totals = compute_totals(
        lines=priced, discount=discount, shipping_rate=shipping_rate, tax_rate=zone.tax_rate
    )
    billing = billing or shipping
    order = Order.objects.create(
        idempotency_key=idempotency_key,
        email=email.lower(),
        user=user,
        shipping_name=shipping.name,
        shipping_line1=shipping.line1,
        shipping_line2=shipping.line2,
        shipping_city=shipping.city,
        shipping_region=shipping.region,
        shipping_postcode=shipping.postcode,
        shipping_country=shipping.country.upper(),
        phone=phone,
        billing_same_as_shipping=billing is shipping,
        billing_name=billing.name,
        billing_line1=billing.line1,
        billing_line2=billing.line2,
        billing_city=billing.city,
        billing_region=billing.region,
        billing_postcode=billing.postcode,
        billing_country=billing.country.upper(),
        currency=settings.STORE_CURRENCY,
        shipping_method=shipping_rate.name,
        subtotal=totals.subtotal,
        discount_code=discount.code if discount else "",
        discount_amount=totals.discount,
        shipping_amount=totals.shipping,
        tax_rate=zone.tax_rate,
        tax_amount=totals.tax,
        total=totals.total,
    )
    for line, price in zip(lines, priced, strict=True):
        if not stock_take(variant_id=line.variant_id, quantity=line.quantity):
            raise SoldOut(
                f"{line.variant.product.title}, {line.variant.name} sold out "
                "while you were checking out."
            )
        OrderLine.objects.create(
            order=order,
            variant=line.variant,
            product_title=line.variant.product.title,
            variant_name=line.variant.name,
            sku=line.variant.sku,
            unit_price=price.unit_price,
            quantity=line.quantity,
            line_total=price.total,
        )
    if discount is not None:
        discount_redeem(discount=discount, email=email, order=order)
    OrderEvent.objects.create(
        order=order,
        to_status=OrderStatus.PENDING_PAYMENT,
        actor=user,
        actor_label="" if user else "customer",
        message="Order placed",
    )
    cart.lines.all().delete()
    _queue_email(order, "confirmation")
    return order


def order_mark_paid(*, order: Order, actor_label: str = "payment provider") -> Order:
    """Payment confirmed. Applying it twice changes nothing the second time."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return order
    try:
        return order_transition(
            order=order, to=OrderStatus.PAID, actor_label=actor_label, message="Payment received"
        )
    except InvalidTransition:  # a concurrent delivery got there first
        order.refresh_from_db()
        return order


def order_ship(
    *, order: Order, carrier: str, tracking_number: str, tracking_url: str = "", actor=None
) -> Order:
    return order_transition(
        order=order,
        to=OrderStatus.SHIPPED,
        actor=actor,
        message=f"Shipped with {carrier}, tracking {tracking_number}",
        carrier=carrier,
        tracking_number=tracking_number,
        tracking_url=tracking_url,
    )


def order_deliver(*, order: Order, actor=None) -> Order:
    return order_transition(order=order, to=OrderStatus.DELIVERED, actor=actor, message="Delivered")


def order_cancel(*, order: Order, actor=None, actor_label: str = "", reason: str = "") -> Order:
    """Cancel and put the stock back."""
    return order_transition(
        order=order,
        to=OrderStatus.CANCELLED,
        actor=actor,
        actor_label=actor_label,
        message=reason or "Cancelled",
    )


def release_expired_orders(*, older_than: timedelta | None = None, now=None) -> int:
    """Cancel unpaid orders older than the payment window and release their stock."""
    window = older_than or timedelta(minutes=settings.ORDER_PAYMENT_WINDOW_MINUTES)
    cutoff = (now or timezone.now()) - window
    count = 0
    for order in Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, created_at__lt=cutoff):
        try:
            order_cancel(
                order=order, actor_label="system", reason="Not paid in time; the stock was released"
            )
            count += 1
        except InvalidTransition:
            logger.info("order %s was paid or cancelled meanwhile", order.number)
    return count
