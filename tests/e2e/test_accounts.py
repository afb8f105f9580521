"""Accounts in real Chromium, at desktop and phone widths: a customer who forgot the password
asks for a reset, follows the emailed link (read from the outbox, as the mail would carry it),
chooses a new password and signs in; a staff member signs in to the admin with a password and
the code of their authenticator app."""

import pytest
from playwright.sync_api import expect

from tests.accounts.builders import (
    CUSTOMER_PASSWORD,
    STAFF_PASSWORD,
    account_emails,
    link_in,
    make_customer,
    make_staff,
)
from tests.accounts.mfa import totp_code, with_totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(1280, 900), (390, 844)]
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def wcag_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    return [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("width,height", SIZES)
def test_a_customer_resets_a_forgotten_password_and_signs_in(
    browser, live_server, screenshot_dir, settings, width, height
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    email = f"forgetful{width}@example.com"
    make_customer(email=email)
    new_password = "a-fresh-phrase-for-spring-7"

    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url("**/account/login/")
    page.screenshot(path=screenshot_dir / f"accounts-login-{width}.png", full_page=True)
    assert wcag_violations(page) == []
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill(email)
    page.wait_for_timeout(2100)  # a person takes a moment to type; the spam guard checks that
    page.get_by_role("button", name="Reset My Password").click()
    page.wait_for_url("**/account/password/reset/done/")
    page.screenshot(path=screenshot_dir / f"accounts-reset-sent-{width}.png", full_page=True)

    (message,) = [m for m in account_emails() if m.recipients() == [email]]
    page.goto(live_server.url + link_in(message, "/password/reset/key/"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New Password", exact=True).fill(new_password)
    page.get_by_label("New Password (again)").fill(new_password)
    page.screenshot(path=screenshot_dir / f"accounts-new-password-{width}.png", full_page=True)
    assert wcag_violations(page) == []
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_url("**/account/password/reset/key/done/")

    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)  # the old one no longer works
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_role("link", name="Account").first).to_be_visible()
    page.screenshot(path=screenshot_dir / f"accounts-signed-in-{width}.png", full_page=True)


@pytest.mark.parametrize("width,height", SIZES)
def test_staff_sign_in_to_the_admin_with_a_totp_code(
    browser, live_server, screenshot_dir, settings, width, height
):
    settings.STAFF_MFA_REQUIRED = True
    staff = make_staff(email=f"owner{width}@example.com")
    secret = with_totp(staff)

    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(live_server.url + "/admin/")
    page.wait_for_url("**/account/login/**")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/2fa/authenticate/")
    page.screenshot(path=screenshot_dir / f"accounts-admin-2fa-{width}.png", full_page=True)
    assert wcag_violations(page) == []
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")
    assert "Dashboard" in page.title()  # Wagtail's admin home, signed in
    page.screenshot(path=screenshot_dir / f"accounts-admin-dashboard-{width}.png")
