"""The contact form's emails, HTML and plain text, queued in the outbox (core.outbox) in the
transaction that stores the message, and sent after commit: one to the staff, one to the
sender with a copy of what they wrote. Each is queued once per message (its outbox key).

The HTML templates build the message from its fields with autoescape on: what the sender
typed is text in them, never markup."""

import logging
import re

from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from apothecary.core.models import BrandSettings
from apothecary.core.outbox import queue_email, render_html, render_text

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


def _queue(
    *, message: ContactMessage, who: str, subject: str, context: dict, to: str, reply_to: str
) -> None:
    queue_email(
        key=f"contact:{message.pk}:{who}",
        kind=f"contact_{who}",
        to=to,
        reply_to=reply_to,
        subject=one_line(subject),
        text=render_text(f"contact/email/{who}.txt", context),
        html=render_html(f"contact/email/{who}.html", context),
    )


def queue_contact_emails(*, message: ContactMessage) -> None:
    """The staff's email and the sender's copy, queued in the transaction that stores the
    message (each once per message); the message is stamped with each."""
    site = _site(message)
    context = _context(message, site)
    to = staff_address(site)
    if to:
        _queue(
            message=message,
            who="staff",
            subject=f"{context['brand_name']} contact: {message.subject}, from {message.name}",
            context=context,
            to=to,
            reply_to=message.email,
        )
    else:
        logger.warning(
            "contact: message %s: no staff address (Settings > Contact form, or the brand's "
            "contact email); nobody was told",
            message.pk,
        )
    _queue(
        message=message,
        who="acknowledgement",
        subject=f"{context['brand_name']}: we have your message",
        context=context,
        to=message.email,
        reply_to=to,
    )
    stamps = ["acknowledged_at", "staff_notified_at"] if to else ["acknowledged_at"]
    message_mark_emailed(message_id=message.pk, fields=stamps)
