from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "apothecary.cart"
    label = "cart"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .receivers import merge_session_cart

        user_logged_in.connect(merge_session_cart, dispatch_uid="cart_merge_session_cart")
