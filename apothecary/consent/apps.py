from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "apothecary.consent"
    label = "consent"
    verbose_name = "Cookie consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401
