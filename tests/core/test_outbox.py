"""The outbox (core.outbox): an email is a row written with the change that causes it, sent
after commit, retried with backoff when the mail server fails, and sent once."""

import smtplib
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from apothecary.core.outbox import (
    EmailStatus,
    OutgoingEmail,
    deliver,
    queue_email,
    retry_delay,
    send_due,
    withdraw_emails,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox(db):
    """The seeded demo's own emails are not these tests' business."""
    OutgoingEmail.objects.all().delete()


def queue(key="test:1:hello", **fields):
    return queue_email(
        key=key,
        to=fields.pop("to", "ada@example.com"),
        subject=fields.pop("subject", "Hello"),
        text=fields.pop("text", "Plain text."),
        html=fields.pop("html", "<p>HTML.</p>"),
        **fields,
    )


@pytest.fixture
def refusing_backend(monkeypatch):
    """The mail server refuses every message until `.recover()`."""

    class Server:
        down = True

        def recover(self):
            self.down = False

    server = Server()
    real_send = mail.EmailMessage.send

    def send(self, fail_silently=False):
        if server.down:
            raise smtplib.SMTPDataError(451, b"try later")
        return real_send(self, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    return server


def test_an_email_queued_in_a_transaction_is_sent_after_commit_with_both_parts(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(reply_to="shop@example.com")
        assert mail.outbox == []  # not before commit

    [sent] = mail.outbox
    assert (sent.to, sent.reply_to, sent.subject, sent.body) == (
        ["ada@example.com"],
        ["shop@example.com"],
        "Hello",
        "Plain text.",
    )
    assert sent.alternatives[0].content == "<p>HTML.</p>"
    email.refresh_from_db()
    assert (email.status, email.attempts, email.kind) == (EmailStatus.SENT, 1, "test")
    assert email.sent_at is not None


def test_a_transaction_rolled_back_leaves_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                queue()
                raise RuntimeError("crash before commit")
        except RuntimeError:
            pass

    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


def test_the_same_key_queued_twice_is_one_row_and_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue(subject="Hello again")

    assert first is not None and second is None
    assert OutgoingEmail.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_a_line_break_in_a_subject_or_address_never_reaches_a_header():
    email = queue(subject="Hi\r\nBcc: victim@example.com", reply_to="a@example.com\nBcc: x")

    assert email.subject == "Hi Bcc: victim@example.com"
    assert email.reply_to == "a@example.com Bcc: x"


def test_a_refused_email_is_retried_with_exponential_backoff_then_sent_once(
    refusing_backend, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    settings.EMAIL_RETRY_MAX_SECONDS = 600
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()  # the task after commit: refused
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert "451" in email.last_error
    waits = [email.next_attempt_at - timezone.now()]

    now = timezone.now()
    for _ in range(4):
        now = OutgoingEmail.objects.get().next_attempt_at
        assert send_due(now=now - timedelta(seconds=1)) == (0, 0)  # not due yet
        assert send_due(now=now) == (0, 1)
        email.refresh_from_db()
        waits.append(email.next_attempt_at - now)
    refusing_backend.recover()
    assert send_due(now=email.next_attempt_at) == (1, 0)
    assert send_due(now=email.next_attempt_at + timedelta(days=1)) == (0, 0)

    assert [round(wait.total_seconds() / 60) for wait in waits] == [1, 2, 4, 8, 10]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 6, "")
    assert len(mail.outbox) == 1


def test_an_email_is_given_up_after_the_last_attempt(refusing_backend, settings):
    settings.EMAIL_RETRY_MAX_ATTEMPTS = 3
    email = queue()
    for day in range(1, 6):
        deliver(email.pk, now=timezone.now() + timedelta(days=day))

    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 3)
    assert mail.outbox == []


def test_retry_delays_double_up_to_the_cap(settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 30
    settings.EMAIL_RETRY_MAX_SECONDS = 200

    assert [retry_delay(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_a_withdrawn_email_is_never_sent():
    queue(key="decision:1:approved")
    queue(key="decision:2:approved")

    assert withdraw_emails(key_prefix="decision:1:") == 1
    assert send_due() == (1, 0)
    assert [e.status for e in OutgoingEmail.objects.order_by("key")] == ["withdrawn", "sent"]


def test_send_outbox_sends_what_is_due_and_a_second_run_sends_nothing(refusing_backend):
    queue(key="a:1:x")
    queue(key="a:2:x")
    out = StringIO()
    call_command("send_outbox", "--quiet", stdout=out)
    assert out.getvalue().strip() == "0 email(s) sent, 2 not sent this time."

    refusing_backend.recover()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    call_command("send_outbox", "--quiet", stdout=out)
    call_command("send_outbox", "--quiet", stdout=out)

    assert out.getvalue().strip().splitlines()[1:] == [
        "2 email(s) sent, 0 not sent this time.",
        "0 email(s) sent, 0 not sent this time.",
    ]
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks between two workers are tested on PostgreSQL (CI's second pass)",
)
def test_two_workers_sending_the_same_email_at_once_send_it_once(monkeypatch, demo_after_flush):
    email = queue()  # autocommit: its task ran already; make it due again
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.PENDING, attempts=0)
    mail.outbox.clear()
    inside = threading.Event()
    release = threading.Event()
    real_send = mail.EmailMessage.send

    def slow_send(self, fail_silently=False):
        inside.set()
        release.wait(5)  # the second worker runs while the first holds the row
        return real_send(self, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", slow_send)
    results = {}

    def worker(name):
        try:
            results[name] = deliver(email.pk)
        finally:
            connections.close_all()

    first = threading.Thread(target=worker, args=("first",))
    first.start()
    assert inside.wait(5)
    second = threading.Thread(target=worker, args=("second",))
    second.start()
    second.join(5)
    release.set()
    first.join(5)

    assert results == {"first": True, "second": False}
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get().attempts == 1
