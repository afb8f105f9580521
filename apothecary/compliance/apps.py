from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "apothecary.compliance"
    label = "compliance"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Medical review and claims"

    def ready(self):
        # Imported here, not at the top: signals.py imports models, which may not be imported
        # before the app registry is ready.
        from .signals import connect_names_product_signals

        connect_names_product_signals(self)
