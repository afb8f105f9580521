"""Signals other apps (affiliates) listen to; checkout imports none of them."""

from django.dispatch import Signal

# Sent by checkout.services.order_place once the order's transaction has committed, for a new
# order only: order, visitor (a core.http.Visitor: the shopper's IP, cookies and site, which
# say where they came from). A receiver that fails must not fail the checkout: receivers
# catch and log their own errors.
order_placed = Signal()
