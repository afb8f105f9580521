"""WCAG 2.2 AA checks by axe-core, run in real Chromium on every page type of the demo."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
URLS = [
    "/",
    "/about-vitamin-b12/",
    "/faq/",
    "/contact/",
    "/reviews/",
    "/products/b12-patch/",
    "/order/",
    "/orders/lookup/",
    "/blog/",
    "/blog/tag/what-is-b12-deficiency/",
    "/blog/b12-deficiency-or-multiple-sclerosis/",
    "/site-map/",
    "/search/?q=b12",
    "/no-such-page/",
]


def test_pages_have_no_wcag_aa_violations_at_desktop_and_phone_width(browser, live_server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for url in URLS:
            page.goto(live_server.url + url)
            results = axe.run(page, options=WCAG_AA)
            violations = results.response["violations"]
            if violations:
                found[f"{url} @{width}px"] = [
                    (v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations
                ]
        context.close()
    assert found == {}


def test_the_cookie_banner_and_settings_page_have_no_wcag_aa_violations(browser, live_server):
    """The banner is on every page above (as a first visit sees it); here with its categories
    open, reopened by "Cookie settings" after a choice, and the /consent/ page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.get_by_text("Choose", exact=True).click()
        states = {"choose open": axe.run(page, options=WCAG_AA).response["violations"]}
        page.get_by_role("button", name="Reject all").click()
        page.get_by_role("region", name="Cookies on this site").wait_for(state="hidden")
        page.get_by_role("link", name="Cookie settings").click()
        page.get_by_role("region", name="Cookies on this site").wait_for(state="visible")
        states["reopened"] = axe.run(page, options=WCAG_AA).response["violations"]
        page.goto(live_server.url + "/consent/")
        states["/consent/"] = axe.run(page, options=WCAG_AA).response["violations"]
        for state, violations in states.items():
            if violations:
                found[f"{state} @{width}px"] = [
                    (v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations
                ]
        context.close()
    assert found == {}
