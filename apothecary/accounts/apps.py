from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apothecary.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (login log lines, lockouts ended by a new password)
