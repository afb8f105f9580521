"""Launch test 29, first bullet: every login (the admin's, the customer's, Wagtail's
private-page login and the page-password form) is throttled per account and per IP address,
with the same message for an unknown account and a wrong password, a 429 page past the limit
that refuses even the right password, and a way back by time or by a password reset
(ASVS 6.3.1). The audit's case: 40 wrong admin passwords, then the right one, all accepted."""

import time
from datetime import timedelta

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import caches
from django.test import RequestFactory
from freezegun import freeze_time

from tests.accounts.builders import (
    ADMIN_LOGIN,
    CUSTOMER_LOGIN,
    CUSTOMER_PASSWORD,
    PAGE_PASSWORD,
    PRIVATE_PAGE_LOGIN,
    STAFF_PASSWORD,
    account_emails,
    attempt,
    fail_logins,
    form_errors,
    link_in,
    make_customer,
    make_staff,
    page_password_url,
    password_protected_page,
    visible_text,
)
from tests.helpers import spam_guard

pytestmark = pytest.mark.django_db

LOCKED_TITLE = "Too many sign-in attempts"
LOGINS = [
    pytest.param(ADMIN_LOGIN, "staff", id="admin"),
    pytest.param(CUSTOMER_LOGIN, "customer", id="customer"),
    pytest.param(PRIVATE_PAGE_LOGIN, "customer", id="private-page"),
]


def _person(kind):
    if kind == "staff":
        return make_staff(), STAFF_PASSWORD
    return make_customer(), CUSTOMER_PASSWORD


def _signed_in(client, url) -> bool:
    if url == ADMIN_LOGIN:
        return client.get("/admin/").status_code == 200
    return client.get("/account/").status_code == 200


def test_the_41st_admin_login_after_40_wrong_passwords_is_refused_even_if_right(client):
    staff = make_staff()
    limit = settings.AXES_FAILURE_LIMIT

    statuses = fail_logins(client, ADMIN_LOGIN, staff.email, 40)
    forty_first = attempt(client, ADMIN_LOGIN, staff.email, STAFF_PASSWORD)

    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[limit - 1 :] == [429] * (40 - limit + 1)
    assert forty_first.status_code == 429
    assert LOCKED_TITLE in visible_text(forty_first)
    assert f"paused for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in visible_text(
        forty_first
    )
    assert forty_first["Retry-After"] == str(settings.AXES_COOLOFF_TIME.seconds)
    assert not _signed_in(client, ADMIN_LOGIN)


@pytest.mark.parametrize(("url", "kind"), LOGINS)
def test_a_lockout_refuses_the_right_password_until_the_cool_off_ends(client, url, kind):
    person, password = _person(kind)
    limit = settings.AXES_FAILURE_LIMIT
    cool_off = settings.AXES_COOLOFF_TIME

    with freeze_time("2026-03-01 10:00:00") as clock:
        statuses = fail_logins(client, url, person.email, limit)
        clock.tick(cool_off - timedelta(minutes=1))
        still_locked = attempt(client, url, person.email, password)
        clock.tick(timedelta(minutes=1, seconds=1))
        after_cool_off = attempt(client, url, person.email, password)
        signed_in = _signed_in(client, url)  # (sessions expire two weeks after the frozen day)

    assert statuses == [200] * (limit - 1) + [429]
    assert still_locked.status_code == 429
    assert LOCKED_TITLE in visible_text(still_locked)
    assert after_cool_off.status_code == 302
    assert signed_in


@pytest.mark.parametrize(("url", "kind"), LOGINS)
def test_an_unknown_account_and_a_wrong_password_get_the_same_answer(client, url, kind):
    person, _ = _person(kind)

    unknown = attempt(client, url, "nobody@example.com", "whatever-it-is", ip="198.51.100.1")
    wrong = attempt(client, url, person.email, "whatever-it-is", ip="198.51.100.2")

    assert unknown.status_code == wrong.status_code == 200
    assert form_errors(unknown) == form_errors(wrong)
    assert len(form_errors(wrong)) == 1
    assert "nobody@example.com" not in form_errors(unknown)[0]


@pytest.mark.parametrize(("url", "kind"), LOGINS)
def test_the_lockout_page_is_the_same_for_an_unknown_account(client, url, kind):
    person, _ = _person(kind)
    limit = settings.AXES_FAILURE_LIMIT

    fail_logins(client, url, "nobody@example.com", limit, ip="198.51.100.1")
    fail_logins(client, url, person.email, limit, ip="198.51.100.2")
    unknown = attempt(client, url, "nobody@example.com", "x", ip="198.51.100.1")
    known = attempt(client, url, person.email, "x", ip="198.51.100.2")

    assert unknown.status_code == known.status_code == 429
    assert visible_text(unknown) == visible_text(known)


def test_one_account_is_locked_whatever_address_the_attempts_come_from(client):
    ada = make_customer()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, CUSTOMER_LOGIN, ada.email, "wrong", ip=f"198.51.100.{n + 1}")

    response = attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD, ip="192.0.2.200")

    assert response.status_code == 429


def test_an_account_typed_in_capitals_counts_as_the_same_account(client):
    ada = make_customer()
    for n in range(settings.AXES_FAILURE_LIMIT):
        spelling = ada.email.upper() if n % 2 else f"  {ada.email}"
        attempt(client, CUSTOMER_LOGIN, spelling, "wrong", ip=f"198.51.100.{n + 1}")

    response = attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD, ip="192.0.2.200")

    assert response.status_code == 429


def test_one_address_is_locked_for_every_account_and_others_are_not(client, django_user_model):
    ada = make_customer()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, CUSTOMER_LOGIN, f"guess{n}@example.com", "wrong", ip="203.0.113.9")

    from_there = attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD, ip="203.0.113.9")
    elsewhere = attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD, ip="192.0.2.1")

    assert from_there.status_code == 429
    assert elsewhere.status_code == 302


def test_a_right_password_before_the_limit_clears_the_count(client):
    ada = make_customer()
    limit = settings.AXES_FAILURE_LIMIT
    fail_logins(client, CUSTOMER_LOGIN, ada.email, limit - 1)
    assert attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD).status_code == 302
    client.post("/account/logout/")

    statuses = fail_logins(client, CUSTOMER_LOGIN, ada.email, limit - 1)

    assert statuses == [200] * (limit - 1)
    assert attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD).status_code == 302


def test_a_password_reset_ends_the_lockout_at_once(client):
    ada = make_customer()
    fail_logins(client, CUSTOMER_LOGIN, ada.email, settings.AXES_FAILURE_LIMIT)
    locked = attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD)
    assert locked.status_code == 429
    assert "/account/password/reset/" in locked.content.decode()

    client.post("/account/password/reset/", {**spam_guard(), "email": ada.email})
    link = link_in(account_emails()[-1], "/password/reset/key/")
    form_page = client.get(link, follow=True)
    new_password = "a-brand-new-phrase-31"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302

    assert attempt(client, CUSTOMER_LOGIN, ada.email, new_password).status_code == 302


def test_any_new_password_ends_the_lockout_the_admins_reset_too(client):
    staff = make_staff()
    fail_logins(client, ADMIN_LOGIN, staff.email, settings.AXES_FAILURE_LIMIT)
    assert attempt(client, ADMIN_LOGIN, staff.email, STAFF_PASSWORD).status_code == 429

    staff.set_password("a-fresh-admin-phrase-4")  # what every reset and change form does
    staff.save()

    assert attempt(client, ADMIN_LOGIN, staff.email, "a-fresh-admin-phrase-4").status_code == 302
    assert _signed_in(client, ADMIN_LOGIN)


def test_saving_a_user_without_a_new_password_keeps_the_lockout(client):
    ada = make_customer()
    fail_logins(client, CUSTOMER_LOGIN, ada.email, settings.AXES_FAILURE_LIMIT)

    ada.first_name = "Ada"
    ada.save()

    assert attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD).status_code == 429


def test_the_admin_lockout_page_offers_the_password_reset(client):
    """Staff sign in on the site's page (the admin's login sends there): a locked-out staff
    member sees the same page as a customer, with the one password reset."""
    staff = make_staff()
    fail_logins(client, ADMIN_LOGIN, staff.email, settings.AXES_FAILURE_LIMIT)

    response = attempt(client, ADMIN_LOGIN, staff.email, STAFF_PASSWORD)

    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_TITLE in visible_text(response)
    assert 'href="/account/password/reset/"' in html


def test_lockouts_are_counted_in_the_database_even_with_the_cache_unreachable(monkeypatch):
    """Axes' database handler: with every cache call failing, failures still count, lock,
    and refuse the right password (the gate fails closed, never open)."""
    ada = make_customer()

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    for name in ("get", "set", "add", "incr", "delete", "get_many", "set_many", "has_key"):
        monkeypatch.setattr(type(caches["default"]), name, unreachable)

    def login_request():
        return RequestFactory().post(CUSTOMER_LOGIN, REMOTE_ADDR="203.0.113.7")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert authenticate(login_request(), username=ada.email, password="wrong") is None
    request = login_request()
    right = authenticate(request, username=ada.email, password=CUSTOMER_PASSWORD)

    assert right is None
    assert AxesProxyHandler.is_locked(login_request(), {"username": ada.email})
    assert AccessAttempt.objects.filter(username=ada.email).count() == 1


# Wagtail's page-password form: not an authenticate() call, counted by core.ratelimit.


def _post_page_password(client, page, restriction, password, ip="203.0.113.7"):
    return client.post(
        page_password_url(page, restriction),
        {"password": password, "return_url": page.url},
        REMOTE_ADDR=ip,
    )


def test_a_page_password_is_refused_with_429_past_the_limit_per_address(client):
    page, restriction = password_protected_page()
    limit = settings.PAGE_PASSWORD_LIMIT_PER_IP

    wrong = [
        _post_page_password(client, page, restriction, f"guess-{n}").status_code
        for n in range(limit)
    ]
    right = _post_page_password(client, page, restriction, PAGE_PASSWORD)
    elsewhere = _post_page_password(client, page, restriction, PAGE_PASSWORD, ip="192.0.2.5")

    assert wrong == [200] * limit
    assert right.status_code == 429
    assert "Too many password attempts" in visible_text(right)
    assert right["Retry-After"] == str(settings.PAGE_PASSWORD_WINDOW_SECONDS)
    assert elsewhere.status_code == 302
    assert client.get(page.url).status_code == 200


def test_a_wrong_page_password_says_so_and_the_right_one_opens_the_page(client):
    page, restriction = password_protected_page()

    asked = client.get(page.url)
    wrong = _post_page_password(client, page, restriction, "not-it")
    right = _post_page_password(client, page, restriction, PAGE_PASSWORD)

    assert 'name="password"' in asked.content.decode()
    assert wrong.status_code == 200
    assert "not correct" in visible_text(wrong)
    assert right.status_code == 302
    assert client.get(page.url).status_code == 200


def test_a_page_password_is_limited_per_restriction_from_every_address(client, settings):
    settings.PAGE_PASSWORD_LIMIT_PER_RESTRICTION = 3
    page, restriction = password_protected_page()
    for n in range(3):
        _post_page_password(client, page, restriction, "guess", ip=f"198.51.100.{n + 1}")

    response = _post_page_password(client, page, restriction, PAGE_PASSWORD, ip="192.0.2.9")

    assert response.status_code == 429


def test_the_page_password_limit_ends_with_its_window(client, settings):
    settings.PAGE_PASSWORD_WINDOW_SECONDS = 1
    page, restriction = password_protected_page()
    for n in range(settings.PAGE_PASSWORD_LIMIT_PER_IP):
        _post_page_password(client, page, restriction, f"guess-{n}")
    assert _post_page_password(client, page, restriction, PAGE_PASSWORD).status_code == 429

    time.sleep(1.2)

    assert _post_page_password(client, page, restriction, PAGE_PASSWORD).status_code == 302
