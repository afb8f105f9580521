"""Newsletter subscribers, one per email address, and the record of each consent given or
withdrawn (what was shown, when, and where the form was; never the IP address)."""

import secrets

from django.db import models
from wagtail.models import Site


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class SignupSource(models.TextChoices):
    FOOTER = "footer", "The footer of a page"
    PAGE = "page", "The newsletter page"


class Subscriber(models.Model):
    """One email address on (or once on) the list. Changed only by services.py."""

    email = models.EmailField(max_length=254, unique=True, help_text="Stored in lower case.")
    status = models.CharField(
        max_length=12, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    requested_at = models.DateTimeField(help_text="The last time the sign-up form was sent.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The one confirmation link that works: a new sign-up replaces it, confirming or
    # unsubscribing empties it (so a link works once).
    confirm_nonce = models.CharField(max_length=32, blank=True, editable=False)
    # In the unsubscribe link of every email; never expires (old emails keep working).
    unsubscribe_token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    # What the person was shown at their last sign-up, copied into the consent record when
    # they confirm.
    consent_version = models.CharField(max_length=20)
    consent_text = models.TextField()
    source = models.CharField(max_length=10, choices=SignupSource.choices)
    source_page = models.CharField(max_length=200, blank=True, help_text="The page's path.")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "confirmed_at"], name="newsletter_status_idx")]

    def __str__(self):
        return self.email


class ConsentEvent(models.TextChoices):
    GIVEN = "given", "Given (confirmed by email)"
    WITHDRAWN = "withdrawn", "Withdrawn (unsubscribed)"


class NewsletterConsent(models.Model):
    """Proof of consent: each confirmation and each unsubscription, never changed."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    event = models.CharField(max_length=10, choices=ConsentEvent.choices)
    at = models.DateTimeField()
    wording_version = models.CharField(max_length=20, blank=True)
    wording = models.TextField(blank=True, help_text="The text the person agreed to.")
    requested_at = models.DateTimeField(null=True, blank=True, help_text="When they signed up.")
    source = models.CharField(max_length=20, help_text="Where the form or link was.")
    source_page = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_event_display()} at {self.at:%Y-%m-%d %H:%M}"
