"""Signals other apps (affiliates, reviews) listen to; orders import none of them."""

from django.dispatch import Signal

order_paid = Signal()  # order
order_refunded = Signal()  # order: cancelled, refunded in full or in part
