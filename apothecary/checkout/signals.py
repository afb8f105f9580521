"""Signals other apps (affiliates) listen to; checkout imports none of them."""

from django.dispatch import Signal

# Sent by the checkout view once an order is placed: order, request. The request is what
# says where the shopper came from (a referral cookie, their IP); receivers must be idempotent,
# since a double submit sends it again for the same order.
order_placed = Signal()
