from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "apothecary.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from allauth.account.signals import email_confirmed

        from .accounts import email_confirmed_receiver
        from .signals import order_paid
        from .staff_notices import order_paid_receiver

        # The staff are emailed of each paid order (once: notify_staff's key).
        order_paid.connect(order_paid_receiver, dispatch_uid="orders.notify_staff_order_paid")
        # A guest's earlier orders join the account once its address is confirmed.
        email_confirmed.connect(email_confirmed_receiver, dispatch_uid="orders.attach_guest_orders")
