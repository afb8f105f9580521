"""Orders and customer accounts: a guest's earlier orders join the account once its owner
confirms the address they were placed with (allauth's email_confirmed signal), and the
addresses an account's orders were sent to (the account page's list; there is no address
book, so these are the addresses that exist)."""

import logging

from django.db import transaction

from .models import Order

logger = logging.getLogger(__name__)


def attach_guest_orders(*, user, email: str) -> int:
    """Give `user` the orders placed as a guest with `email` (any case); orders of another
    account are never moved. Returns how many joined."""
    with transaction.atomic():
        joined = Order.objects.filter(user__isnull=True, email__iexact=email.strip()).update(
            user=user
        )
    if joined:
        logger.info("%s guest order(s) joined the account of user %s", joined, user.pk)
    return joined


def email_confirmed_receiver(sender, request=None, email_address=None, **kwargs):
    if email_address is not None and email_address.user_id:
        attach_guest_orders(user=email_address.user, email=email_address.email)


def used_addresses(orders) -> list[dict]:
    """The distinct shipping addresses of `orders`, newest use first."""
    seen, addresses = set(), []
    for order in sorted(orders, key=lambda o: o.created_at, reverse=True):
        address = {
            "name": order.shipping_name,
            "line1": order.shipping_line1,
            "line2": order.shipping_line2,
            "city": order.shipping_city,
            "region": order.shipping_region,
            "postcode": order.shipping_postcode,
            "country": order.shipping_country,
        }
        key = tuple(str(value).strip().lower() for value in address.values())
        if key not in seen:
            seen.add(key)
            addresses.append(address)
    return addresses
