"""The contact form's emails, HTML and plain text, sent by background tasks queued after the
message is stored: one to the staff, one to the sender with a copy of what they wrote.

Each task sends its email once: a retry of a task that already sent finds the message marked
and does nothing."""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task
from wagtail.models import Site

from apothecary.core.models import BrandSettings

from .models import ContactMessage, ContactSettings
from .services import message_mark_emailed

logger = logging.getLogger(__name__)
LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(value: str) -> str:
    """A value fit for an email header: never a line break in it."""
    return LINE_BREAKS.sub(" ", value).strip()


def _site(message: ContactMessage) -> Site | None:
    return message.site or Site.objects.filter(is_default_site=True).first()


def staff_address(site: Site | None) -> str:
    """Where new messages go: the contact settings' staff address, else the brand's contact
    email, else the STAFF_NOTIFICATION_EMAIL setting."""
    if site is not None:
        address = (
            ContactSettings.for_site(site).staff_email or BrandSettings.for_site(site).contact_email
        )
        if address:
            return address
    return settings.STAFF_NOTIFICATION_EMAIL


def _context(message: ContactMessage, site: Site | None) -> dict:
    brand_name = BrandSettings.for_site(site).brand_name if site else "Apothecary"
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return {
        "message": message,
        "brand_name": brand_name,
        "inbox_url": base_url + reverse("contact_inbox:edit", args=[message.pk]),
    }


def _load(message_id: int, field: str) -> ContactMessage | None:
    message = ContactMessage.objects.select_related("site").filter(pk=message_id).first()
    if message is None:
        logger.info("contact: message %s is gone; no email sent", message_id)
        return None
    if getattr(message, field) is not None:
        logger.info("contact: message %s: %s already set; not sent again", message_id, field)
        return None
    return message


def _send(*, subject: str, template: str, context: dict, to: str, reply_to: str) -> None:
    text = render_to_string(f"contact/email/{template}.txt", context)
    html = render_to_string(f"contact/email/{template}.html", context)
    email = EmailMultiAlternatives(
        subject=one_line(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    email.attach_alternative(html, "text/html")
    email.send()


@task()
def send_staff_notification(*, message_id: int) -> None:
    message = _load(message_id, "staff_notified_at")
    if message is None:
        return
    site = _site(message)
    to = staff_address(site)
    if not to:
        logger.warning(
            "contact: message %s: no staff address (Settings > Contact form, or the brand's "
            "contact email); nobody was told",
            message.pk,
        )
        return
    context = _context(message, site)
    _send(
        subject=f"{context['brand_name']} contact: {message.subject}, from {message.name}",
        template="staff",
        context=context,
        to=to,
        reply_to=message.email,
    )
    message_mark_emailed(message_id=message.pk, field="staff_notified_at")
    logger.info("contact: message %s: staff notified", message.pk)


@task()
def send_acknowledgement(*, message_id: int) -> None:
    message = _load(message_id, "acknowledged_at")
    if message is None:
        return
    site = _site(message)
    context = _context(message, site)
    _send(
        subject=f"{context['brand_name']}: we have your message",
        template="acknowledgement",
        context=context,
        to=message.email,
        reply_to=staff_address(site),
    )
    message_mark_emailed(message_id=message.pk, field="acknowledged_at")
    logger.info("contact: message %s: acknowledgement sent", message.pk)
