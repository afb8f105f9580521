"""One row per choice a visitor makes about cookies: the brand's proof of consent.

A record holds what was chosen, for which policy version, when and how, and whether the
browser sent Global Privacy Control; never an IP address or a user agent. Its random id is in
the visitor's consent cookie, so a choice can be matched to its record; a signed-in person's
records are linked to their account and go with it."""

import uuid

from django.conf import settings
from django.db import models


class ConsentSource(models.TextChoices):
    BANNER = "banner", "Banner (form)"
    SETTINGS = "settings", "Cookie settings page"
    JS = "js", "Banner (script)"


class ConsentRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    policy_version = models.CharField(max_length=32)
    # The categories accepted, "necessary" included, in the order of CONSENT_CATEGORIES.
    categories = models.JSONField(default=list)
    gpc = models.BooleanField("Global Privacy Control", default=False)
    source = models.CharField(max_length=16, choices=ConsentSource.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_records",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "consent record"

    def __str__(self) -> str:
        return f"{self.categories_display} (v{self.policy_version})"

    @property
    def categories_display(self) -> str:
        return ", ".join(self.categories) or "necessary"

    def allows(self, category: str) -> bool:
        """Whether this choice, as the server applies it, allows `category` (marketing is
        refused when the browser sent GPC)."""
        if category == "marketing" and self.gpc:
            return False
        return category in self.categories
