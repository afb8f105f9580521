"""Emails to the store's staff: a new paid order, a return asked for, a pack running low, an
order that needs attention. Any app may call `notify_staff`; each notification has a key and
is sent at most once, through the outbox (core.outbox): plain text, retried when the mail
server fails."""

import logging

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

from .outbox import queue_email

logger = logging.getLogger(__name__)


class StaffEvent(models.TextChoices):
    ORDER_PAID = "order_paid", "New paid order"
    RETURN_REQUESTED = "return_requested", "Return requested"
    LOW_STOCK = "low_stock", "Low stock"
    NEEDS_ATTENTION = "needs_attention", "Order needs attention"


@register_setting(icon="mail")
class StaffNotificationSettings(BaseSiteSetting):
    recipients = models.TextField(
        blank=True,
        help_text="Staff addresses, one per line. Empty: the STAFF_NOTIFICATION_EMAIL setting.",
    )
    order_paid = models.BooleanField("New paid orders", default=True)
    return_requested = models.BooleanField("Returns requested", default=True)
    low_stock = models.BooleanField("Low stock", default=True)
    needs_attention = models.BooleanField("Orders that need attention", default=True)

    panels = [
        FieldPanel("recipients"),
        FieldPanel("order_paid"),
        FieldPanel("return_requested"),
        FieldPanel("low_stock"),
        FieldPanel("needs_attention"),
    ]

    class Meta:
        verbose_name = "staff notifications"

    def addresses(self) -> list[str]:
        typed = [line.strip() for line in self.recipients.splitlines() if line.strip()]
        fallback = [settings.STAFF_NOTIFICATION_EMAIL] if settings.STAFF_NOTIFICATION_EMAIL else []
        return typed or fallback


class StaffNotification(models.Model):
    """One notification, recorded when asked for and stamped when its email is queued in the
    outbox (`sent_at`, `recipients`): its key (e.g. "order_paid:42") is unique, so asking
    twice sends once."""

    event = models.CharField(max_length=30, choices=StaffEvent.choices)
    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject


def _settings(site: Site | None = None) -> StaffNotificationSettings | None:
    site = site or Site.objects.filter(is_default_site=True).first()
    return StaffNotificationSettings.for_site(site) if site else None


def notify_staff(*, event: str, key: str, subject: str, body: str, site=None) -> bool:
    """Queue one staff email for `event`, once per `key`, unless the settings turned that
    event off. Call inside the transaction that made the news: the email is written in the
    outbox (core.outbox) in that transaction, and sent, with retries, after it commits.
    Returns whether it queued."""
    chosen = _settings(site)
    if chosen is not None and not getattr(chosen, event):
        return False
    to = chosen.addresses() if chosen else []
    try:
        with transaction.atomic():
            note = StaffNotification.objects.create(
                event=event, key=key[:200], subject=subject[:200], body=body
            )
            if to:
                queue_email(
                    key=f"staff:{note.key}",
                    kind=f"staff_{event}",
                    to=to,
                    subject=note.subject,
                    text=note.body,
                )
                note.sent_at = timezone.now()
                note.recipients = "\n".join(to)
                note.save(update_fields=["sent_at", "recipients"])
    except IntegrityError:
        return False  # already asked for
    if not to:
        logger.warning("staff notification %s: no recipient is set; not sent", note.key)
    return True
