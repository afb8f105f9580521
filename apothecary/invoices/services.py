"""Issuing invoices and credit notes. Each runs inside the transaction that pays or refunds
(the orders signals are sent there), so a document exists exactly when its payment or refund
does, and its number is taken in that same transaction: no number is ever skipped or given
twice, whatever rolls back or runs at the same time."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Site

from apothecary.orders.models import Order, Refund

from .models import CreditNote, Invoice, InvoiceSettings, NumberCounter, Series


def next_number(series: str) -> int:
    """The next number of `series`, its counter row locked until the caller's transaction
    ends: a concurrent caller waits, then gets the number after. Must run in a transaction."""
    counter = NumberCounter.objects.select_for_update().filter(series=series).first()
    if counter is None:  # the first document of the series (or after a test flush)
        try:
            with transaction.atomic():
                NumberCounter.objects.create(series=series)
        except IntegrityError:  # another transaction created it meanwhile
            pass
        counter = NumberCounter.objects.select_for_update().get(series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def seller_settings(site: Site | None = None) -> InvoiceSettings:
    site = site or Site.objects.filter(is_default_site=True).first()
    return InvoiceSettings.for_site(site) if site else InvoiceSettings()


def _seller(settings: InvoiceSettings) -> dict:
    return {
        "seller_name": settings.legal_name,
        "seller_address": settings.address,
        "seller_tax_number": settings.tax_number,
        "seller_registration_number": settings.registration_number,
        "seller_email": settings.email,
        "footer_note": settings.footer_note,
    }


@transaction.atomic
def invoice_issue(*, order: Order, site: Site | None = None) -> Invoice:
    """The order's invoice, issued now if it has none: once per order, however often the
    payment is told. The counter's lock serialises issuers, so the check below is safe."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    number = next_number(Series.INVOICE)
    existing = Invoice.objects.filter(order=order).first()  # issued while we waited
    if existing is not None:
        transaction.set_rollback(True)  # gives the number back
        return existing
    settings = seller_settings(site)
    return Invoice.objects.create(
        order=order,
        number=number,
        reference=f"{settings.invoice_prefix}{number:06d}",
        issued_at=order.paid_at or timezone.now(),
        currency=order.currency,
        subtotal=order.subtotal,
        discount_amount=order.discount_amount,
        shipping_amount=order.shipping_amount,
        tax_rate=order.tax_rate,
        tax_amount=order.tax_amount,
        prices_include_tax=order.prices_include_tax,
        total=order.total,
        **_seller(settings),
    )


@transaction.atomic
def credit_note_issue(*, refund: Refund, site: Site | None = None) -> CreditNote:
    """The refund's credit note, issued once, against the order's invoice (issued first when
    the order was paid before invoices existed). Its amounts are the ledger row's."""
    existing = CreditNote.objects.filter(refund=refund).first()
    if existing is not None:
        return existing
    invoice = invoice_issue(order=refund.order, site=site)
    number = next_number(Series.CREDIT_NOTE)
    existing = CreditNote.objects.filter(refund=refund).first()
    if existing is not None:
        transaction.set_rollback(True)
        return existing
    settings = seller_settings(site)
    return CreditNote.objects.create(
        refund=refund,
        invoice=invoice,
        number=number,
        reference=f"{settings.credit_note_prefix}{number:06d}",
        issued_at=refund.created_at or timezone.now(),
        currency=refund.order.currency,
        amount=refund.amount,
        shipping_amount=refund.shipping_amount,
        tax_amount=refund.tax_amount,
        reason=refund.reason,
        **_seller(settings),
    )
