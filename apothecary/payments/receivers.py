"""Receivers of django-payments' signals. They write in the sender's transaction."""

from .services import payment_apply_status


def payment_status_changed(sender, instance, **kwargs):
    payment_apply_status(payment=instance)
