"""Signals other apps (affiliates, reviews) listen to; orders import none of them."""

from django.dispatch import Signal

order_paid = Signal()  # order
order_refunded = Signal()  # order: cancelled, or a refund written in its ledger
refund_recorded = Signal()  # refund: a row written in the ledger, with its lines

# Sent by orders.refunds.order_refund: order, amount (Decimal), actor. The payments app gives
# the money back through the provider and answers with its reference (or raises RefundError);
# the ledger then writes the row. Orders cannot import payments, which stands above them.
refund_requested = Signal()
