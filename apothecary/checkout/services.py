"""Checkout rules: which shipping rates apply, whether a discount code may be used, the
race-safe redemption of a code, and placing the order."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apothecary.cart.models import Cart
from apothecary.catalog.pricing import PricedLine, purchase_info
from apothecary.catalog.services import stock_take
from apothecary.core.http import Visitor
from apothecary.core.money import format_money
from apothecary.orders.emails import queue_order_email
from apothecary.orders.models import Order, OrderEvent, OrderLine, OrderStatus

from . import signals
from .holds import Holder, holder_hash, unpaid_holds_refusal
from .models import DiscountCode, DiscountRedemption, ShippingRate, ShippingZone
from .pricing import totals_for_address


class CheckoutError(Exception):
    """Something the shopper can fix; the message says what."""


class DiscountError(CheckoutError):
    pass


def zone_for_country(country: str) -> ShippingZone | None:
    country = (country or "").upper()
    for zone in ShippingZone.objects.filter(active=True):
        if country in zone.country_codes():
            return zone
    return None


def rates_for(*, country: str, weight_grams: int) -> list[ShippingRate]:
    zone = zone_for_country(country)
    if zone is None:
        return []
    return [
        r for r in zone.rates.filter(active=True).select_related("zone") if r.fits(weight_grams)
    ]


def discount_find(*, code: str, subtotal: Decimal, email: str, now=None) -> DiscountCode:
    """The usable code, or DiscountError saying exactly why not."""
    text = (code or "").strip().upper()
    discount = DiscountCode.objects.filter(code=text).first()
    if discount is None or not discount.active:
        raise DiscountError(f"The code “{text}” is not valid.")
    now = now or timezone.now()
    if discount.starts_at and now < discount.starts_at:
        raise DiscountError(f"The code “{text}” is not valid yet.")
    if discount.ends_at and now >= discount.ends_at:
        raise DiscountError(f"The code “{text}” has expired.")
    if discount.usage_limit is not None and discount.times_used >= discount.usage_limit:
        raise DiscountError(f"The code “{text}” has been used up.")
    if subtotal < discount.min_subtotal:
        raise DiscountError(
            f"The code “{text}” needs an order of at least {format_money(discount.min_subtotal)}."
        )
    if discount.per_email_limit is not None and email:
        used = DiscountRedemption.objects.filter(code=discount, email__iexact=email).count()
        if used >= discount.per_email_limit:
            raise DiscountError(f"You have already used the code “{text}”.")
    return discount


def discount_redeem(*, discount: DiscountCode, email: str, order) -> None:
    """Count one use in a single conditional UPDATE, so concurrent checkouts can never use a
    code more often than its limit. Call inside the order's transaction."""
    # Lock the code's row first: per-email counts are then checked one checkout at a time.
    DiscountCode.objects.select_for_update().filter(pk=discount.pk).first()
    if discount.per_email_limit is not None:
        used = DiscountRedemption.objects.filter(code=discount, email__iexact=email).count()
        if used >= discount.per_email_limit:
            raise DiscountError(f"You have already used the code “{discount.code}”.")
    updated = (
        DiscountCode.objects.filter(pk=discount.pk, active=True)
        .filter(Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit")))
        .update(times_used=F("times_used") + 1)
    )
    if not updated:
        raise DiscountError(f"The code “{discount.code}” has been used up.")
    DiscountRedemption.objects.create(code=discount, email=email.lower(), order=order)


class SoldOut(CheckoutError):
    pass


class TooManyUnpaidOrders(CheckoutError):
    """The shopper holds as many unpaid orders as they may (checkout.holds)."""


@dataclass
class AddressData:
    name: str
    line1: str
    city: str
    postcode: str
    country: str
    line2: str = ""
    region: str = ""


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
    visitor: Visitor | None = None,
) -> Order:
    """Create the order from the cart and take its stock, all or nothing. The same
    idempotency key returns the order already made, so a double submit makes one order.
    Once a new order is committed, `order_placed` tells other apps, with the `visitor`
    (whose cookies say where they came from). A shopper holding too many unpaid orders is
    refused (TooManyUnpaidOrders, checkout.holds)."""
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    lines = list(cart.lines.select_related("variant__product").order_by("variant_id"))
    if not lines:
        raise CheckoutError("Your cart is empty.")
    visitor = visitor or Visitor()
    holder = Holder(
        email=email.lower(),
        user_id=user.pk if user is not None else None,
        session_hash=holder_hash(str(cart.token)),
        client_ip_hash=holder_hash(visitor.ip),
    )
    if refusal := unpaid_holds_refusal(holder):
        raise TooManyUnpaidOrders(refusal)
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
    totals = totals_for_address(
        lines=priced,
        discount=discount,
        shipping_rate=shipping_rate,
        country=shipping.country,
        region=shipping.region,
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
        tax_rate=totals.tax_rate,
        tax_amount=totals.tax,
        prices_include_tax=totals.prices_include_tax,
        total=totals.total,
        session_hash=holder.session_hash,
        client_ip_hash=holder.client_ip_hash,
    )
    for line, price in zip(lines, priced, strict=True):
        if not stock_take(
            variant_id=line.variant_id,
            quantity=line.quantity,
            actor=user,
            reference=f"order {order.number}",
        ):
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
    queue_order_email(order=order, kind="confirmation")
    transaction.on_commit(
        lambda: signals.order_placed.send(sender=Order, order=order, visitor=visitor)
    )
    return order
