"""Finding the visitor's cart, and reading it with fresh prices and availability."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from apothecary.catalog.models import Variant
from apothecary.catalog.pricing import PricedLine, PurchaseInfo, purchase_info
from apothecary.core.money import ZERO, quantize

from .models import Cart, CartLine
from .services import cart_create

SESSION_KEY = "cart_token"


def session_cart(request) -> Cart | None:
    """The anonymous cart whose token the session holds, if it still exists."""
    session = getattr(request, "session", None)
    raw = session.get(SESSION_KEY) if session is not None else None
    if not raw:
        return None
    try:
        token = uuid.UUID(str(raw))
    except ValueError:
        return None
    return Cart.objects.filter(token=token, user=None).first()


def cart_for_request(request, create: bool = False) -> Cart | None:
    """A signed-in customer's cart, else the session's; with `create`, made when missing."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None and create:
            cart = cart_create(user=user)
        return cart
    cart = session_cart(request)
    if cart is None and create:
        cart = cart_create()
        request.session[SESSION_KEY] = str(cart.token)
    return cart


def cart_count(request) -> int:
    """Units in the visitor's cart, for the header. No query for a visitor without a session."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
    else:
        cart = session_cart(request)
        if cart is None:
            return 0
        lines = cart.lines.all()
    return lines.aggregate(n=Sum("quantity"))["n"] or 0


@dataclass(frozen=True)
class CartViewLine:
    line: CartLine
    variant: Variant
    info: PurchaseInfo
    quantity: int
    total: Decimal
    problem: str = ""  # why this line cannot be ordered as it is, for the shopper

    @property
    def product(self):
        return self.variant.product

    @property
    def unit_price(self) -> Decimal:
        return self.info.unit_price

    @property
    def weight_grams(self) -> int:
        return self.variant.weight_grams * self.quantity

    def priced(self) -> PricedLine:
        return PricedLine(
            self.variant.pk, self.info.unit_price, self.quantity, self.variant.weight_grams
        )


def _problem(info: PurchaseInfo, quantity: int) -> str:
    if not info.available:
        return info.reason
    if quantity > info.max_quantity:
        if info.max_quantity < settings.CART_MAX_QUANTITY_PER_LINE:
            return f"Only {info.max_quantity} left: lower the quantity to order this pack."
        return f"You can buy at most {info.max_quantity} at a time: lower the quantity."
    return ""


def cart_view_lines(cart: Cart | None) -> list[CartViewLine]:
    """Each line with today's price and availability. A line whose pack went out of sale or out
    of stock, or holds more than is left, is flagged with a message, never dropped."""
    if cart is None:
        return []
    lines = CartLine.objects.filter(cart=cart).select_related("variant__product")
    result = []
    for line in lines:
        info = purchase_info(line.variant)
        result.append(
            CartViewLine(
                line=line,
                variant=line.variant,
                info=info,
                quantity=line.quantity,
                total=quantize(info.unit_price * line.quantity),
                problem=_problem(info, line.quantity),
            )
        )
    return result


def cart_subtotal(lines: list[CartViewLine]) -> Decimal:
    return quantize(sum((line.total for line in lines), ZERO))


def cart_weight_grams(lines: list[CartViewLine]) -> int:
    return sum(line.weight_grams for line in lines)
