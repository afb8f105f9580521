"""Invoices and credit notes: one per paid order and per refund, numbered without a gap, with
the ledger's amounts, downloadable by the order's customer and staff only."""

import io
from decimal import Decimal

import pytest
from django.db import transaction
from payments import PaymentStatus
from pypdf import PdfReader
from wagtail.models import Site

from apothecary.invoices import documents
from apothecary.invoices.models import CreditNote, Invoice, InvoiceSettings, NumberCounter
from apothecary.invoices.services import credit_note_issue, invoice_issue
from apothecary.orders import signals
from apothecary.orders.models import Order, OrderStatus
from apothecary.orders.refunds import order_refund
from apothecary.payments.services import payment_start
from tests.store import as_buyer, make_cart, make_discount, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

D = Decimal


def paid_order(*lines, discount="", shipping="5.00", tax_rate="0", email="ada@example.com"):
    """lines: (price, quantity); paid through the dummy provider."""
    product = make_product(variants=[(30 + n, price, 1, 50) for n, (price, _) in enumerate(lines)])
    variants = list(product.variants.order_by("sort_order"))
    rate = make_zone(tax_rate=tax_rate, price=shipping)
    cart = make_cart(*[(v, q) for v, (_, q) in zip(variants, lines, strict=True)])
    if discount:
        make_discount(code=discount, value="10")
    order = place_order(cart=cart, rate=rate, discount_code=discount, email=email)
    payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def seller():
    settings = InvoiceSettings.for_site(Site.objects.get(is_default_site=True))
    settings.legal_name = "B12 Patch Ltd"
    settings.address = "4 Harbour Road\nPortsmouth PO1 2AB\nUnited Kingdom"
    settings.tax_number = "GB123456789"
    settings.registration_number = "09876543"
    settings.footer_note = "Thank you for your order."
    settings.invoice_prefix = "B12-"
    settings.save()
    return settings


def test_each_paid_order_gets_the_next_invoice_number_with_no_gap(seller):
    before = Invoice.objects.order_by("-number").values_list("number", flat=True).first() or 0
    orders = [paid_order((D("19.95"), 1)) for _ in range(3)]

    invoices = [Invoice.objects.get(order=order) for order in orders]

    assert [i.number for i in invoices] == [before + 1, before + 2, before + 3]
    assert invoices[0].reference == f"B12-{before + 1:06d}"
    assert NumberCounter.objects.get(series="invoice").last_number == before + 3


def test_an_unpaid_order_has_no_invoice_and_takes_no_number():
    before = NumberCounter.objects.filter(series="invoice").values_list("last_number", flat=True)
    rate = make_zone()
    variant = make_product().variants.get()
    order = place_order(cart=make_cart((variant, 1)), rate=rate)

    assert not Invoice.objects.filter(order=order).exists()
    after = NumberCounter.objects.filter(series="invoice").values_list("last_number", flat=True)
    assert list(after) == list(before)


def test_a_payment_told_twice_keeps_one_invoice_and_one_number():
    order = paid_order((D("19.95"), 2))
    invoice = Invoice.objects.get(order=order)
    counter = NumberCounter.objects.get(series="invoice").last_number

    signals.order_paid.send(sender=Order, order=order)
    payment = order.payments.get()
    payment.change_status(PaymentStatus.CONFIRMED)

    assert Invoice.objects.filter(order=order).count() == 1
    assert invoice_issue(order=order) == invoice
    assert NumberCounter.objects.get(series="invoice").last_number == counter


def test_a_rolled_back_payment_gives_its_number_back():
    order = paid_order((D("19.95"), 1))
    last = Invoice.objects.get(order=order).number
    other = paid_order((D("9.95"), 1))
    Invoice.objects.filter(order=other).delete()
    NumberCounter.objects.filter(series="invoice").update(last_number=last)

    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(order=other)
        raise RuntimeError("the payment failed after the invoice")

    assert invoice_issue(order=other).number == last + 1


def test_the_invoice_keeps_the_seller_and_totals_it_was_issued_with(seller):
    order = paid_order((D("19.95"), 2), discount="INV10", tax_rate="8.25")
    invoice = Invoice.objects.get(order=order)
    seller.legal_name = "Someone Else Inc"
    seller.save()

    invoice.refresh_from_db()
    assert invoice.seller_name == "B12 Patch Ltd"
    assert (invoice.subtotal, invoice.discount_amount, invoice.shipping_amount) == (
        order.subtotal,
        order.discount_amount,
        order.shipping_amount,
    )
    assert (invoice.tax_rate, invoice.tax_amount, invoice.total) == (
        order.tax_rate,
        order.tax_amount,
        order.total,
    )
    assert invoice.net_amount == order.total - order.tax_amount


def test_the_invoice_pdf_shows_its_number_seller_buyer_lines_and_tax(seller):
    order = paid_order((D("19.95"), 2), discount="INV10", tax_rate="8.25")
    invoice = Invoice.objects.get(order=order)

    text = pdf_text(documents.pdf_bytes(documents.invoice_html(invoice)))

    assert f"Invoice {invoice.reference}" in text
    assert "B12 Patch Ltd" in text
    assert "GB123456789" in text and "09876543" in text
    assert "Ada Reader" in text and order.number in text
    assert "Test Patch" in text
    assert f"${order.total}" in text
    assert f"${order.tax_amount}" in text and "Tax (8.25%)" in text
    assert f"−${order.discount_amount}" in text
    assert "Thank you for your order." in text


def test_an_invoice_with_prices_including_tax_shows_the_included_tax():
    order = paid_order((D("20.00"), 1))
    Order.objects.filter(pk=order.pk).update(
        prices_include_tax=True, tax_rate=D("20"), tax_amount=D("4.17")
    )
    Invoice.objects.filter(order=order).delete()
    invoice = invoice_issue(order=Order.objects.get(pk=order.pk))

    html = documents.invoice_html(invoice)

    assert "Included tax (20%)" in html
    assert f"${invoice.total - D('4.17')}" in html


def test_each_refund_gets_a_credit_note_with_the_ledger_amounts_in_its_own_series():
    order = paid_order((D("19.95"), 2), (D("9.95"), 1), discount="CN10", tax_rate="10")
    first, second = order.lines.all()
    before = CreditNote.objects.order_by("-number").values_list("number", flat=True).first() or 0

    partial = order_refund(order=order, quantities={first.pk: 1}, reason="Damaged")
    rest = order_refund(order=order, quantities={second.pk: 1}, shipping=True, restock=True)
    goodwill = order_refund(order=order, amount=D("1.00"), reason="Sorry for the wait")

    notes = [CreditNote.objects.get(refund=r) for r in (partial, rest, goodwill)]
    assert [n.number for n in notes] == [before + 1, before + 2, before + 3]
    invoice = Invoice.objects.get(order=order)
    for note, refund in zip(notes, (partial, rest, goodwill), strict=True):
        assert note.invoice == invoice
        assert (note.amount, note.shipping_amount, note.tax_amount) == (
            refund.amount,
            refund.shipping_amount,
            refund.tax_amount,
        )
    assert sum(n.amount for n in notes) == Order.objects.get(pk=order.pk).refunded_amount
    assert CreditNote.objects.filter(refund__order=order).count() == 3
    assert credit_note_issue(refund=partial) == notes[0]  # told again: the same note

    line = partial.lines.get()
    text = pdf_text(documents.pdf_bytes(documents.credit_note_html(notes[0])))
    assert f"Credit note {notes[0].reference}" in text
    assert invoice.reference in text
    assert f"${line.amount}" in text and f"${line.tax_amount}" in text
    assert f"${partial.amount}" in text and "Damaged" in text
    goodwill_html = documents.credit_note_html(notes[2])
    assert "Sorry for the wait" in goodwill_html and "$1.00" in goodwill_html
    shipping_html = documents.credit_note_html(notes[1])
    assert f"${rest.shipping_amount}" in shipping_html


def test_a_refund_of_an_order_paid_before_invoices_issues_the_invoice_first():
    order = paid_order((D("19.95"), 1))
    Invoice.objects.filter(order=order).delete()

    refund = order_refund(order=order, amount=D("5.00"))

    note = CreditNote.objects.get(refund=refund)
    assert note.invoice == Invoice.objects.get(order=order)


def test_the_customer_downloads_the_invoice_and_credit_notes_from_the_order_page(client):
    order = paid_order((D("19.95"), 2))
    refund = order_refund(order=order, amount=D("3.00"))
    invoice, note = Invoice.objects.get(order=order), CreditNote.objects.get(refund=refund)

    stranger = client.get(f"/orders/{order.token}/invoice.pdf")
    assert stranger.status_code == 404  # the link alone does not give the buyer's invoice
    as_buyer(client, order)
    page = client.get(f"/checkout/done/{order.token}/").content.decode()
    assert f"Download invoice {invoice.reference} (PDF)" in page
    assert f"Download credit note {note.reference} (PDF)" in page

    response = client.get(f"/orders/{order.token}/invoice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"invoice-{invoice.reference}.pdf" in response["Content-Disposition"]
    assert invoice.reference in pdf_text(response.content)
    response = client.get(f"/orders/{order.token}/credit-notes/{note.reference}.pdf")
    assert note.reference in pdf_text(response.content)


def test_another_orders_token_or_a_stranger_gets_404(client, django_user_model):
    owner = django_user_model.objects.create_user(email="owner@example.com", password="pw-12345678")
    stranger = django_user_model.objects.create_user(
        email="other@example.com", password="pw-12345678"
    )
    mine = paid_order((D("19.95"), 1), email="owner@example.com")
    Order.objects.filter(pk=mine.pk).update(user=owner)
    theirs = paid_order((D("9.95"), 1), email="other@example.com")
    note = CreditNote.objects.get(refund=order_refund(order=mine, amount=D("2.00")))

    # Mine's credit note through their token: nothing.
    assert (
        client.get(f"/orders/{theirs.token}/credit-notes/{note.reference}.pdf").status_code == 404
    )
    assert client.get("/orders/not-a-token/invoice.pdf").status_code == 404
    assert client.get(f"/account/orders/{mine.number}/invoice.pdf").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/account/orders/{mine.number}/invoice.pdf").status_code == 404
    client.force_login(owner)
    response = client.get(f"/account/orders/{mine.number}/invoice.pdf")
    assert response.status_code == 200
    assert Invoice.objects.get(order=mine).reference in pdf_text(response.content)
    assert f"/account/orders/{mine.number}/invoice.pdf" in client.get("/account/").content.decode()


def test_an_unpaid_order_has_no_invoice_to_download(client):
    variant = make_product().variants.get()
    order = place_order(cart=make_cart((variant, 1)), rate=make_zone())

    assert client.get(f"/orders/{order.token}/invoice.pdf").status_code == 404
    assert "Download invoice" not in client.get(f"/checkout/done/{order.token}/").content.decode()


def test_staff_open_the_documents_from_the_admin_order_page(client, django_user_model):
    order = paid_order((D("19.95"), 1))
    note = CreditNote.objects.get(refund=order_refund(order=order, amount=D("2.00")))
    invoice = Invoice.objects.get(order=order)
    admin = django_user_model.objects.create_superuser(
        email="boss@example.com", password="pw-12345678"
    )
    client.force_login(admin)

    page = client.get(f"/admin/orders/{order.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/admin/store/invoices/{order.number}/invoice.pdf" in html
    assert note.reference in html
    response = client.get(f"/admin/store/invoices/{order.number}/invoice.pdf")
    assert invoice.reference in pdf_text(response.content)
    response = client.get(f"/admin/store/invoices/{order.number}/credit-notes/{note.reference}.pdf")
    assert note.reference in pdf_text(response.content)


def test_an_admin_without_order_permissions_is_turned_away(client, django_user_model):
    from django.contrib.auth.models import Permission

    order = paid_order((D("19.95"), 1))
    editor = django_user_model.objects.create_user(email="ed@example.com", password="pw-12345678")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    response = client.get(f"/admin/store/invoices/{order.number}/invoice.pdf")
    # Wagtail answers a refused admin page by sending the user to the dashboard with a message.
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_order_page_queries_do_not_grow_with_credit_notes(
    client, django_assert_max_num_queries
):
    order = paid_order((D("19.95"), 3))
    for _ in range(4):
        order_refund(order=order, amount=D("1.00"))
    as_buyer(client, order)

    with django_assert_max_num_queries(25):
        response = client.get(f"/checkout/done/{order.token}/")
    assert response.content.decode().count("Download credit note") == 4
    with django_assert_max_num_queries(8):
        client.get(
            f"/orders/{order.token}/credit-notes/{order.invoice.credit_notes.first().reference}.pdf"
        )
