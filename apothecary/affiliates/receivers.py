"""The affiliate program's reactions to checkout, orders and sign-ins.

They run inside the sender's transaction (the order's, the payment's), each in its own
savepoint: an affiliate error is logged and rolled back alone, and never breaks a checkout,
a payment or a sign-in. Tests assert the effects (referrals, commissions), so a receiver
that fails shows there as missing data, with the logged traceback."""

import logging

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from apothecary.checkout.signals import order_placed
from apothecary.orders.signals import order_paid, order_refunded

from . import referrals, services
from .models import Affiliate

logger = logging.getLogger(__name__)


@receiver(order_placed, dispatch_uid="affiliates.referral_attach")
def attach_referral(sender, order, visitor, **kwargs):
    try:
        with transaction.atomic():
            referrals.referral_attach(order=order, visitor=visitor)
    except Exception:  # an affiliate error must not fail the checkout
        logger.exception("referral not attached to order %s", order.number)


@receiver(order_paid, dispatch_uid="affiliates.commission_create")
def create_commission(sender, order, **kwargs):
    try:
        with transaction.atomic():
            services.commission_create(order=order)
    except Exception:  # an affiliate error must not fail the payment
        logger.exception("commission not created for order %s", order.number)


@receiver(order_refunded, dispatch_uid="affiliates.commission_adjust_for_refund")
def adjust_commission(sender, order, **kwargs):
    try:
        with transaction.atomic():
            services.commission_adjust_for_refund(order=order)
    except Exception:  # an affiliate error must not fail the refund
        logger.exception("commission not adjusted for the refund of order %s", order.number)


@receiver(user_logged_in, dispatch_uid="affiliates.affiliate_login_seen")
def remember_login_ip(sender, request, user, **kwargs):
    if request is None:
        return
    affiliate = Affiliate.objects.filter(user=user).first()
    if affiliate is None:
        return
    try:
        with transaction.atomic():
            referrals.affiliate_login_seen(affiliate=affiliate, request=request)
    except Exception:  # an affiliate error must not fail the sign-in
        logger.exception("sign-in IP not recorded for affiliate %s", affiliate.code)
