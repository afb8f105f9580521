"""Rendering: the project's own HTML templates, printed to PDF by WeasyPrint.

PDFs are rendered on demand, not stored: everything an invoice says is a snapshot in the
database (its row, the order's lines, the ledger's rows), so rendering again gives the same
document, and no file has to be kept, backed up or shared between app servers."""

from django.template.loader import render_to_string

from apothecary.core.money import ZERO

from .models import CreditNote, Invoice


def invoice_html(invoice: Invoice) -> str:
    order = invoice.order
    context = {"doc": invoice, "order": order, "lines": order.lines.all()}
    return render_to_string("invoices/invoice.html", context)


def credit_note_html(note: CreditNote) -> str:
    lines = list(note.refund.lines.select_related("order_line"))
    on_lines = sum((line.amount for line in lines), ZERO)
    context = {
        "doc": note,
        "order": note.refund.order,
        "lines": lines,
        "goodwill": note.amount - on_lines - note.shipping_amount,
    }
    return render_to_string("invoices/credit_note.html", context)


def pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango is slow, and only PDFs need it

    return HTML(string=html).write_pdf()


def filename(document: Invoice | CreditNote) -> str:
    kind = "invoice" if isinstance(document, Invoice) else "credit-note"
    return f"{kind}-{document.reference}.pdf"
