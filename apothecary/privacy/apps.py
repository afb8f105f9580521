from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "apothecary.privacy"
    label = "privacy"
    verbose_name = "Personal data"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Every app declares its personal data in its own personal_data.py (registry.py):
        # importing them here fills the registry, as Wagtail finds wagtail_hooks.py.
        autodiscover_modules("personal_data")
