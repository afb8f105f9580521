"""Unpaid orders hold their stock for the payment window (ORDER_PAYMENT_WINDOW_MINUTES),
then `orders.services.release_expired_orders` puts it back. So that one visitor cannot make
a pack "sold out" for everyone, one email, account or session may hold at most
MAX_UNPAID_ORDERS_PER_CUSTOMER unpaid orders at once, and one IP address at most
MAX_UNPAID_ORDERS_PER_IP. Sessions and addresses are kept on the order as keyed hashes."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apothecary.orders.models import Order, OrderStatus

HOLDER_SALT = "apothecary.checkout.holds"


def holder_hash(value: str) -> str:
    """A keyed hash of a session's cart token or an IP address; "" for no value."""
    return salted_hmac(HOLDER_SALT, value, algorithm="sha256").hexdigest() if value else ""


@dataclass(frozen=True)
class Holder:
    """Who is placing an order, as order_place knows them."""

    email: str
    user_id: int | None = None
    session_hash: str = ""
    client_ip_hash: str = ""

    def same_customer(self, order: dict) -> bool:
        return (
            order["email"] == self.email
            or (self.user_id is not None and order["user_id"] == self.user_id)
            or (bool(self.session_hash) and order["session_hash"] == self.session_hash)
        )


def unpaid_holds_refusal(holder: Holder, *, now=None) -> str:
    """Why this holder may not place another unpaid order now, or "" when they may."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.ORDER_PAYMENT_WINDOW_MINUTES)
    who = Q(email=holder.email)
    if holder.user_id is not None:
        who |= Q(user_id=holder.user_id)
    if holder.session_hash:
        who |= Q(session_hash=holder.session_hash)
    if holder.client_ip_hash:
        who |= Q(client_ip_hash=holder.client_ip_hash)
    held = list(
        Order.objects.filter(who, status=OrderStatus.PENDING_PAYMENT, created_at__gt=now - window)
        .order_by("created_at")
        .values("created_at", "email", "user_id", "session_hash")
    )
    mine = [order for order in held if holder.same_customer(order)]
    cap = settings.MAX_UNPAID_ORDERS_PER_CUSTOMER
    if len(mine) >= cap:
        wait = _minutes_until(mine[len(mine) - cap]["created_at"] + window, now)
        return (
            f"You already have {len(mine)} orders waiting for payment, the most we keep "
            "packs aside for at once. Pay for one of them with the link in its confirmation "
            f"email, or place this order in {wait} when the oldest is released. Your cart and "
            "details are kept."
        )
    if holder.client_ip_hash and len(held) >= settings.MAX_UNPAID_ORDERS_PER_IP:
        wait = _minutes_until(
            held[len(held) - settings.MAX_UNPAID_ORDERS_PER_IP]["created_at"] + window, now
        )
        return (
            "Too many orders placed from your network are waiting for payment. Please try "
            f"again in {wait}, or pay for one of them first. Your cart and details are kept."
        )
    return ""


def _minutes_until(moment, now) -> str:
    minutes = max(1, math.ceil((moment - now).total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
