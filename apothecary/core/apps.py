from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apothecary.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .request_id import connect_task_signals

        connect_task_signals()
