from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "apothecary.compliance"
    label = "compliance"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Medical review and claims"

    def ready(self):
        from .signals import connect_claim_rule_signals

        connect_claim_rule_signals()
