"""A whole purchase in real Chromium: order page → cart → guest checkout → dummy payment →
confirmation → emails → staff ships it in the admin → the shipped email."""

import pytest
from django.core import mail

from apothecary.catalog.models import Variant
from apothecary.demo.seeding import ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD
from apothecary.orders.models import Order, OrderStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width,height,name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_a_guest_buys_a_pack_and_staff_ship_it(
    browser, live_server, screenshot_dir, settings, width, height, name
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.PAYMENT_HOST = live_server.url.split("//", 1)[1]
    variant = Variant.objects.get(sku="B12P-90")
    stock = variant.stock
    mail.outbox.clear()
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()

    page.goto(live_server.url + "/order/")
    page.screenshot(path=screenshot_dir / f"purchase-1-order-{name}.png", full_page=True)
    pack = (
        page.locator("article, li, div")
        .filter(has_text="90 patches / 3 months")
        .filter(has=page.get_by_role("button", name="Add to cart"))
        .last
    )
    pack.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/cart/")
    assert "90 patches / 3 months" in page.content()
    page.screenshot(path=screenshot_dir / f"purchase-2-cart-{name}.png", full_page=True)

    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout/")
    page.get_by_label("Email address").fill("guest.buyer@example.com")
    page.get_by_label("Full name").first.fill("Grace Guest")
    page.get_by_label("Address", exact=True).first.fill("12 Elm Street")
    page.get_by_label("City").first.fill("Portland")
    page.get_by_label("State, province or region").first.fill("OR")
    page.get_by_label("ZIP or postal code").first.fill("97201")
    page.screenshot(path=screenshot_dir / f"purchase-3-details-{name}.png", full_page=True)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/review/")
    page.screenshot(path=screenshot_dir / f"purchase-4-review-{name}.png", full_page=True)

    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/payments/pay/**")
    page.screenshot(path=screenshot_dir / f"purchase-5-pay-{name}.png", full_page=True)
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/checkout/done/**")
    assert "Status: Paid." in page.content()
    page.screenshot(path=screenshot_dir / f"purchase-6-done-{name}.png", full_page=True)

    order = Order.objects.get(email="guest.buyer@example.com")
    assert order.status == OrderStatus.PAID
    assert Variant.objects.get(pk=variant.pk).stock == stock - 1
    subjects = [m.subject for m in mail.outbox if m.to == ["guest.buyer@example.com"]]
    assert subjects == [
        f"B12 Patch: We have your order {order.number}",
        f"B12 Patch: Payment received for order {order.number}",
    ]

    admin = browser.new_context(viewport={"width": width, "height": height})
    staff = admin.new_page()
    staff.goto(live_server.url + "/admin/login/")
    staff.get_by_label("Email").fill(ADMIN_EMAIL)
    staff.get_by_label("Password").fill(DEFAULT_ADMIN_PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url("**/admin/")
    staff.goto(f"{live_server.url}/admin/orders/{order.number}/")
    staff.get_by_label("Carrier").fill("USPS")
    staff.get_by_label("Tracking number").fill("9400111899223344556677")
    staff.get_by_role("button", name="Mark shipped").click()
    staff.wait_for_load_state()
    staff.screenshot(path=screenshot_dir / f"purchase-7-admin-shipped-{name}.png", full_page=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.events.get(to_status=OrderStatus.SHIPPED).actor.email == ADMIN_EMAIL
    shipped = [m for m in mail.outbox if m.subject.endswith(f"Order {order.number} is on its way")]
    assert len(shipped) == 1
    assert "9400111899223344556677" in shipped[0].body
    admin.close()
    context.close()
