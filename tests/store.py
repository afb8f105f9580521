"""Builders of store objects for tests: a product with packs, a shipping zone, a cart, an order."""

import uuid
from decimal import Decimal

from wagtail.models import Page

from apothecary.cart.models import Cart, CartLine
from apothecary.catalog.models import ProductIndexPage, ProductPage, Variant
from apothecary.checkout.models import DiscountCode, ShippingRate, ShippingZone
from apothecary.checkout.services import AddressData, order_place


def make_product(*, title="Test Patch", slug=None, variants=((30, "10.00", 1, 50),)) -> ProductPage:
    """A live product under the products index; variants are (patches, price, months, stock)."""
    index = ProductIndexPage.objects.first()
    if index is None:
        home = Page.objects.get(depth=2)
        index = ProductIndexPage(title="Products", slug="test-products")
        home.add_child(instance=index)
        index.save_revision().publish()
    product = ProductPage(
        title=title,
        slug=slug or f"p-{uuid.uuid4().hex[:8]}",
        short_description=f"{title}, for tests.",
    )
    index.add_child(instance=product)
    product.save_revision().publish()
    for n, (patches, price, months, stock) in enumerate(variants):
        Variant.objects.create(
            product=product,
            sku=f"{product.slug}-{patches}".upper(),
            name=f"{patches} patches",
            price=Decimal(price),
            months=months,
            stock=stock,
            weight_grams=20 * months,
            sort_order=n,
        )
    return product


def make_zone(*, countries="US", tax_rate="0", price="5.00", free_above=None) -> ShippingRate:
    zone = ShippingZone.objects.create(
        name=f"Zone {countries}", countries=countries, tax_rate=Decimal(tax_rate)
    )
    return ShippingRate.objects.create(
        zone=zone,
        name="Standard",
        price=Decimal(price),
        free_above_subtotal=Decimal(free_above) if free_above else None,
    )


def make_discount(*, code="SAVE10", kind="percent", value="10", **fields) -> DiscountCode:
    return DiscountCode.objects.create(code=code, kind=kind, value=Decimal(value), **fields)


def make_cart(*lines) -> Cart:
    """lines: (variant, quantity) pairs."""
    cart = Cart.objects.create()
    for variant, quantity in lines:
        CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    return cart


ADDRESS = AddressData(
    name="Ada Reader",
    line1="1 Main St",
    city="Springfield",
    postcode="12345",
    country="US",
    region="IL",
)


def place_order(
    *, cart, rate, email="ada@example.com", discount_code="", key=None, shipping=ADDRESS
):
    return order_place(
        cart=cart,
        email=email,
        shipping=shipping,
        billing=None,
        phone="",
        shipping_rate=rate,
        discount_code=discount_code,
        idempotency_key=key or uuid.uuid4().hex,
    )


def as_buyer(client, *orders):
    """Let `client`'s session see these orders in full, as the session that placed them does
    (apothecary.orders.access); returns the client."""
    from apothecary.orders.access import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = [*session.get(SESSION_KEY, []), *(order.pk for order in orders)]
    session.save()
    return client
