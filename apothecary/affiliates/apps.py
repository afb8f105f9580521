from django.apps import AppConfig


class AffiliatesConfig(AppConfig):
    name = "apothecary.affiliates"
    label = "affiliates"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Affiliate program"

    def ready(self):
        from . import receivers  # noqa: F401  (connects to order and login signals)
