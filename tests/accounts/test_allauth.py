"""Accounts on django-allauth: accounts made before it still sign in, the old paths lead to
the new pages, every page is in the site's frame, guest orders join a confirmed account, the
header's sign-in link never reads the session, and staff sign in to the admin with a second
factor (a TOTP code or a recovery code), which the owner can reset."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client, RequestFactory

from apothecary.orders.models import Order
from tests.accounts.builders import (
    CUSTOMER_LOGIN,
    CUSTOMER_PASSWORD,
    STAFF_PASSWORD,
    account_emails,
    attempt,
    link_in,
    make_customer,
    make_staff,
)
from tests.accounts.mfa import recovery_codes, totp_code, with_totp
from tests.helpers import spam_guard

pytestmark = pytest.mark.django_db

ADMIN_SIGN_IN = "/account/login/?next=/admin/"


def test_an_account_made_before_allauth_still_signs_in(client):
    """The data migration gives every account without an address row one (primary,
    verified), and the account signs in with its old password."""
    migration = __import__(
        "apothecary.accounts.migrations.0002_allauth_email_addresses", fromlist=["x"]
    )
    ada = make_customer()
    EmailAddress.objects.filter(user=ada).delete()  # as before allauth

    migration.add_email_addresses(apps, None)

    address = EmailAddress.objects.get(user=ada)
    assert (address.email, address.primary, address.verified) == (ada.email, True, True)
    assert attempt(client, CUSTOMER_LOGIN, ada.email, CUSTOMER_PASSWORD).status_code == 302
    assert client.get("/account/").status_code == 200


def test_the_migration_leaves_existing_address_rows_alone():
    migration = __import__(
        "apothecary.accounts.migrations.0002_allauth_email_addresses", fromlist=["x"]
    )
    ada = make_customer()

    migration.add_email_addresses(apps, None)
    migration.add_email_addresses(apps, None)

    assert EmailAddress.objects.filter(user=ada).count() == 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/login/", "/account/login/?next=%2Fadmin%2F"),
        ("/_util/login/?next=/private/", "/account/login/?next=%2Fprivate%2F"),
        ("/account/password/", "/account/password/change/"),
        ("/account/password/reset/sent/", "/account/password/reset/done/"),
        ("/account/password/reset/MQ/abc-def/", "/account/password/reset/"),
        ("/account/email/confirm/abc:def/", "/account/email/"),
    ],
)
def test_the_old_paths_lead_to_the_new_pages(client, old, new):
    response = client.get(old)

    assert response.status_code == 302
    assert response["Location"] == new


def test_no_password_only_login_is_left_for_the_admin(client):
    """Wagtail's own login form is never shown: a POST to it is sent to the site's page too."""
    make_staff()

    response = client.post("/admin/login/", {"username": "boss@example.com", "password": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    admin = client.get("/admin/pages/", follow=True)
    assert admin.redirect_chain[-1][0] == "/account/login/?next=%2Fadmin%2Fpages%2F"


def test_a_signed_in_customer_is_told_the_admin_is_not_for_them(client):
    client.force_login(make_customer())

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert "No access to the admin" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/account/login/", "/account/signup/", "/account/password/reset/"]
)
def test_allauth_pages_are_in_the_sites_frame_with_labelled_fields(client, path):
    response = client.get(path)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'href="/static/css/site.css"' in html or "css/site" in html
    assert '<meta name="robots" content="noindex">' in html
    for field_id in re.findall(r'<input[^>]+type="(?:email|password|text)"[^>]+id="([^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id
    # no inline script without the request's nonce (CSP)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, tag


# The header's link: "Sign in" or "Account", from the session cookie's presence only.


def _header_link(cookies: dict) -> tuple[str, object]:
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies)
    html = Template("{% load account_link %}{% account_link %}").render(
        Context({"request": request})
    )
    return html, request


def test_a_visitor_without_a_session_cookie_is_offered_sign_in():
    html, _ = _header_link({})

    assert html == '<a class="account-link" href="/account/login/">Sign in</a>'


def test_a_visitor_with_a_session_cookie_is_offered_the_account():
    html, request = _header_link({settings.SESSION_COOKIE_NAME: "anything"})

    assert html == '<a class="account-link" href="/account/">Account</a>'
    assert not hasattr(request, "session")  # the tag never opened a session


def test_a_public_page_shows_the_link_and_stays_cacheable(client):
    anonymous = client.get("/")
    with_cookie = Client()
    with_cookie.cookies[settings.SESSION_COOKIE_NAME] = "stale-or-not"
    signed = with_cookie.get("/")

    assert '<a class="account-link" href="/account/login/">Sign in</a>' in anonymous.text
    assert '<a class="account-link" href="/account/">Account</a>' in signed.text
    assert "public" in anonymous["Cache-Control"]
    assert settings.SESSION_COOKIE_NAME not in anonymous.cookies  # no session was started


def test_the_account_page_lists_orders_addresses_and_sign_in_links(client):
    from tests.store import make_cart, make_product, make_zone, place_order

    ada = make_customer()
    product = make_product()
    order = place_order(cart=make_cart((product.variants.first(), 1)), rate=make_zone())
    Order.objects.filter(pk=order.pk).update(user=ada)
    client.force_login(ada)

    html = client.get("/account/").content.decode()

    assert order.number in html
    assert order.shipping_line1 in html and order.shipping_postcode in html
    assert 'href="/account/password/change/"' in html
    assert 'href="/account/email/"' in html
    assert 'action="/account/logout/"' in html
    assert "/account/2fa/" not in html  # two-factor is offered to staff
    assert "{# your data" not in html


# Guest orders join the account once its address is confirmed.


def test_a_guests_orders_join_the_account_when_the_address_is_confirmed(client):
    from tests.store import make_cart, make_product, make_zone, place_order

    product = make_product()
    guest_order = place_order(
        cart=make_cart((product.variants.first(), 1)), rate=make_zone(), email="Neo@Example.com"
    )
    other = make_customer(email="someone@example.com")
    others_order = place_order(
        cart=make_cart((product.variants.first(), 1)), rate=make_zone(), email="neo@example.com"
    )
    Order.objects.filter(pk=others_order.pk).update(user=other)

    signed_up = client.post(
        "/account/signup/",
        {
            **spam_guard(),
            "email": "neo@example.com",
            "password1": "Zq7#vL2m-long",
            "password2": "Zq7#vL2m-long",
        },
    )
    guest_order.refresh_from_db()
    assert signed_up.status_code == 302
    assert guest_order.user is None  # not before the address is proven

    link = link_in(account_emails()[-1], "/account/confirm-email/")
    client.post(link)
    attempt(client, CUSTOMER_LOGIN, "neo@example.com", "Zq7#vL2m-long")

    guest_order.refresh_from_db()
    others_order.refresh_from_db()
    assert guest_order.user.email == "neo@example.com"
    assert others_order.user == other
    assert guest_order.number in client.get("/account/").content.decode()


# Staff two-factor.


def _sign_in_to_admin(client, staff, password=STAFF_PASSWORD):
    return client.post(ADMIN_SIGN_IN, {"login": staff.email, "password": password})


def test_staff_sign_in_to_the_admin_with_a_totp_code(client):
    staff = make_staff()
    secret = with_totp(staff)

    first = _sign_in_to_admin(client, staff)
    not_yet = client.get("/admin/")
    wrong = client.post("/account/2fa/authenticate/", {"code": "000000"})
    right = client.post("/account/2fa/authenticate/", {"code": totp_code(secret)})

    assert first.status_code == 302
    assert first["Location"] == "/account/2fa/authenticate/"
    assert not_yet["Location"].startswith("/admin/login/")
    assert wrong.status_code == 200
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_sign_in_with_a_recovery_code_which_works_once(client):
    staff = make_staff()
    with_totp(staff)
    code = recovery_codes(staff)[0]

    _sign_in_to_admin(client, staff)
    used = client.post("/account/2fa/authenticate/", {"code": code})
    assert used.status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/account/logout/")

    _sign_in_to_admin(client, staff)
    again = client.post("/account/2fa/authenticate/", {"code": code})

    assert again.status_code == 200
    assert client.get("/admin/").status_code == 302
    assert code not in recovery_codes(staff)


def test_staff_without_two_factor_are_sent_to_set_it_up_when_it_is_required(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    staff = make_staff()
    _sign_in_to_admin(client, staff)

    admin = client.get("/admin/")
    password_again = client.get(admin["Location"])  # allauth asks for the password first
    setup = client.post(password_again["Location"], {"password": STAFF_PASSWORD}, follow=True)

    assert admin.status_code == 302
    assert admin["Location"] == "/account/2fa/totp/activate/?next=%2Fadmin%2F"
    assert password_again["Location"].startswith("/account/reauthenticate/")
    assert setup.status_code == 200
    html = setup.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, allowed by img-src data:
    assert "data:" in setup["Content-Security-Policy"].split("img-src")[1].split(";")[0]


def test_customers_and_two_factor_staff_are_not_held_up(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    staff = make_staff()
    secret = with_totp(staff)
    _sign_in_to_admin(client, staff)
    client.post("/account/2fa/authenticate/", {"code": totp_code(secret)})

    assert client.get("/admin/").status_code == 200
    customer = Client()
    customer.force_login(make_customer())
    assert customer.get("/account/").status_code == 200


def test_staff_may_use_the_admin_without_two_factor_when_not_required(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    staff = make_staff()
    _sign_in_to_admin(client, staff)

    assert client.get("/admin/").status_code == 200


def test_the_staff_two_factor_requirement_follows_debug_and_the_environment():
    import subprocess
    import sys

    def read(env):
        code = "from django.conf import settings; print(settings.STAFF_MFA_REQUIRED)"
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={
                "PATH": "/usr/bin:/bin",
                "DJANGO_SETTINGS_MODULE": "apothecary.settings",
                "ALLOW_DUMMY_PAYMENTS": "1",
                "SECRET_KEY": "x" * 50,
                "ALLOWED_HOSTS": "example.com",
                "EMAIL_URL": "smtp://localhost:25",
                **env,
            },
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert read({"DEBUG": "1"}) == "False"
    assert read({"DEBUG": "0"}) == "True"
    assert read({"DEBUG": "0", "STAFF_MFA_REQUIRED": "0"}) == "False"


def test_mfa_reset_removes_the_authenticators_and_ends_the_sessions(client):
    staff = make_staff()
    secret = with_totp(staff)
    _sign_in_to_admin(client, staff)
    client.post("/account/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/admin/").status_code == 200

    out = StringIO()
    call_command("mfa_reset", "BOSS@example.com", stdout=out)

    assert not Authenticator.objects.filter(user=staff).exists()
    assert "2 authenticator(s) removed, 1 session(s) ended" in out.getvalue()
    assert client.get("/admin/").status_code == 302
    fresh = Client()
    signed_in = _sign_in_to_admin(fresh, staff)
    assert signed_in["Location"] == "/admin/"  # password only, then asked to set up TOTP


def test_mfa_reset_refuses_an_unknown_address():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No account"):
        call_command("mfa_reset", "nobody@example.com")


def test_security_keys_can_be_added_with_scripts_from_our_origin_only(client):
    """WebAuthn (fido2): the page loads allauth's scripts from our static files and passes
    its data in a JSON block, never an inline script (CSP)."""
    staff = make_staff()
    secret = with_totp(staff)
    _sign_in_to_admin(client, staff)
    client.post("/account/2fa/authenticate/", {"code": totp_code(secret)})
    asked = client.get("/account/2fa/webauthn/add/")
    page = client.post(asked["Location"], {"password": STAFF_PASSWORD}, follow=True)

    html = page.content.decode()
    assert page.status_code == 200
    assert "mfa/js/webauthn.js" in html
    assert 'type="application/json"' in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
