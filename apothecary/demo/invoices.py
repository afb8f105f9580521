"""The seller's details on the demo's invoices (seeded before the demo orders are paid)."""

from apothecary.invoices.models import CreditNote, Invoice, InvoiceSettings

from . import content


def seed_invoice_settings(site, report) -> None:
    """Unless an editor has set them already."""
    settings = InvoiceSettings.for_site(site)
    if settings.legal_name:
        return
    for name, value in content.read("invoices").items():
        setattr(settings, name, value)
    settings.save()
    report.created.append("invoice settings")


def reset_invoices(orders) -> None:
    """The demo orders' documents go with them (an invoice otherwise protects its order)."""
    CreditNote.objects.filter(refund__order__in=orders).delete()
    Invoice.objects.filter(order__in=orders).delete()
    InvoiceSettings.objects.all().delete()
