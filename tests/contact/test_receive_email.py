"""`manage.py receive_email`: an email piped in by the mail server becomes a message in the
inbox, in its conversation when it answers one of our replies."""

import io
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apothecary.contact.inbound import without_quote
from apothecary.contact.models import ContactMessage
from apothecary.contact.services import reply_send

from .builders import make_message

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def an_email(*, sender="Ada Reader <ada@example.com>", in_reply_to="", references="", text=""):
    email = EmailMessage()
    email["From"] = sender
    email["To"] = "shop@b12patch.example"
    email["Subject"] = "Re: Question about the patch"
    email["Message-ID"] = "<CAF1234.ada@mail.example.com>"
    if in_reply_to:
        email["In-Reply-To"] = in_reply_to
    if references:
        email["References"] = references
    email.set_content(text or "Thanks! And for how long in the sea?\n")
    return email.as_bytes()


def receive(raw: bytes) -> str:
    out = io.StringIO()
    call_command("receive_email", stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


@pytest.fixture
def answered(admin_user):
    message = make_message(text="Can I swim with it?")
    reply = reply_send(message_id=message.pk, text="Yes, for an hour.", author=admin_user)
    message.refresh_from_db()
    return message, reply


def test_an_answer_to_our_reply_joins_the_conversation(answered, admin_client):
    message, reply = answered
    quoted = (
        "Thanks! And for how long in the sea?\n\n"
        "On Mon, 7 Dec 2026 at 10:00, B12 Patch <shop@b12patch.example> wrote:\n"
        "> Yes, for an hour.\n"
    )

    out = receive(
        an_email(in_reply_to=reply.msgid, references=f"{message.msgid} {reply.msgid}", text=quoted)
    )

    follow_up = ContactMessage.objects.exclude(pk=message.pk).get()
    assert out.strip() == f"Stored as message {follow_up.pk}."
    assert follow_up.conversation == message
    assert (follow_up.name, follow_up.email) == ("Ada Reader", "ada@example.com")
    assert follow_up.subject == "Re: Question about the patch"
    assert follow_up.text == "Thanks! And for how long in the sea?"
    assert follow_up.msgid == "<CAF1234.ada@mail.example.com>"
    assert follow_up.received_by_email and follow_up.status == "new"
    html = admin_client.get(f"/admin/inbox/edit/{message.pk}/").content.decode()
    assert html.index("Can I swim with it?") < html.index("Yes, for an hour.")
    assert html.index("Yes, for an hour.") < html.index("Thanks! And for how long in the sea?")


def test_an_answer_to_the_original_message_id_joins_it_too(answered):
    message, _ = answered

    receive(an_email(in_reply_to=message.msgid))

    assert ContactMessage.objects.exclude(pk=message.pk).get().conversation == message


def test_the_same_email_received_twice_is_stored_once(answered):
    message, reply = answered

    receive(an_email(in_reply_to=reply.msgid))
    receive(an_email(in_reply_to=reply.msgid))

    assert ContactMessage.objects.count() == 2


def test_an_email_about_no_thread_of_ours_is_a_new_message():
    receive(an_email(in_reply_to="<someone-else@elsewhere.example>"))

    message = ContactMessage.objects.get()
    assert message.conversation is None
    assert message.email == "ada@example.com"


def test_an_email_from_another_address_is_stored_unlinked(answered):
    message, reply = answered

    receive(an_email(sender="mallory@example.net", in_reply_to=reply.msgid))

    stranger = ContactMessage.objects.get(email="mallory@example.net")
    assert stranger.conversation is None
    assert stranger.name == "mallory"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"this is not an email at all",
        b"From: not an address\nSubject: hi\n\nhello\n",
        b"From: ada@example.com\nSubject: hi\nContent-Type: text/html\n\n<p>only html</p>\n",
    ],
)
def test_what_is_not_an_email_is_refused_and_nothing_is_stored(raw):
    with pytest.raises(CommandError, match="email refused"):
        receive(raw)

    assert not ContactMessage.objects.exists()


def test_a_too_large_email_is_refused():
    raw = an_email(text="long " * 1000)

    with pytest.raises(CommandError, match="more than the 2000 allowed"):
        call_command("receive_email", "--max-bytes=2000", stdin=io.BytesIO(raw))

    assert not ContactMessage.objects.exists()


def test_garbage_on_the_pipe_exits_non_zero_with_one_line():
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "receive_email"],
        input=b"garbage\n",
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "CommandError: email refused: this is not an email: no headers"
    ]


def test_the_quote_under_on_wrote_goes_and_the_answer_stays():
    text = "Fine, thanks.\r\n\r\nOn Mon, 7 Dec 2026, Shop\r\n<shop@x.example> wrote:\r\n> old\r\n"

    assert without_quote(text) == "Fine, thanks."
    assert without_quote("On second thought, never mind.") == "On second thought, never mind."
