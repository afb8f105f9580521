from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "apothecary.cart"
    label = "cart"
    default_auto_field = "django.db.models.BigAutoField"
