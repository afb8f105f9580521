from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "apothecary.payments"
    label = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from payments.signals import status_changed

        from apothecary.orders.signals import refund_requested as order_refund_requested

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import Payment
        from .receivers import payment_status_changed, refund_requested

        status_changed.connect(
            payment_status_changed, sender=Payment, dispatch_uid="payments.apply_status"
        )
        order_refund_requested.connect(refund_requested, dispatch_uid="payments.refund_order")
