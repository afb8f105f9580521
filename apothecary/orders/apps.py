from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "apothecary.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .signals import order_paid
        from .staff_notices import order_paid_receiver

        # The staff are emailed of each paid order (once: notify_staff's key).
        order_paid.connect(order_paid_receiver, dispatch_uid="orders.notify_staff_order_paid")
