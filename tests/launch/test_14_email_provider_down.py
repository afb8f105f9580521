"""Launch test 14: the email provider is down while an order is confirmed.

A real SMTP server (aiosmtpd) on 127.0.0.1: first not listening at all, then answering
"451 try later", then accepting. The order stays paid, the webhook answers 200, the email
waits in the outbox, and after recovery `send_outbox` delivers each email exactly once."""

import email
import email.policy
import socket
from io import StringIO
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from apothecary.core.outbox import EmailStatus, OutgoingEmail
from apothecary.orders.models import OrderStatus
from apothecary.payments.services import payment_start
from tests.launch.invariants import check_invariants, stock_before
from tests.payments.conftest import _no_stripe_api_calls, stripe_settings  # noqa: F401
from tests.payments.stripe_events import post_webhook, stripe_event, stripe_signature
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


class MailServer:
    """What the SMTP server received; `refusing` makes it answer 451 to every message."""

    def __init__(self):
        self.refusing = True
        self.received: list[email.message.EmailMessage] = []
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.SMTP))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [message["Subject"] for message in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """The SMTP settings of a server that is not started yet (`.start()` starts it)."""
    port = free_port()
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    handler.start = controller.start
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
    ):
        yield handler
    if controller.loop.is_running():
        controller.stop()


def send_outbox() -> str:
    out = StringIO()
    call_command("send_outbox", "--quiet", stdout=out)
    return out.getvalue().strip()


def a_minute_later():
    """What send_outbox sees when the retry is due (the backoff is tested in
    tests/core/test_outbox.py)."""
    OutgoingEmail.objects.filter(status=EmailStatus.PENDING).update(next_attempt_at=timezone.now())


@pytest.mark.usefixtures("stripe_settings")
def test_an_order_paid_while_smtp_is_down_stays_paid_and_its_emails_go_out_once_after(
    smtp, client, django_capture_on_commit_callbacks
):
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    before = stock_before()
    OutgoingEmail.objects.all().delete()  # the seeded demo's, not this test's

    # The server is not even listening: the order is placed, its confirmation waits.
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(cart=make_cart((variant, 2)), rate=make_zone())
    payment = payment_start(order=order, variant="stripe")
    confirmation = OutgoingEmail.objects.get(key=f"order:{order.pk}:confirmation")
    assert (confirmation.status, confirmation.attempts) == (EmailStatus.PENDING, 1)
    assert "Connection refused" in confirmation.last_error or "Errno" in confirmation.last_error

    # Listening, but refusing every message: Stripe's webhook pays the order all the same.
    smtp.start()
    payload = stripe_event("evt_smtp_down", "checkout.session.completed", payment)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, payload, **{"Stripe-Signature": stripe_signature(payload)})

    assert response.status_code == 200
    assert response.json() == {"status": "confirmed"}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    paid = OutgoingEmail.objects.get(key=f"order:{order.pk}:paid")
    assert (paid.status, paid.attempts, paid.to) == (EmailStatus.PENDING, 1, order.email)
    assert "451" in paid.last_error
    assert paid.next_attempt_at > timezone.now()  # backoff: not before the next minute
    assert send_outbox() == "0 email(s) sent, 0 not sent this time."  # nothing due yet
    a_minute_later()
    assert send_outbox() == "0 email(s) sent, 2 not sent this time."  # still refusing
    assert smtp.refused == 3 and smtp.received == []

    # The server accepts again: one run delivers each email once; the next sends nothing.
    smtp.refusing = False
    a_minute_later()
    assert send_outbox() == "2 email(s) sent, 0 not sent this time."
    a_minute_later()
    assert send_outbox() == "0 email(s) sent, 0 not sent this time."

    assert sorted(smtp.subjects()) == [
        f"B12 Patch: Payment received for order {order.number}",
        f"B12 Patch: We have your order {order.number}",
    ]
    assert [message["To"] for message in smtp.received] == [order.email, order.email]
    assert set(
        OutgoingEmail.objects.filter(key__startswith=f"order:{order.pk}:").values_list(
            "status", flat=True
        )
    ) == {EmailStatus.SENT}
    assert mail.outbox == []  # everything went through the real server
    check_invariants(
        before, emails=[SimpleNamespace(subject=subject) for subject in smtp.subjects()]
    )
