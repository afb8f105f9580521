"""Every write of the contact app: storing a message, changing its status or assignee, noting
that its emails went out, answering it by email (reply_send), storing the sender's answer that
came back by email (message_receive), and deleting messages past their retention period."""

import datetime
import logging
import secrets
import uuid
from urllib.parse import urlparse

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from apothecary.core.machines import transition
from apothecary.core.ratelimit import hit
from apothecary.orders.models import Order

from .models import STATUS_TRANSITIONS, ContactMessage, ContactReply, MessageStatus

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


# Answering from the inbox, and the answers that come back by email.

REPLY_MAX_LENGTH = 20_000  # characters of a reply staff write
RECEIVED_MAX_LENGTH = 20_000  # characters kept of a message that came by email
MAX_REFERENCES = 450  # characters of the References header (the outbox allows 500)


def new_msgid(label: str) -> str:
    """A Message-ID of ours: `<contact-<label>-<random>@<the site's host>>`, unguessable."""
    host = urlparse(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
    return f"<contact-{label}-{secrets.token_hex(8)}@{host}>"


def _thread_msgids(root: ContactMessage) -> list[str]:
    """The Message-IDs of a conversation, oldest first: its messages and our replies."""
    messages = [root, *root.follow_ups.all()]
    dated = [(m.created_at, m.msgid) for m in messages if m.msgid]
    dated += [
        (r.sent_at, r.msgid) for r in ContactReply.objects.filter(message__in=messages) if r.msgid
    ]
    return [msgid for _, msgid in sorted(dated)]


def _references(msgids: list[str]) -> str:
    """The References header: the first of the thread and as many of the latest as fit."""
    if not msgids:
        return ""
    first, rest = msgids[0], msgids[1:]
    kept: list[str] = []
    for msgid in reversed(rest):
        if len(" ".join([first, msgid, *kept])) > MAX_REFERENCES:
            break
        kept.insert(0, msgid)
    return " ".join([first, *kept])


def reply_subject(message: ContactMessage) -> str:
    subject = " ".join(message.subject.split()) or "Your message to us"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


@transaction.atomic
def reply_send(*, message_id: int, text: str, author) -> ContactReply:
    """Answer a message by email: the reply is stored, queued in the outbox (from the store's
    address, threaded under the message with In-Reply-To and References) and the message is
    marked answered (message_update) unless it is closed. Refused with ContactRefused when
    the text is empty or too long: nothing is stored or sent."""
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if not text:
        raise ContactRefused("Write your reply before sending it.", field="text")
    if len(text) > REPLY_MAX_LENGTH:
        raise ContactRefused(
            f"A reply has at most {REPLY_MAX_LENGTH} characters; this one has {len(text)}.",
            field="text",
        )
    from apothecary.core.outbox import queue_email

    message = ContactMessage.objects.select_for_update().get(pk=message_id)
    if not message.msgid:  # its id is given once, with the first reply, and kept
        message.msgid = new_msgid(str(message.pk))
        ContactMessage.objects.filter(pk=message.pk).update(msgid=message.msgid)
    root = message.conversation or message
    msgid = new_msgid(f"{message.pk}-reply")
    reply_to = settings.CONTACT_REPLY_TO_EMAIL
    email = queue_email(
        key=f"contact:{message.pk}:reply:{msgid}",
        kind="contact_reply",
        to=message.email,
        reply_to=reply_to,
        subject=reply_subject(message),
        text=text + "\n",
        headers={
            "Message-ID": msgid,
            "In-Reply-To": message.msgid,
            "References": _references(
                [m for m in _thread_msgids(root) if m != message.msgid] + [message.msgid]
            ),
        },
    )
    reply = ContactReply.objects.create(message=message, author=author, text=text, msgid=msgid)
    if email is not None:
        ContactReply.objects.filter(pk=reply.pk).update(email=email)
        reply.email = email
    if message.status == MessageStatus.NEW:
        message_update(
            message_id=message.pk,
            status=MessageStatus.ANSWERED,
            assigned_to=message.assigned_to,
            actor=author,
        )
    log(
        instance=message,
        action="contact.message.reply",
        user=author,
        data={"reply": reply.pk},  # no address: the log outlives the message
    )
    logger.info("contact: message %s answered (reply %s queued)", message.pk, reply.pk)
    return reply


def _thread_of(msgids: list[str]) -> ContactMessage | None:
    """The message one of `msgids` names (ours, or a reply of ours to it), latest id first."""
    for msgid in reversed(msgids):
        found = ContactMessage.objects.filter(msgid=msgid).order_by("pk").first()
        if found is None:
            reply = ContactReply.objects.filter(msgid=msgid).select_related("message").first()
            found = reply.message if reply else None
        if found is not None:
            return found
    return None


@transaction.atomic
def message_receive(
    *, name: str, email: str, subject: str, text: str, msgid: str, refers_to: list[str]
) -> ContactMessage:
    """Store a message that came by email (manage.py receive_email). When it answers a
    conversation of ours (`refers_to`: its In-Reply-To and References) and comes from the
    address that conversation is with, it joins it; from any other address it is stored on its
    own, unlinked (anyone can copy a Message-ID into a header). The same email received twice
    (the same Message-ID) is stored once."""
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"email:{msgid}") if msgid else uuid.uuid4()
    existing = ContactMessage.objects.filter(submission_key=key).first()
    if existing is not None:
        logger.info("contact: email %s received again; nothing new stored", existing.pk)
        return existing
    earlier = _thread_of(refers_to)
    root = None
    if earlier is not None:
        root = earlier.conversation or earlier
        if root.email.strip().lower() != email.strip().lower():
            logger.warning(
                "contact: an email answering message %s came from another address; stored "
                "on its own",
                root.pk,
            )
            root = None
    site = root.site if root else Site.objects.filter(is_default_site=True).first()
    message = ContactMessage.objects.create(
        submission_key=key,
        site=site,
        name=(name.strip() or email.split("@")[0])[:120],
        email=email.strip(),
        subject=(" ".join(subject.split()) or "(no subject)")[:80],
        order_number=root.order_number if root else "",
        order=root.order if root else None,
        text=text[:RECEIVED_MAX_LENGTH],
        msgid=msgid[:255],
        conversation=root,
        received_by_email=True,
    )
    logger.info(
        "contact: email stored as message %s%s",
        message.pk,
        f" in the conversation of message {root.pk}" if root else "",
    )
    return message
