from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "apothecary.invoices"
    label = "invoices"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Invoices and credit notes"

    def ready(self):
        from . import receivers  # noqa: F401  (issues documents when orders are paid, refunded)
