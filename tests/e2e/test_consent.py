"""The cookie banner in real Chromium, at desktop and phone width: shown on a first visit,
Reject all hides it (no reload) and a referral link then sets no referral cookie, Accept all
lets the referral cookie in, the form works without JavaScript, "Cookie settings" reopens it
(by keyboard too), and Global Privacy Control is said and obeyed. Axe-checked throughout."""

import pytest
from playwright.sync_api import expect

from apothecary.consent.models import ConsentRecord

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(1280, 900), (390, 844)]
REFERRAL_LINK = "/r/b12friend"  # the demo affiliate's short link
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def wcag_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    return [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations]


def banner(page):
    return page.get_by_role("region", name="Cookies on this site")


def cookies(context) -> dict:
    return {cookie["name"]: cookie["value"] for cookie in context.cookies()}


def follow_referral_link(page, live_server) -> dict:
    page.goto(live_server.url + REFERRAL_LINK)
    page.wait_for_url(live_server.url + "/")
    return cookies(page.context)


@pytest.mark.parametrize("width,height", SIZES)
def test_reject_all_hides_the_banner_and_no_referral_cookie_is_set(
    browser, live_server, screenshot_dir, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + "/faq/")
    expect(banner(page)).to_be_visible()
    accept = banner(page).get_by_role("button", name="Accept all")
    reject = banner(page).get_by_role("button", name="Reject all")
    accept_box, reject_box = accept.bounding_box(), reject.bounding_box()
    assert abs(accept_box["width"] - reject_box["width"]) < 1
    assert abs(accept_box["height"] - reject_box["height"]) < 1
    assert accept.get_attribute("class") == reject.get_attribute("class")
    assert not banner(page).get_by_text("Global Privacy Control").is_visible()
    page.screenshot(path=screenshot_dir / f"consent-banner-{width}.png")
    assert wcag_violations(page) == []

    banner(page).get_by_text("Choose", exact=True).click()
    expect(banner(page).get_by_label("Marketing")).to_be_visible()
    assert banner(page).get_by_label("Necessary").is_disabled()
    page.screenshot(path=screenshot_dir / f"consent-banner-choose-{width}.png")
    assert wcag_violations(page) == []

    page.evaluate("window.stillThisPage = true")
    reject.click()
    banner(page).wait_for(state="hidden")
    assert page.evaluate("window.stillThisPage") is True  # hidden by the script, no reload
    assert cookies(context)["cookie_consent"].endswith("|necessary")
    record = ConsentRecord.objects.get()
    assert (record.categories, record.source) == (["necessary"], "js")

    page.reload()
    assert not banner(page).is_visible()  # the stored choice hides it before it paints
    assert "ref" not in follow_referral_link(page, live_server)
    context.close()


@pytest.mark.parametrize("width,height", SIZES)
def test_accept_all_lets_the_referral_cookie_in(browser, live_server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert "ref" not in follow_referral_link(page, live_server)  # before any choice
    banner(page).get_by_role("button", name="Accept all").click()
    banner(page).wait_for(state="hidden")
    assert ConsentRecord.objects.get().categories == [
        "necessary",
        "preferences",
        "analytics",
        "marketing",
    ]
    assert follow_referral_link(page, live_server)["ref"]
    context.close()


@pytest.mark.parametrize("width,height", SIZES)
def test_without_javascript_the_banner_is_a_form_that_returns_to_the_page(
    browser, live_server, screenshot_dir, width, height
):
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/faq/")
    expect(banner(page)).to_be_visible()
    page.screenshot(path=screenshot_dir / f"consent-banner-nojs-{width}.png")
    banner(page).get_by_role("button", name="Reject all").click()
    page.wait_for_url(live_server.url + "/faq/")
    assert cookies(context)["cookie_consent"].endswith("|necessary")
    assert ConsentRecord.objects.get().source == "banner"
    expect(banner(page)).to_be_visible()  # without JavaScript nothing can hide it: it stays

    banner(page).get_by_text("Choose", exact=True).click()  # <details>: no script needed
    banner(page).get_by_label("Marketing").check()
    banner(page).get_by_role("button", name="Save my choices").click()
    page.wait_for_url(live_server.url + "/faq/")
    assert ConsentRecord.objects.latest("created_at").categories == ["necessary", "marketing"]
    assert follow_referral_link(page, live_server)["ref"]

    page.get_by_role("link", name="Cookie settings").click()
    page.wait_for_url(live_server.url + "/consent/")
    expect(page.get_by_text("You allowed: necessary, marketing")).to_be_visible()
    assert page.get_by_label("Marketing").is_checked()
    page.get_by_label("Marketing").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_url(live_server.url + "/consent/?saved=1")
    expect(page.get_by_text("Your choice is saved.")).to_be_visible()
    expect(page.get_by_text("You allowed: necessary (recorded")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"consent-settings-nojs-{width}.png", full_page=True)
    assert ConsentRecord.objects.latest("created_at").source == "settings"
    context.close()


@pytest.mark.parametrize("width,height", SIZES)
def test_cookie_settings_reopens_the_banner_in_place_by_keyboard(
    browser, live_server, screenshot_dir, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + "/")
    banner(page).get_by_role("button", name="Accept all").click()
    banner(page).wait_for(state="hidden")

    link = page.get_by_role("link", name="Cookie settings")
    link.focus()
    page.keyboard.press("Enter")
    banner(page).wait_for(state="visible")
    assert page.url == live_server.url + "/"  # reopened in place, not the /consent/ page
    assert page.evaluate("document.activeElement.id") == "consent-banner-title"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Accept all"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Reject all"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Choose"
    page.keyboard.press("Enter")
    assert banner(page).get_by_label("Marketing").is_checked()  # the stored choice
    page.screenshot(path=screenshot_dir / f"consent-reopened-{width}.png")
    assert wcag_violations(page) == []

    page.keyboard.press("Escape")
    banner(page).wait_for(state="hidden")
    assert page.evaluate("document.activeElement.textContent") == "Cookie settings"
    assert ConsentRecord.objects.count() == 1  # closing is no new choice
    context.close()


@pytest.mark.parametrize("width,height", SIZES)
def test_global_privacy_control_is_said_and_refuses_the_referral_cookie(
    browser, live_server, screenshot_dir, width, height
):
    context = browser.new_context(
        viewport={"width": width, "height": height}, extra_http_headers={"Sec-GPC": "1"}
    )
    context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    sentence = banner(page).get_by_text("Your browser sends Global Privacy Control")
    expect(sentence).to_be_visible()
    page.screenshot(path=screenshot_dir / f"consent-banner-gpc-{width}.png")
    assert wcag_violations(page) == []
    banner(page).get_by_role("button", name="Accept all").click()
    banner(page).wait_for(state="hidden")
    assert ConsentRecord.objects.get().gpc is True
    assert "ref" not in follow_referral_link(page, live_server)

    page.goto(live_server.url + "/consent/")
    expect(page.get_by_text("Your browser sends Global Privacy Control")).to_be_visible()
    context.close()
