"""Launch test 29: reset tokens work once and expire, with the same answer whether the
address has an account or not, and a limit per address and per email; an email change needs
the password and a confirmation at the new address (ASVS 7.5.1); passwords from 8 to at
least 64 characters are accepted and common ones refused (ASVS 6.2.x)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from freezegun import freeze_time

from tests.accounts.builders import (
    CUSTOMER_LOGIN,
    CUSTOMER_PASSWORD,
    account_emails,
    attempt,
    link_in,
    make_customer,
    visible_text,
)
from tests.helpers import spam_guard

pytestmark = pytest.mark.django_db

RESET = "/account/password/reset/"
NEW_PASSWORD = "a-brand-new-phrase-31"


def _reset_link() -> str:
    return link_in(account_emails()[-1], "/password/reset/key/")


def _use_reset_link(client, link, password=NEW_PASSWORD):
    """Open the link and, when it offers the form, set `password`: the last response."""
    opened = client.get(link, follow=True)
    if 'name="password1"' not in opened.content.decode():
        return opened
    return client.post(opened.redirect_chain[-1][0], {"password1": password, "password2": password})


def test_the_login_page_links_to_the_password_reset(client):
    assert f'href="{RESET}"' in client.get(CUSTOMER_LOGIN).content.decode()


def test_a_reset_is_answered_the_same_whether_the_address_has_an_account(client):
    make_customer()

    known = client.post(RESET, {**spam_guard(), "email": "ada@example.com"}, follow=True)
    unknown = client.post(
        RESET, {**spam_guard(), "email": "nobody@example.com"}, follow=True, REMOTE_ADDR="1.2.3.4"
    )

    assert (
        known.redirect_chain == unknown.redirect_chain == [("/account/password/reset/done/", 302)]
    )
    assert visible_text(known) == visible_text(unknown)
    assert [m.recipients() for m in account_emails()] == [["ada@example.com"]]


def test_the_reset_email_is_an_outbox_row_with_a_link_on_the_sites_address(client):
    make_customer()

    client.post(RESET, {**spam_guard(), "email": "ada@example.com"}, HTTP_HOST="localhost")

    (email,) = account_emails()
    assert email.recipients() == ["ada@example.com"]
    assert email.subject == "B12 Patch: Password Reset Email"
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    assert f"{base}/account/password/reset/key/" in email.text
    assert "//localhost" not in email.text


def test_a_reset_link_works_once(client):
    make_customer()
    client.post(RESET, {**spam_guard(), "email": "ada@example.com"})
    link = _reset_link()

    first = _use_reset_link(client, link)
    second = _use_reset_link(client, link, password="yet-another-phrase-8")

    assert first.status_code == 302
    assert second.status_code == 410
    assert "expired or was already used" in visible_text(second)
    assert attempt(client, CUSTOMER_LOGIN, "ada@example.com", NEW_PASSWORD).status_code == 302


def test_a_reset_link_expires(client):
    make_customer()
    with freeze_time("2026-03-01 10:00:00") as clock:
        client.post(RESET, {**spam_guard(), "email": "ada@example.com"})
        link = _reset_link()
        clock.tick(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
        late = _use_reset_link(client, link)

    assert late.status_code == 410
    assert "expired or was already used" in visible_text(late)
    assert get_user_model().objects.get(email="ada@example.com").check_password(CUSTOMER_PASSWORD)


def test_reset_requests_are_limited_per_email_and_per_address(client):
    make_customer()
    per_email = [
        client.post(
            RESET, {**spam_guard(), "email": "ada@example.com"}, REMOTE_ADDR=f"198.51.100.{n}"
        ).status_code
        for n in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 1)
    ]
    per_ip = [
        client.post(
            RESET, {**spam_guard(), "email": f"p{n}@example.com"}, REMOTE_ADDR="192.0.2.1"
        ).status_code
        for n in range(settings.PASSWORD_RESET_LIMIT_PER_IP + 1)
    ]

    assert per_email == [302] * settings.PASSWORD_RESET_LIMIT_PER_EMAIL + [429]
    assert per_ip == [302] * settings.PASSWORD_RESET_LIMIT_PER_IP + [429]
    assert len(account_emails()) == settings.PASSWORD_RESET_LIMIT_PER_EMAIL


# Email change (allauth's email page: the password again, a link to the new address, a
# notice to the old one).


def _ask_email_change(client, new_email="ada.new@example.com", password=CUSTOMER_PASSWORD):
    """The email page's form; allauth asks for the password first (unless it was typed in
    the last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds), then carries the change out."""
    asked = client.post("/account/email/", {"action_add": "", "email": new_email})
    if not asked.get("Location", "").startswith("/account/reauthenticate/"):
        return asked
    return client.post(asked["Location"], {"password": password})


def test_the_account_page_links_to_the_password_and_email_pages(client):
    client.force_login(make_customer())

    html = client.get("/account/").content.decode()

    assert 'href="/account/email/"' in html
    assert 'href="/account/password/change/"' in html


def test_an_email_change_needs_the_current_password(client):
    ada = make_customer()
    client.force_login(ada)

    asked = client.post("/account/email/", {"action_add": "", "email": "ada.new@example.com"})
    wrong = client.post(asked["Location"], {"password": "not-my-password"})

    ada.refresh_from_db()
    assert asked.status_code == 302
    assert asked["Location"].startswith("/account/reauthenticate/")
    assert wrong.status_code == 400
    assert "password" in wrong.context["form"].errors
    assert ada.email == "ada@example.com"
    assert account_emails() == []


def test_an_email_changes_only_when_the_link_sent_to_the_new_address_is_followed(client):
    ada = make_customer()
    client.force_login(ada)

    asked = _ask_email_change(client)
    ada.refresh_from_db()
    assert asked.status_code == 302
    assert ada.email == "ada@example.com"
    assert [m.recipients() for m in account_emails()] == [["ada.new@example.com"]]
    link = link_in(account_emails()[0], "/account/confirm-email/")

    shown = client.get(link)
    ada.refresh_from_db()
    assert shown.status_code == 200
    assert ada.email == "ada@example.com"  # a GET changes nothing

    done = client.post(link)
    again = client.post(link)

    ada.refresh_from_db()
    assert done.status_code == 302
    assert ada.email == "ada.new@example.com"
    notice = account_emails()[-1]
    assert notice.recipients() == ["ada@example.com"]
    assert "ada.new@example.com" in notice.text
    assert again.status_code == 410
    assert "expired or is invalid" in visible_text(again)
    client.post("/account/logout/")
    assert (
        attempt(client, CUSTOMER_LOGIN, "ada.new@example.com", CUSTOMER_PASSWORD).status_code == 302
    )


def test_an_email_change_link_expires_and_cannot_be_forged(client):
    ada = make_customer()
    client.force_login(ada)
    with freeze_time("2026-03-01 10:00:00") as clock:
        _ask_email_change(client)
        link = link_in(account_emails()[0], "/account/confirm-email/")
        clock.tick(timedelta(days=settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS, seconds=1))
        late = client.post(link)
    forged = client.post(re.sub(r"confirm-email/[^/]+/", "confirm-email/abc:def/", link))

    ada.refresh_from_db()
    assert late.status_code == forged.status_code == 410
    assert client.get(link).status_code == 410  # the page says so to a GET too
    assert ada.email == "ada@example.com"


def test_email_changes_are_limited_per_account(client, settings):
    ada = make_customer()
    client.force_login(ada)
    limit = settings.EMAIL_CHANGE_LIMIT_PER_USER

    statuses = [
        _ask_email_change(client, new_email=f"new{n}@example.com").status_code
        for n in range(limit + 1)
    ]

    # (the first change also counts the password check that resumed it)
    assert statuses[0] == 302
    assert statuses[-1] == 429
    assert len(account_emails()) < limit


# Password lengths and common passwords.


def _sign_up(client, password, email="new@example.com"):
    return client.post(
        "/account/signup/",
        {
            **spam_guard(),
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

    assert response.status_code == 400  # the form again, with the reason
    assert response.context["form"].errors["password1"]
    assert not get_user_model().objects.filter(email="new@example.com").exists()


def test_a_64_character_password_can_be_set_by_a_reset_and_used(client):
    make_customer()
    long_password = "correct horse battery staple " * 2 + "and more"
    assert len(long_password) >= 64
    client.post(RESET, {**spam_guard(), "email": "ada@example.com"})

    _use_reset_link(client, _reset_link(), password=long_password)

    assert attempt(client, CUSTOMER_LOGIN, "ada@example.com", long_password).status_code == 302


def test_a_reset_asked_by_a_script_is_refused_with_the_form_kept(client):
    make_customer()
    honeypot = client.post(RESET, {**spam_guard(), "website": "x", "email": "ada@example.com"})
    too_fast = client.post(RESET, {**spam_guard(seconds_ago=0), "email": "ada@example.com"})
    no_clock = client.post(RESET, {"email": "ada@example.com"})

    for response in (honeypot, too_fast, no_clock):
        assert response.status_code == 400
        assert response.context["form"]["email"].value() == "ada@example.com"
    assert account_emails() == []


def test_a_sign_up_by_a_script_is_refused_and_makes_no_account(client):
    data = {**spam_guard(), "website": "http://spam.example", "email": "bot@example.com"}
    response = client.post(
        "/account/signup/", {**data, "password1": "a long pass 1x", "password2": "a long pass 1x"}
    )

    assert response.status_code == 400
    assert "automated" in visible_text(response)
    assert not get_user_model().objects.filter(email="bot@example.com").exists()
