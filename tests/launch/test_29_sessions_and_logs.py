"""Launch test 29: the session key rotates at login, logout (POST only) deletes the stored
session, a password change ends the other sessions and keeps this one (ASVS 7.2.4, 7.4.1,
7.4.3), with the database and the cached_db session engines; and every login event is
logged with its UTC time and the account as typed, CR/LF escaped."""

import logging
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from freezegun import freeze_time

from tests.accounts.builders import (
    CUSTOMER_LOGIN,
    CUSTOMER_PASSWORD,
    attempt,
    fail_logins,
    make_customer,
)

pytestmark = pytest.mark.django_db

ENGINES = [
    pytest.param("django.contrib.sessions.backends.db", id="db"),
    pytest.param("django.contrib.sessions.backends.cached_db", id="cached_db"),
]


@pytest.fixture(params=ENGINES)
def session_engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return import_module(request.param).SessionStore


def _key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_session_key_rotates_at_login_and_keeps_the_visitors_data(client, session_engine):
    ada = make_customer()
    session = client.session
    session["probe"] = "kept"
    session.save()
    before = _key(client)

    response = attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD)

    after = _key(client)
    assert response.status_code == 302
    assert after != before
    assert not session_engine().exists(before)
    assert session_engine(session_key=after)["probe"] == "kept"


def test_logout_is_post_only_and_deletes_the_stored_session(client, session_engine):
    ada = make_customer()
    attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD)
    key = _key(client)

    by_get = client.get("/account/logout/")  # allauth's page that asks to confirm
    still_in = client.get("/account/").status_code
    by_post = client.post("/account/logout/")

    assert by_get.status_code == 200
    assert 'method="post"' in by_get.content.decode()
    assert still_in == 200
    assert by_post.status_code == 302
    assert not session_engine().exists(key)
    assert session_engine(session_key=key).load() == {}
    assert client.get("/account/").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(session_engine):
    ada = make_customer()
    here, elsewhere = Client(), Client()
    attempt(here, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD)
    attempt(elsewhere, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD, ip="192.0.2.44")
    other_key = _key(elsewhere)
    assert elsewhere.get("/account/").status_code == 200

    new_password = "another-long-phrase-77"
    changed = here.post(
        "/account/password/change/",
        {"oldpassword": CUSTOMER_PASSWORD, "password1": new_password, "password2": new_password},
    )

    assert changed.status_code == 302
    page = here.get(changed["Location"])
    assert page.status_code == 200
    assert "Other devices were signed out" in page.content.decode()
    assert elsewhere.get("/account/")["Location"].startswith("/account/login/")
    assert not session_engine().exists(other_key)


def test_a_password_change_needs_the_current_password(client):
    ada = make_customer()
    client.force_login(ada)

    response = client.post(
        "/account/password/change/",
        {"oldpassword": "not-it", "password1": "x-long-one-55", "password2": "x-long-one-55"},
    )

    ada.refresh_from_db()
    assert response.status_code == 400  # the form again, with the reason
    assert "Please type your current password" in response.content.decode()
    assert ada.check_password(CUSTOMER_PASSWORD)


def _login_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "apothecary.accounts.logins"]


def test_login_success_failure_and_lockout_are_logged_with_utc_time(client, caplog, settings):
    settings.TIME_ZONE = "America/New_York"
    ada = make_customer()
    caplog.set_level(logging.INFO, logger="apothecary.accounts.logins")

    with freeze_time("2026-03-01 12:00:00"):
        attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD)
        client.post("/account/logout/")
        fail_logins(client, CUSTOMER_LOGIN, ada.email, settings.AXES_FAILURE_LIMIT)

    lines = _login_lines(caplog)
    at = "at=2026-03-01T12:00:00Z"
    tail = f'username="{ada.email}" ip=203.0.113.7 path={CUSTOMER_LOGIN}'
    assert lines[0] == f"login success {at} {tail}"
    assert (
        lines[1] == f'login logout {at} username="{ada.email}" ip=127.0.0.1 path=/account/logout/'
    )
    assert lines.count(f"login failure {at} {tail}") == settings.AXES_FAILURE_LIMIT
    assert f"login lockout {at} {tail}" in lines


def test_a_username_cannot_forge_a_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="apothecary.accounts.logins")

    # allauth's form refuses an address with a line break before any authenticate() call;
    # any other caller of authenticate() is logged through the same escaping.
    request = RequestFactory().post(CUSTOMER_LOGIN, REMOTE_ADDR="203.0.113.7")
    authenticate(request, email="ada\r\nFAKE LOG LINE", password="wrong")

    lines = _login_lines(caplog)
    assert len(lines) == 1
    assert 'username="ada\\r\\nFAKE LOG LINE"' in lines[0]
    assert "\n" not in lines[0] and "\r" not in lines[0]


def test_no_password_is_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    ada = make_customer()

    attempt(client, CUSTOMER_LOGIN, ada.email, "my-secret-guess-123")
    attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "my-secret-guess-123" not in logged
    assert CUSTOMER_PASSWORD not in logged
