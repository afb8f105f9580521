from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "apothecary.research"
    label = "research"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Research library"

    def ready(self):
        from . import receivers

        receivers.connect()
