"""Every write to a cart: one transaction each, quantities from 1 to
CART_MAX_QUANTITY_PER_LINE, prices never stored (the cart is priced when it is shown)."""

from django.conf import settings
from django.db import IntegrityError, transaction

from apothecary.catalog.models import Variant
from apothecary.catalog.pricing import purchase_info

from .models import Cart, CartLine


class CartError(Exception):
    """Something the shopper can fix; the message says what."""


def _label(variant: Variant) -> str:
    return f"{variant.product.title}, {variant.name}"


def _check_quantity(quantity) -> int:
    limit = settings.CART_MAX_QUANTITY_PER_LINE
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise CartError(f"Enter a quantity from 1 to {limit}.")
    if not 1 <= quantity <= limit:
        raise CartError(f"Choose a quantity from 1 to {limit}.")
    return quantity


def _check_purchasable(variant: Variant, quantity: int, *, already: int = 0) -> None:
    """May the cart hold `quantity` of `variant` (of which `already` are in it)?"""
    info = purchase_info(variant)
    if not info.available:
        raise CartError(f"{_label(variant)}: {info.reason}")
    if quantity > info.max_quantity:
        if info.max_quantity < settings.CART_MAX_QUANTITY_PER_LINE:
            left = f"only {info.max_quantity} left"
        else:
            left = f"you can buy at most {info.max_quantity} at a time"
        held = f" and your cart already has {already}" if already else ""
        raise CartError(f"{_label(variant)}: {left}{held}.")


def cart_create(*, user=None) -> Cart:
    """A new cart; a customer's one cart (made by whoever gets there first)."""
    if user is None:
        return Cart.objects.create()
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user)
    except IntegrityError:  # a concurrent request made it
        return Cart.objects.get(user=user)


@transaction.atomic
def cart_add(*, cart: Cart, variant: Variant, quantity: int) -> CartLine:
    """Add `quantity` of `variant`; on top of the line already there, if any."""
    _check_quantity(quantity)
    line = CartLine.objects.select_for_update().filter(cart=cart, variant=variant).first()
    already = line.quantity if line else 0
    _check_purchasable(variant, already + quantity, already=already)
    if line is None:
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    else:
        line.quantity = already + quantity
        line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant: Variant, quantity: int) -> CartLine:
    """Set the quantity of a line already in the cart."""
    _check_quantity(quantity)
    line = CartLine.objects.select_for_update().filter(cart=cart, variant=variant).first()
    if line is None:
        raise CartError("That pack is not in your cart.")
    if quantity != line.quantity:
        # Lowering a quantity is always allowed, so that a flagged line can be fixed.
        if quantity > line.quantity:
            _check_purchasable(variant, quantity)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_update(*, cart: Cart, quantities: dict[Variant, int]) -> None:
    """Set several quantities at once: all of them or, on the first error, none."""
    for variant, quantity in sorted(quantities.items(), key=lambda item: item[0].pk):
        cart_set_quantity(cart=cart, variant=variant, quantity=quantity)


@transaction.atomic
def cart_remove(*, cart: Cart, variant: Variant) -> None:
    deleted, _ = CartLine.objects.filter(cart=cart, variant=variant).delete()
    if not deleted:
        raise CartError("That pack is not in your cart.")


@transaction.atomic
def cart_claim(*, cart: Cart, user) -> Cart:
    """Give an anonymous cart to a customer who has none."""
    Cart.objects.filter(pk=cart.pk, user=None).update(user=user)
    cart.refresh_from_db()
    return cart


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move the lines of `source` into `target` and delete `source`. Quantities of the same
    pack are added, up to the per-line limit; stock is checked when the cart is shown (a line
    over stock is flagged there), so that signing in never fails."""
    if source.pk == target.pk:
        return target
    limit = settings.CART_MAX_QUANTITY_PER_LINE
    existing = {
        line.variant_id: line for line in CartLine.objects.select_for_update().filter(cart=target)
    }
    for line in source.lines.order_by("variant_id"):
        held = existing.get(line.variant_id)
        if held is None:
            CartLine.objects.filter(pk=line.pk).update(cart=target)
        else:
            held.quantity = min(held.quantity + line.quantity, limit)
            held.save(update_fields=["quantity"])
    source.delete()
    return target
