"""Launch test 29: reset tokens work once and expire, with the same answer whether the
address has an account or not, and a limit per address and per email; an email change needs
the password and a confirmation at the new address (ASVS 7.5.1); passwords from 8 to at
least 64 characters are accepted and common ones refused (ASVS 6.2.x)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.template.loader import render_to_string
from freezegun import freeze_time

from tests.accounts.builders import (
    CUSTOMER_LOGIN,
    CUSTOMER_PASSWORD,
    attempt,
    make_customer,
    visible_text,
)

pytestmark = pytest.mark.django_db

RESET = "/account/password/reset/"
NEW_PASSWORD = "a-brand-new-phrase-31"


def _link(message, marker) -> str:
    url = next(word for word in message.body.split() if marker in word)
    return url.removeprefix(settings.WAGTAILADMIN_BASE_URL)


def _use_reset_link(client, link, password=NEW_PASSWORD):
    """Open the link and, when it offers the form, set `password`: the last response."""
    opened = client.get(link, follow=True)
    if 'name="new_password1"' not in opened.content.decode():
        return opened
    return client.post(
        opened.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_the_login_page_links_to_the_password_reset(client):
    assert f'href="{RESET}"' in client.get(CUSTOMER_LOGIN).content.decode()


def test_a_reset_is_answered_the_same_whether_the_address_has_an_account(client):
    make_customer()

    known = client.post(RESET, {"email": "ada@example.com"}, follow=True)
    unknown = client.post(
        RESET, {"email": "nobody@example.com"}, follow=True, REMOTE_ADDR="1.2.3.4"
    )

    assert (
        known.redirect_chain == unknown.redirect_chain == [("/account/password/reset/sent/", 302)]
    )
    assert visible_text(known) == visible_text(unknown)
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]


def test_a_reset_link_works_once(client):
    make_customer()
    client.post(RESET, {"email": "ada@example.com"})
    link = _link(mail.outbox[-1], "/password/reset/")

    first = _use_reset_link(client, link)
    second = _use_reset_link(client, link, password="yet-another-phrase-8")

    assert first.status_code == 302
    assert "expired or was already used" in visible_text(second)
    assert attempt(client, CUSTOMER_LOGIN, "ada@example.com", NEW_PASSWORD).status_code == 302


def test_a_reset_link_expires(client):
    make_customer()
    with freeze_time("2026-03-01 10:00:00") as clock:
        client.post(RESET, {"email": "ada@example.com"})
        link = _link(mail.outbox[-1], "/password/reset/")
        clock.tick(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
        late = _use_reset_link(client, link)

    assert "expired or was already used" in visible_text(late)
    assert get_user_model().objects.get(email="ada@example.com").check_password(CUSTOMER_PASSWORD)


def test_reset_requests_are_limited_per_email_and_per_address(client):
    make_customer()
    per_email = [
        client.post(RESET, {"email": "ada@example.com"}, REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 1)
    ]
    per_ip = [
        client.post(RESET, {"email": f"p{n}@example.com"}, REMOTE_ADDR="192.0.2.1").status_code
        for n in range(settings.PASSWORD_RESET_LIMIT_PER_IP + 1)
    ]

    assert per_email == [302] * settings.PASSWORD_RESET_LIMIT_PER_EMAIL + [429]
    assert per_ip == [302] * settings.PASSWORD_RESET_LIMIT_PER_IP + [429]
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_EMAIL


def test_the_account_emails_escape_what_they_show():
    hostile = '<a href="https://evil.example">win</a>'
    for template in (
        "accounts/email/password_reset.txt",
        "accounts/email/email_change_confirm.txt",
        "accounts/email/email_changed.txt",
    ):
        text = render_to_string(
            template,
            {
                "brand_name": hostile,
                "reset_url": hostile,
                "confirm_url": hostile,
                "new_email": hostile,
                "hours": 1,
            },
        )
        assert "<a href" not in text, template
        assert "&lt;a href=" in text, template


# Email change.


def _ask_email_change(client, new_email="ada.new@example.com", password=CUSTOMER_PASSWORD):
    return client.post("/account/email/", {"new_email": new_email, "password": password})


def test_the_account_page_has_the_email_change_form(client):
    client.force_login(make_customer())

    html = client.get("/account/").content.decode()

    assert 'action="/account/email/"' in html
    assert 'name="new_email"' in html and 'name="password"' in html
    assert 'href="/account/password/"' in html


def test_an_email_change_needs_the_current_password(client):
    ada = make_customer()
    client.force_login(ada)

    response = _ask_email_change(client, password="not-my-password")

    ada.refresh_from_db()
    assert response.status_code == 400
    assert "not your current password" in visible_text(response)
    assert ada.email == "ada@example.com"
    assert mail.outbox == []


def test_an_email_changes_only_when_the_link_sent_to_the_new_address_is_followed(
    client, django_capture_on_commit_callbacks
):
    ada = make_customer()
    client.force_login(ada)

    asked = _ask_email_change(client)
    ada.refresh_from_db()
    assert asked.status_code == 302
    assert ada.email == "ada@example.com"
    assert [m.to for m in mail.outbox] == [["ada.new@example.com"]]
    link = _link(mail.outbox[0], "/account/email/confirm/")

    shown = client.get(link)
    ada.refresh_from_db()
    assert shown.status_code == 200
    assert ada.email == "ada@example.com"  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    again = client.post(link)

    ada.refresh_from_db()
    assert done.status_code == 302
    assert ada.email == "ada.new@example.com"
    assert mail.outbox[-1].to == ["ada@example.com"]
    assert "ada.new@example.com" in mail.outbox[-1].body
    assert again.status_code == 400
    assert (
        attempt(client, CUSTOMER_LOGIN, "ada.new@example.com", CUSTOMER_PASSWORD).status_code == 302
    )


def test_an_email_change_link_expires_and_cannot_be_forged(client):
    ada = make_customer()
    client.force_login(ada)
    with freeze_time("2026-03-01 10:00:00") as clock:
        _ask_email_change(client)
        link = _link(mail.outbox[0], "/account/email/confirm/")
        clock.tick(timedelta(seconds=settings.EMAIL_CHANGE_TIMEOUT + 1))
        late = client.post(link)
    forged = client.post(re.sub(r"confirm/[^/]+/", "confirm/eyJ1c2VyIjoxfQ:abc:def/", link))

    ada.refresh_from_db()
    assert late.status_code == forged.status_code == 400
    assert ada.email == "ada@example.com"


def test_an_email_change_is_not_a_password_oracle(client, settings):
    settings.EMAIL_CHANGE_LIMIT_PER_USER = 3
    client.force_login(make_customer())
    for n in range(3):
        _ask_email_change(client, password=f"guess-{n}")

    response = _ask_email_change(client)

    assert response.status_code == 429
    assert "not your current password" not in visible_text(response)
    assert mail.outbox == []


# Password lengths and common passwords.


def _sign_up(client, password, email="new@example.com"):
    return client.post(
        "/account/signup/",
        {
            "email": email,
            "first_name": "N",
            "last_name": "R",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.parametrize("length", [8, 64, 128])
def test_passwords_of_8_to_128_characters_are_accepted(client, length):
    password = ("Zq7#vL2m" * 16)[:length]

    response = _sign_up(client, password)

    assert response.status_code == 302
    assert get_user_model().objects.get(email="new@example.com").check_password(password)


@pytest.mark.parametrize("password", ["Zq7#vL2", "password123", "qwertyuiop", "12345678901"])
def test_short_common_and_numeric_passwords_are_refused(client, password):
    response = _sign_up(client, password)

    assert response.status_code == 400
    assert not get_user_model().objects.filter(email="new@example.com").exists()


def test_a_64_character_password_can_be_set_by_a_reset_and_used(client):
    make_customer()
    long_password = "correct horse battery staple " * 2 + "and more"
    assert len(long_password) >= 64
    client.post(RESET, {"email": "ada@example.com"})

    _use_reset_link(client, _link(mail.outbox[-1], "/password/reset/"), password=long_password)

    assert attempt(client, CUSTOMER_LOGIN, "ada@example.com", long_password).status_code == 302
