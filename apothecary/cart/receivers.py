"""Reactions of the cart to other apps' events (connected in CartConfig.ready)."""

from .models import Cart
from .selectors import SESSION_KEY, session_cart
from .services import cart_claim, cart_merge


def merge_session_cart(sender, request, user, **kwargs):
    """On sign-in, the cart made before it joins the customer's own cart."""
    if request is None or not hasattr(request, "session"):
        return
    source = session_cart(request)
    request.session.pop(SESSION_KEY, None)
    if source is None:
        return
    target = Cart.objects.filter(user=user).first()
    if target is None:
        cart_claim(cart=source, user=user)
    else:
        cart_merge(source=source, target=target)
