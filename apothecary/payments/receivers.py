"""Receivers of django-payments' signals and of the orders' refund requests. They write in
the sender's transaction."""

from .services import payment_apply_status, payment_refund


def payment_status_changed(sender, instance, **kwargs):
    payment_apply_status(payment=instance)


def refund_requested(sender, order, amount, actor=None, **kwargs):
    """Give the money back through the order's payment; the answer is the provider's
    reference, for the ledger (RefundError when it cannot be done)."""
    return payment_refund(order=order, amount=amount)
