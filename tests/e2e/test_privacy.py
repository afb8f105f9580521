"""The person's data in real Chromium, at 1280 and 390 px: a signed-in customer downloads
their data (the ZIP holds their order) and deletes their account, after a wrong password
first; a guest sends the request form; every page passes axe's WCAG checks."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from apothecary.orders.models import Order
from apothecary.privacy.forms import GuestRequestForm
from tests.launch.customers import paid_order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long browser password 1"
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def wcag_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    return [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_a_customer_downloads_their_data_and_deletes_their_account(
    browser, live_server, screenshot_dir, width, height
):
    email = f"privacy.{width}@example.com"
    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    order = paid_order(email=email, name="Petra Private", user=user, delivered=False)

    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(live_server.url + "/privacy/export/")
    page.wait_for_url("**/account/login/**")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/privacy/export/")
    expect(page.get_by_role("heading", name="Download your data")).to_be_visible()
    assert wcag_violations(page) == []
    page.screenshot(path=screenshot_dir / f"privacy-export-{width}.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("button", name="Download my data").click()
    download = info.value
    assert download.suggested_filename.startswith("personal-data-")
    archive = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))
    assert {"README.txt", "index.json", "orders-order.json", "orders-order.csv"} <= set(
        archive.namelist()
    )
    [exported] = json.loads(archive.read("orders-order.json"))
    assert (exported["number"], exported["shipping_name"]) == (order.number, "Petra Private")
    [account] = json.loads(archive.read("accounts-user.json"))
    assert account["email"] == email and "password" not in account

    page.goto(live_server.url + "/privacy/delete-account/")
    assert wcag_violations(page) == []
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password. Nothing was deleted.")).to_be_visible()
    page.screenshot(
        path=screenshot_dir / f"privacy-delete-wrong-password-{width}.png", full_page=True
    )
    assert get_user_model().objects.filter(pk=user.pk).exists()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url("**/privacy/deleted/")
    expect(page.get_by_role("heading", name="Your data is deleted")).to_be_visible()
    assert wcag_violations(page) == []
    page.screenshot(path=screenshot_dir / f"privacy-deleted-{width}.png", full_page=True)

    page.goto(live_server.url + "/privacy/export/")  # signed out everywhere
    page.wait_for_url("**/account/login/**")
    context.close()

    assert not get_user_model().objects.filter(pk=user.pk).exists()
    order.refresh_from_db()
    assert order.email.endswith("@erased.invalid") and order.shipping_name == "Erased"
    assert Order.objects.filter(pk=order.pk, total=order.total).exists()


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_the_guest_request_form_is_accessible_and_answers_the_same_for_any_address(
    browser, live_server, screenshot_dir, monkeypatch, width, height
):
    # The spam guard's minimum fill time is tested in tests/privacy; here a browser is quick.
    monkeypatch.setattr(GuestRequestForm, "min_fill_seconds", 0)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + "/privacy/request/")
    expect(page.get_by_role("heading", name="Your data: a copy or its deletion")).to_be_visible()
    assert wcag_violations(page) == []
    page.screenshot(path=screenshot_dir / f"privacy-request-{width}.png", full_page=True)
    page.get_by_label("Your email address").fill(f"someone.{width}@example.com")
    page.get_by_label("Delete my data").check()
    page.get_by_role("button", name="Send me the link").click()
    page.wait_for_url("**/privacy/request/sent/")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    context.close()
