"""What privacy itself keeps: the one-use links it emails, and the record of each erasure.
A link's row keeps a hash of its secret and the address until used; an erasure's record holds
no personal data, at most a keyed hash of the email address (erasure.email_hash)."""

from django.conf import settings
from django.db import models


class LinkPurpose(models.TextChoices):
    EXPORT = "export", "Export"
    ERASE = "erase", "Erasure"


class PrivacyLink(models.Model):
    """One emailed link (a guest's export or erasure request): used once, then never again.
    The email holds its address until it is used; then the address is emptied."""

    nonce_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(blank=True, editable=False)
    purpose = models.CharField(max_length=10, choices=LinkPurpose.choices, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_purpose_display()} link {self.pk}"


class ErasureVia(models.TextChoices):
    SELF = "self", "The customer (Delete my account)"
    GUEST = "guest", "An emailed request"
    STAFF = "staff", "Staff, in the admin"


class ErasureRecord(models.Model):
    """Proof that an erasure was done, by whom, when and why, without the erased data."""

    via = models.CharField(max_length=5, choices=ErasureVia.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why; never the person's name or address."
    )
    email_hash = models.CharField(max_length=64, db_index=True)
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("manage_personal_data", "Can export and erase a person's data")]

    def __str__(self):
        return f"Erasure {self.pk} ({self.get_via_display()}, {self.created_at:%Y-%m-%d})"
