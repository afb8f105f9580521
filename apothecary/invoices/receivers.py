"""Invoices follow the orders' signals, inside the paying or refunding transaction.

Each runs in its own savepoint: a failure is logged and rolled back alone (its number with
it, so the series keeps no gap) and never refuses a payment or a refund; `invoice_issue`
and `credit_note_issue` can be called again later: a refund issues a missing invoice first."""

import logging

from django.dispatch import receiver

from apothecary.orders.signals import order_paid, refund_recorded

from . import services

logger = logging.getLogger(__name__)


@receiver(order_paid, dispatch_uid="invoices.invoice_issue")
def issue_invoice(sender, order, **kwargs):
    try:
        services.invoice_issue(order=order)
    except Exception:  # an invoice error must not fail the payment
        logger.exception("invoice not issued for order %s", order.number)


@receiver(refund_recorded, dispatch_uid="invoices.credit_note_issue")
def issue_credit_note(sender, refund, **kwargs):
    try:
        services.credit_note_issue(refund=refund)
    except Exception:  # a credit note error must not fail the refund
        logger.exception("credit note not issued for refund %s", refund.pk)
