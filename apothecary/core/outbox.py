"""The outbox: every email the store sends to a customer is first a row, written in the same
transaction as the change that causes it, then delivered after commit.

- `queue_email(key=..., to=..., subject=..., text=..., html=...)` writes the row. Call it
  inside the transaction that makes the news: if that transaction rolls back (a crash, a
  refused payment) there is neither the change nor the email; if it commits, both. The key is
  unique ("order:42:paid"), so replaying the same event queues nothing more.
- After commit a task (`deliver_email`) sends it. A failure (the mail server down or
  refusing) records the error and the time of the next attempt, with exponential backoff
  (settings EMAIL_RETRY_*); the change that caused the email is not undone and the request
  that made it answers normally.
- `manage.py send_outbox`, run every minute by cron or beside the task worker, sends what is
  due: the retries, and anything whose task was lost.

Each row is sent once: a delivery holds the row's lock (PostgreSQL: `SELECT ... FOR UPDATE
SKIP LOCKED`, so a second worker passes over it) and claims it with a conditional update of
its status (SQLite, which has no row locks, serializes on that write), and a sent row is never
picked again. The one gap left is the mail server accepting the message and the process dying
before the commit that marks it sent: that row is sent again on the next run (at least once,
never silently lost)."""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Gave up"
    WITHDRAWN = "withdrawn", "Withdrawn before it was sent"


class OutgoingEmail(models.Model):
    """One email to send, with everything needed to send it: nothing is looked up again at
    delivery, so what the customer reads is what was true when it was queued."""

    kind = models.CharField(max_length=50, help_text='What it is about, e.g. "order_paid".')
    key = models.CharField(
        max_length=200, unique=True, help_text='One email per key, e.g. "order:42:paid".'
    )
    to = models.TextField(help_text="Recipients, one per line.")
    reply_to = models.CharField(max_length=254, blank=True)
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(
        default=dict,
        blank=True,
        help_text="Extra message headers, e.g. List-Unsubscribe (a few short lines at most).",
    )
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.key}: {self.subject}"

    def recipients(self) -> list[str]:
        return [line for line in self.to.splitlines() if line.strip()]

    def message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            from_email=self.from_email or settings.DEFAULT_FROM_EMAIL,
            to=self.recipients(),
            reply_to=[self.reply_to] if self.reply_to else None,
            headers={**(self.headers or {}), "X-Apothecary-Email": self.key},
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message


def _one_line(value: str) -> str:
    """A header value never holds a line break (header injection)."""
    return " ".join(value.split())


# Extra headers an email may carry: a few, each one short line (no line break: no injection).
HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,60}$")
MAX_HEADERS = 5
MAX_HEADER_LENGTH = 500


def _headers(headers: dict[str, str] | None) -> dict[str, str]:
    """The extra headers, checked: a bad name or too many is the caller's bug (ValueError)."""
    headers = headers or {}
    if len(headers) > MAX_HEADERS:
        raise ValueError(f"an email carries at most {MAX_HEADERS} extra headers")
    checked = {}
    for name, value in headers.items():
        if not HEADER_NAME.match(name) or name.lower() == "x-apothecary-email":
            raise ValueError(f"not a header an email may carry: {name!r}")
        value = _one_line(str(value))
        if len(value) > MAX_HEADER_LENGTH:
            raise ValueError(f"header {name} is longer than {MAX_HEADER_LENGTH} characters")
        checked[name] = value
    return checked


def render_text(template_name: str, context: dict) -> str:
    """A plain-text email body: the template rendered with autoescape off, because plain text
    has no markup to escape. Its HTML twin includes the same template with autoescape on."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def render_html(template_name: str, context: dict) -> str:
    """An HTML email body: autoescaped like any page, from the context, never from text."""
    return render_to_string(template_name, context)


def queue_email(
    *,
    key: str,
    to: str | list[str],
    subject: str,
    text: str,
    html: str = "",
    kind: str = "",
    reply_to: str = "",
    headers: dict[str, str] | None = None,
) -> OutgoingEmail | None:
    """Queue one email, once per `key`; inside the caller's transaction. Returns the row, or
    None when that key was queued before (a replayed event, a re-submitted form). `headers`:
    a few extra message headers (e.g. List-Unsubscribe), sent as given."""
    extra_headers = _headers(headers)
    addresses = [to] if isinstance(to, str) else list(to)
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the caller's work
            email = OutgoingEmail.objects.create(
                key=key[:200],
                kind=(kind or key.split(":", 1)[0])[:50],
                to="\n".join(_one_line(address) for address in addresses),
                reply_to=_one_line(reply_to),
                subject=_one_line(subject)[:255],
                text=text,
                html=html,
                headers=extra_headers,
            )
    except IntegrityError:
        logger.info("outbox: %s was queued before; not again", key)
        return None
    # robust: a task backend that is down must not undo or fail the change; send_outbox
    # finds the row later.
    transaction.on_commit(lambda: deliver_email.enqueue(email_id=email.pk), robust=True)
    return email


def withdraw_emails(*, key_prefix: str) -> int:
    """Withdraw the emails not sent yet whose key starts with `key_prefix`, e.g. a decision
    undone before its announcement went out. Inside the caller's transaction; returns how
    many. An email being sent at this moment holds its row lock: this waits for it."""
    return OutgoingEmail.objects.filter(
        key__startswith=key_prefix, status=EmailStatus.PENDING
    ).update(status=EmailStatus.WITHDRAWN)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2 x base, 4 x base, ... capped."""
    seconds = settings.EMAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_SECONDS))


def deliver(email_id: int, *, now=None) -> bool:
    """Send one due email if nobody else is sending it; True if it went out now."""
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=EmailStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if email is None:
            return False  # sent, given up, not due yet, or another worker has it
        claimed = OutgoingEmail.objects.filter(
            pk=email.pk, status=EmailStatus.PENDING, attempts=email.attempts
        ).update(attempts=email.attempts + 1)
        if not claimed:
            return False
        email.attempts += 1
        try:
            email.message().send()
        # Any error: SMTP, sockets, TLS, an HTTP provider's client; a row that raised out of
        # here would roll back its attempt count and be tried every minute without end.
        except Exception as error:  # noqa: BLE001
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= settings.EMAIL_RETRY_MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
                logger.error(
                    "outbox: %s not sent after %d attempts, given up: %s",
                    email.key,
                    email.attempts,
                    email.last_error,
                )
            else:
                email.next_attempt_at = now + retry_delay(email.attempts)
                logger.warning(
                    "outbox: %s not sent (attempt %d), next try at %s: %s",
                    email.key,
                    email.attempts,
                    email.next_attempt_at.isoformat(),
                    email.last_error,
                )
            email.save(update_fields=["last_error", "status", "next_attempt_at"])
            return False
        email.status = EmailStatus.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "last_error"])
    logger.info("outbox: %s sent (attempt %d)", email.key, email.attempts)
    return True


def due_emails(*, now=None, limit: int = 100) -> list[int]:
    now = now or timezone.now()
    return list(
        OutgoingEmail.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def send_due(*, now=None, limit: int = 100, progress=None) -> tuple[int, int]:
    """Send what is due (`manage.py send_outbox` and the scheduled task); returns (sent, not
    sent this time). `progress` wraps the list of ids, e.g. in a progress bar."""
    sent = failed = 0
    due = due_emails(now=now, limit=limit)
    for email_id in progress(due) if progress else due:
        if deliver(email_id, now=now):
            sent += 1
        else:
            failed += 1
    return sent, failed


@task()
def deliver_email(*, email_id: int) -> None:
    """Never raises for a mail server's refusal: the row keeps the error and its retry."""
    deliver(email_id)
