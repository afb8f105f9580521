"""Downloads. A customer's documents are reached through the order's secret token (the
confirmation page's address) by its buyer (orders.access: the session that placed it, its
account, or a session that gave the order's email), or, signed in, through their own order;
anything else is a 404, which says nothing of what exists. The token alone is not enough:
an invoice holds the buyer's name and address."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from apothecary.orders.access import may_see_details
from apothecary.orders.models import Order

from . import documents
from .models import CreditNote, Invoice


def _pdf(document, html: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(documents.pdf_bytes(html), content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{documents.filename(document)}"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _invoice_of(order: Order) -> Invoice:
    try:
        return Invoice.objects.select_related("order").get(order=order)
    except Invoice.DoesNotExist:
        raise Http404(
            "This order has no invoice yet: it is issued when the order is paid."
        ) from None


def _credit_note_of(order: Order, reference: str) -> CreditNote:
    return get_object_or_404(
        CreditNote.objects.select_related("refund__order", "invoice"),
        refund__order=order,
        reference=reference,
    )


def _buyers_order(request, token: str) -> Order:
    order = get_object_or_404(Order, token=token)
    if not may_see_details(request, order):
        raise Http404
    return order


@require_GET
def invoice_by_token(request, token: str):
    invoice = _invoice_of(_buyers_order(request, token))
    return _pdf(invoice, documents.invoice_html(invoice))


@require_GET
def credit_note_by_token(request, token: str, reference: str):
    note = _credit_note_of(_buyers_order(request, token), reference)
    return _pdf(note, documents.credit_note_html(note))


def _own_order(request, number: str) -> Order:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Order, number=number, user=request.user)


@require_GET
def invoice_for_owner(request, number: str):
    invoice = _invoice_of(_own_order(request, number))
    return _pdf(invoice, documents.invoice_html(invoice))


@require_GET
def credit_note_for_owner(request, number: str, reference: str):
    note = _credit_note_of(_own_order(request, number), reference)
    return _pdf(note, documents.credit_note_html(note))


def _staff_order(request, number: str) -> Order:
    user = request.user
    if not (user.has_perm("orders.view_order") or user.has_perm("orders.change_order")):
        raise PermissionDenied
    return get_object_or_404(Order, number=number)


def admin_invoice(request, number: str):
    """Staff, from the admin's order page (registered under /admin/, behind its login)."""
    invoice = _invoice_of(_staff_order(request, number))
    return _pdf(invoice, documents.invoice_html(invoice), attachment=False)


def admin_credit_note(request, number: str, reference: str):
    note = _credit_note_of(_staff_order(request, number), reference)
    return _pdf(note, documents.credit_note_html(note), attachment=False)
