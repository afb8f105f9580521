"""Every write of the contact app: storing a message, changing its status or assignee, noting
that its emails went out, and deleting messages past their retention period."""

import datetime
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from apothecary.core.machines import transition
from apothecary.core.ratelimit import hit
from apothecary.orders.models import Order

from .models import STATUS_TRANSITIONS, ContactMessage

logger = logging.getLogger(__name__)


class ContactRefused(Exception):
    """A message we will not store; `message` says why, to the person who wrote it."""

    def __init__(self, message: str, *, status: int = 400, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


@transaction.atomic
def message_submit(
    *,
    name: str,
    email: str,
    subject: str,
    order_number: str,
    text: str,
    submission_key: uuid.UUID,
    site: Site | None,
    ip: str,
) -> ContactMessage:
    """Store a message from the contact form and queue its two emails (to the staff, and a
    copy to the sender) after commit.

    The form's submission key makes this idempotent: sending the same form again (a double
    click, a reload of the POST) returns the message already stored and sends nothing. Refused
    with ContactRefused when the visitor or the address sent too many messages (429), or when
    the order number names no order placed with this email address (400)."""
    existing = ContactMessage.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        logger.info("contact: message %s sent again; nothing new stored", existing.pk)
        return existing
    if not hit(
        scope="contact-ip", key=ip, limit=settings.CONTACT_LIMIT_PER_IP, window_seconds=3600
    ):
        raise ContactRefused(
            "You have sent several messages in the last hour. Please wait an hour before "
            "sending another; your text is still below.",
            status=429,
        )
    if not hit(
        scope="contact-email",
        key=email.strip().lower(),
        limit=settings.CONTACT_LIMIT_PER_EMAIL,
        window_seconds=86400,
    ):
        raise ContactRefused(
            "We already have several messages from this email address today, and will answer "
            "them. Please wait for our reply before writing again; your text is still below.",
            status=429,
        )
    order = None
    if order_number:
        order = Order.objects.filter(number=order_number, email__iexact=email.strip()).first()
        if order is None:
            logger.info("contact: refused, order number matches no order of the sender")
            raise ContactRefused(
                f"We found no order {order_number} placed with the email address you gave. "
                "Check the number in your confirmation email and use the email address you "
                "ordered with, or leave the order number empty.",
                field="order_number",
            )
    from .emails import queue_contact_emails

    try:
        with transaction.atomic():
            message = ContactMessage.objects.create(
                submission_key=submission_key,
                site=site,
                name=name.strip(),
                email=email.strip(),
                subject=subject,
                order_number=order_number,
                order=order,
                text=text,
            )
            queue_contact_emails(message=message)
    except IntegrityError:
        # The same form sent twice at once: the other request stored it first.
        existing = ContactMessage.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing

    logger.info("contact: message %s stored", message.pk)
    return message


def staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _refuse(message: ContactMessage, to: str) -> str:
    return (
        f"A message that is {message.get_status_display().lower()} cannot be marked "
        f"{to}. Reload the page to see its current status."
    )


@transaction.atomic
def message_update(*, message_id: int, status: str, assigned_to, actor) -> ContactMessage:
    """Change a message's status (along STATUS_TRANSITIONS, core.machines.transition) and who
    handles it; each change is kept in the message's history."""
    message = ContactMessage.objects.select_for_update().get(pk=message_id)
    changes = {}
    if assigned_to != message.assigned_to:
        changes["assigned_to"] = {
            "from": staff_name(message.assigned_to),
            "to": staff_name(assigned_to),
        }
    if status != message.status:
        changes["status"] = {"from": message.status, "to": status}
        message = transition(
            message,
            to=status,
            table=STATUS_TRANSITIONS,
            refuse=_refuse,
            changes={"assigned_to": assigned_to},
        )
    elif changes:
        message.assigned_to = assigned_to
        message.save(update_fields=["assigned_to", "updated_at"])
    if changes:
        log(instance=message, action="contact.message.update", user=actor, data=changes)
    return message


def message_mark_emailed(*, message_id: int, fields: list[str]) -> None:
    """Note that the message's emails (`fields`: staff_notified_at, acknowledged_at) are in
    the outbox, on their way."""
    if not set(fields) <= {"staff_notified_at", "acknowledged_at"}:
        raise ValueError(f"not email fields of a message: {fields}")
    ContactMessage.objects.filter(pk=message_id).update(**dict.fromkeys(fields, timezone.now()))


def retention_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment before which messages are past their retention period: the one period of
    settings.PRIVACY_RETENTION_DAYS["contact_messages"], which the privacy policy states."""
    now = now or timezone.now()
    return now - datetime.timedelta(days=settings.PRIVACY_RETENTION_DAYS["contact_messages"])


@transaction.atomic
def messages_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the messages older than the retention period; returns how many. Safe to
    run again: a second run finds nothing more to delete."""
    queryset = ContactMessage.objects.filter(created_at__lt=retention_cutoff(now=now))
    _, per_model = queryset.delete()
    deleted = per_model.get(ContactMessage._meta.label, 0)
    if deleted:
        logger.info("contact: %s messages past their retention period deleted", deleted)
    return deleted
