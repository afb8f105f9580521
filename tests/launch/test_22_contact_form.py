"""Launch test 22: the contact form.

Pass: more than 5 posts an hour from one IP get 429; CR/LF in the name, subject or email is
rejected (no header injection); the recipient is fixed server-side; a honeypot field blocks
naive bots. Every refusal stores nothing and sends nothing."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from apothecary.contact.models import ContactMessage
from tests.contact.builders import SUBJECT, filled_form

pytestmark = pytest.mark.django_db

URL = "/contact/"
STAFF = "hello@b12patch.example"  # the demo brand's contact email: where messages go
EVIL = "attacker@evil.example"


def error_summary(response) -> list[str]:
    html = response.content.decode()
    summary = re.search(r'<div class="form-errors error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary[0], re.S)
    ]


def assert_nothing_stored_or_sent():
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_the_sixth_message_in_an_hour_from_one_ip_gets_429():
    visitor = Client(REMOTE_ADDR="203.0.113.7")

    statuses = [
        visitor.post(URL, filled_form(visitor, email=f"person{n}@example.com")).status_code
        for n in range(6)
    ]

    assert statuses == [302, 302, 302, 302, 302, 429]
    assert ContactMessage.objects.count() == 5
    assert Client(REMOTE_ADDR="203.0.113.8").post(URL, filled_form(visitor)).status_code == 302


def test_the_refused_sixth_message_comes_back_as_typed():
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(5):
        visitor.post(URL, filled_form(visitor, email=f"person{n}@example.com"))
    data = filled_form(visitor, email="person9@example.com", message="My sixth question")

    response = visitor.post(URL, data)

    assert response.status_code == 429
    assert error_summary(response) == [
        "You have sent several messages in the last hour. Please wait an hour before sending "
        "another; your text is still below."
    ]
    assert "My sixth question</textarea>" in response.content.decode()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_limit_is_per_visitor_and_a_spoofed_header_does_not_escape_it():
    proxy = "10.0.0.2"

    def via_proxy(spoofed: str, client_address: str) -> Client:
        return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_address}")

    # One visitor, who makes up a new address of their own for every post.
    statuses = []
    for n in range(6):
        visitor = via_proxy(f"192.0.2.{n}", "203.0.113.7")
        statuses.append(
            visitor.post(URL, filled_form(visitor, email=f"p{n}@example.com")).status_code
        )
    neighbour = via_proxy("192.0.2.1", "203.0.113.8")  # another visitor, the same proxy

    assert statuses == [302] * 5 + [429]
    assert neighbour.post(URL, filled_form(neighbour)).status_code == 302


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "Ada\r\nBcc: victim@example.org", "Write your name on one line."),
        ("name", "Ada\nBcc: victim@example.org", "Write your name on one line."),
        (
            "subject",
            f"{SUBJECT}\r\nBcc: victim@example.org",
            "Choose one of the subjects in the list.",
        ),
        ("subject", f"{SUBJECT}\n", "Choose one of the subjects in the list."),
        (
            "email",
            "ada@example.com\r\nBcc: victim@example.org",
            "Enter an email address like name@example.com.",
        ),
        (
            "email",
            "ada@example.com\nbcc:victim@example.org",
            "Enter an email address like name@example.com.",
        ),
    ],
)
def test_a_line_break_in_a_header_field_is_rejected_with_a_message(
    client, field, value, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, filled_form(client, **{field: value}))

    assert response.status_code == 400
    assert error_summary(response) == [message]
    assert_nothing_stored_or_sent()


def test_the_recipient_is_fixed_server_side_and_posted_recipients_are_ignored(
    client, django_capture_on_commit_callbacks
):
    data = filled_form(
        client, to=EVIL, recipient=EVIL, cc=EVIL, bcc=EVIL, staff_email=EVIL, reply_to=EVIL
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)

    assert response.status_code == 302
    staff, acknowledgement = mail.outbox
    assert (staff.to, staff.cc, staff.bcc) == ([STAFF], [], [])
    assert (acknowledgement.to, acknowledgement.cc, acknowledgement.bcc) == (
        ["ada@example.com"],
        [],
        [],
    )
    for email in mail.outbox:
        assert EVIL not in email.recipients()
        assert EVIL not in email.message().as_string()


def test_the_honeypot_is_hidden_from_people_and_blocks_a_bot_that_fills_it(client):
    page = client.get(URL).content.decode()
    trap = re.search(r'<div class="visually-hidden" aria-hidden="true">.*?</div>', page, re.S)
    assert trap and 'name="website"' in trap[0]
    assert 'tabindex="-1"' in trap[0] and 'autocomplete="off"' in trap[0]

    response = client.post(URL, filled_form(client, website="https://cheap-pills.example/"))

    assert response.status_code == 400
    assert error_summary(response) == ["Your message looks automated. Please try again."]
    assert_nothing_stored_or_sent()


def test_a_bot_that_posts_at_once_without_opening_the_form_is_blocked(client):
    bot_post = {
        "name": "Bot",
        "email": "bot@example.com",
        "subject": SUBJECT,
        "message": "Buy now",
        "submission_key": "9b2f0c1e-5a9e-4b8a-9d61-0c7c1a0e2f11",
    }

    response = client.post(URL, bot_post)

    assert response.status_code == 400
    assert error_summary(response) == [
        "This form expired. Please check your text and send it again."
    ]
    assert_nothing_stored_or_sent()
