"""Signals other apps (affiliates, reviews) listen to; orders import none of them."""

from django.dispatch import Signal

order_paid = Signal()  # order
order_refunded = Signal()  # order: cancelled, refunded in full or in part

# Sent by orders.refunds.order_refund: order, amount (Decimal), actor. The payments app gives
# the money back through the provider and records it on the order (or raises RefundError);
# orders cannot import payments, which stands above them.
refund_requested = Signal()
