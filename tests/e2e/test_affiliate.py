"""The affiliate program in real Chromium: the landing page; a visitor arrives by the demo
affiliate's link (?ref=b12friend) and buys with the dummy payment; the affiliate signs in and
the dashboard shows the pending commission, with no detail of the buyer."""

import pytest
from playwright.sync_api import expect

from apothecary.affiliates.models import Commission, CommissionStatus, Referral
from apothecary.demo.affiliates import affiliate_spec
from apothecary.orders.models import Order, OrderStatus

DEMO_AFFILIATE = affiliate_spec()
DEMO_AFFILIATE_PASSWORD = DEMO_AFFILIATE["password"]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def wcag_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    return [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_a_referred_purchase_shows_as_a_pending_commission_on_the_dashboard(
    browser, live_server, screenshot_dir, settings, width, height
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.PAYMENT_HOST = live_server.url.split("//", 1)[1]

    visitor = browser.new_context(viewport={"width": width, "height": height})
    page = visitor.new_page()
    page.goto(live_server.url + "/affiliates/")
    expect(page.get_by_role("heading", name="The program at a glance")).to_be_visible()
    expect(page.get_by_role("button", name="Send my application")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"affiliate-landing-{width}.png", full_page=True)
    assert wcag_violations(page) == []
    page.get_by_role("button", name="Send my application").click()  # nothing filled in
    expect(page.get_by_role("heading", name="Your application was not sent.")).to_be_visible()
    assert wcag_violations(page) == []

    # The referral cookie waits for marketing consent: the visitor accepts in the banner.
    page.get_by_role("button", name="Accept all").click()
    page.get_by_role("region", name="Cookies on this site").wait_for(state="hidden")
    page.goto(live_server.url + "/order/?ref=b12friend")
    pack = (
        page.locator("article, li, div")
        .filter(has_text="90 patches / 3 months")
        .filter(has=page.get_by_role("button", name="Add to cart"))
        .last
    )
    pack.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/cart/")
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout/")
    page.get_by_label("Email address").fill("referred.buyer@example.com")
    page.get_by_label("Full name").first.fill("Rosa Referred")
    page.get_by_label("Address", exact=True).first.fill("3 Birch Lane")
    page.get_by_label("City").first.fill("Madison")
    page.get_by_label("State, province or region").first.fill("WI")
    page.get_by_label("ZIP or postal code").first.fill("53703")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/review/")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/payments/pay/**")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/checkout/done/**")
    visitor.close()

    order = Order.objects.get(email="referred.buyer@example.com")
    assert order.status == OrderStatus.PAID
    referral = Referral.objects.get(order=order)
    assert referral.affiliate.code == "b12friend"
    commission = Commission.objects.get(order=order)
    assert commission.status == CommissionStatus.PENDING
    assert commission.amount > 0

    affiliate = browser.new_context(viewport={"width": width, "height": height})
    page = affiliate.new_page()
    page.goto(live_server.url + "/affiliates/dashboard/")
    page.wait_for_url("**/account/login/?next=/affiliates/dashboard/")
    page.get_by_label("Email").fill(DEMO_AFFILIATE["email"])
    page.get_by_label("Password").fill(DEMO_AFFILIATE_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/affiliates/dashboard/")
    expect(page.get_by_role("heading", name="Your affiliate dashboard")).to_be_visible()
    assert page.locator("[data-total=orders]").inner_text() == "1"
    assert page.locator("[data-total=pending]").inner_text() == f"${commission.amount}"
    row = page.locator("#commissions tbody tr").first
    assert row.locator("td").nth(2).inner_text() == str(commission.amount)
    assert row.locator("td").nth(3).inner_text() == "Pending"
    html = page.content()
    assert order.number not in html
    assert "referred.buyer@example.com" not in html
    assert "Rosa Referred" not in html
    page.screenshot(path=screenshot_dir / f"affiliate-dashboard-{width}.png", full_page=True)
    assert wcag_violations(page) == []
    affiliate.close()
