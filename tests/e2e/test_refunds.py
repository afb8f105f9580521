"""Money to the cent, in real Chromium: a discounted purchase, a partial refund, a return and
a second refund; the ledger, the provider's refunds, the emails, the invoice, the credit notes
and the customer's order page agree."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from apothecary.demo.seeding import ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD
from apothecary.orders.models import Order, OrderStatus, ReturnRequest, ReturnStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, viewport):
    admin = browser.new_context(viewport=viewport)
    staff = admin.new_page()
    staff.goto(live_server.url + "/admin/login/")
    staff.get_by_label("Email").fill(ADMIN_EMAIL)
    staff.get_by_label("Password").fill(DEFAULT_ADMIN_PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url("**/admin/")
    return admin, staff


def refund_in_admin(staff, live_server, order, fill, reason):
    """Fill the refund form, check what the confirmation says, confirm."""
    staff.goto(f"{live_server.url}/admin/orders/{order.number}/")
    form = staff.locator("form[action$='/refund/']")
    fill(form)
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name="Refund").click()
    staff.wait_for_load_state()
    confirmation = staff.locator("form[action$='/refund/']")
    summary = confirmation.inner_text()
    confirmation.get_by_role("button", name="Confirm: refund").click()
    staff.wait_for_load_state()
    return summary


@pytest.mark.parametrize("width,height,name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_a_discounted_order_refunded_returned_and_refunded_again_adds_up(
    browser, live_server, screenshot_dir, settings, width, height, name
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.PAYMENT_HOST = live_server.url.split("//", 1)[1]
    email = f"refund.{name}@example.com"
    mail.outbox.clear()
    viewport = {"width": width, "height": height}
    shopper = browser.new_context(viewport=viewport)
    page = shopper.new_page()

    # Two one-month packs with WELCOME10, paid with the dummy provider.
    page.goto(live_server.url + "/order/")
    pack = (
        page.locator("article, li, div")
        .filter(has_text="30 patches / 1 month")
        .filter(has=page.get_by_role("button", name="Add to cart"))
        .last
    )
    pack.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/cart/")
    page.get_by_label("Quantity of", exact=False).first.fill("2")
    page.get_by_role("button", name="Update cart").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Full name").first.fill("Rhea Refund")
    page.get_by_label("Address", exact=True).first.fill("3 Oak Lane")
    page.get_by_label("City").first.fill("Portland")
    page.get_by_label("State, province or region").first.fill("OR")
    page.get_by_label("ZIP or postal code").first.fill("97201")
    page.get_by_label("Discount code").fill("WELCOME10")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/review/")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/payments/pay/**")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/checkout/done/**")
    order = Order.objects.get(email=email)
    assert (order.status, order.discount_amount) == (OrderStatus.PAID, Decimal("3.99"))
    assert order.lines.get().quantity == 2

    # Staff: a goodwill refund, then ship and deliver.
    admin, staff = sign_in(browser, live_server, viewport)
    summary = refund_in_admin(
        staff, live_server, order, lambda f: f.get_by_label("An amount").fill("2.00"), "Late"
    )
    assert "This gives back $2.00" in summary
    staff.goto(f"{live_server.url}/admin/orders/{order.number}/")
    staff.get_by_label("Carrier").fill("USPS")
    staff.get_by_label("Tracking number").fill("9400111899220000000001")
    staff.get_by_role("button", name="Mark shipped").click()
    staff.wait_for_load_state()
    staff.get_by_role("button", name="Mark delivered").click()
    staff.wait_for_load_state()
    order.refresh_from_db()
    assert (order.status, order.fulfilment_label) == (OrderStatus.PARTIALLY_REFUNDED, "Delivered")

    # The customer returns one unit from the order page.
    page.goto(live_server.url + order.get_absolute_url())
    page.get_by_role("link", name="Return items from this order").click()
    page.get_by_label("Why are you returning these items?").fill("One is enough for me.")
    page.get_by_label("30 patches / 1 month", exact=False).fill("1")
    page.get_by_role("button", name="Ask for a return").click()
    page.wait_for_load_state()
    request = ReturnRequest.objects.get(order=order)

    # Staff approve, receive (back on sale) and refund the return: the unit's share, 17.96.
    staff.goto(f"{live_server.url}/admin/returns/{request.pk}/")
    staff.get_by_role("button", name="Approve").click()
    staff.wait_for_load_state()
    staff.get_by_role("button", name="Mark received").click()
    staff.wait_for_load_state()
    staff.get_by_role("button", name="Refund $17.96").click()
    staff.wait_for_load_state()
    request.refresh_from_db()
    assert request.status == ReturnStatus.REFUNDED

    # The second unit, refunded by units from the order page.
    summary = refund_in_admin(
        staff,
        live_server,
        order,
        lambda f: f.get_by_label("Units of", exact=False).fill("1"),
        "Damaged in transit",
    )
    assert "1 × B12 Patch, 30 patches / 1 month: $17.95" in summary

    order.refresh_from_db()
    refunds = list(order.refunds.order_by("pk"))
    assert [r.amount for r in refunds] == [Decimal("2.00"), Decimal("17.96"), Decimal("17.95")]
    assert sum(r.amount for r in refunds) == order.refunded_amount == Decimal("37.91")
    payment = order.payments.get()
    assert payment.total - Decimal(payment.captured_amount) == order.refunded_amount
    refund_mails = [
        m.body for m in mail.outbox if m.subject.endswith(f"A refund for order {order.number}")
    ]
    assert len(refund_mails) == 3
    for body, refund in zip(refund_mails, refunds, strict=True):
        assert f"We have refunded ${refund.amount}" in body

    # The invoice and one credit note per refund, as the customer downloads them.
    invoice = order.invoice
    assert invoice.total == order.total
    notes = list(invoice.credit_notes.order_by("number"))
    assert [n.amount for n in notes] == [r.amount for r in refunds]
    assert [n.refund_id for n in notes] == [r.pk for r in refunds]
    page.goto(live_server.url + order.get_absolute_url())
    for link, document in [(f"invoice {invoice.reference}", invoice)] + [
        (f"credit note {note.reference}", note) for note in notes
    ]:
        href = page.get_by_role("link", name=f"Download {link} (PDF)").get_attribute("href")
        response = page.request.get(live_server.url + href)
        assert response.status == 200 and response.body()[:4] == b"%PDF"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        assert document.reference in text
        amount = document.total if document is invoice else document.amount
        assert f"${amount}" in text

    text = page.content()
    assert "Refunded in all</th><td>$37.91" in text
    assert "Status: Partially refunded." in text and "Parcel: Delivered." in text
    page.screenshot(path=screenshot_dir / f"refunds-customer-order-{name}.png", full_page=True)
    staff.goto(f"{live_server.url}/admin/orders/{order.number}/")
    staff.screenshot(path=screenshot_dir / f"refunds-admin-order-{name}.png", full_page=True)
    admin.close()
    shopper.close()
