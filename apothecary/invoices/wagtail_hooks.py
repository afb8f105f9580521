"""The admin: the seller's details are the "Invoices" settings (models.InvoiceSettings); the
order page links each document (its template includes invoices/admin/_documents.html)."""

from django.urls import path
from wagtail import hooks

from . import views


@hooks.register("register_admin_urls")
def register_invoice_urls():
    return [
        path(
            "store/invoices/<str:number>/invoice.pdf",
            views.admin_invoice,
            name="invoices_admin_invoice",
        ),
        path(
            "store/invoices/<str:number>/credit-notes/<str:reference>.pdf",
            views.admin_credit_note,
            name="invoices_admin_credit_note",
        ),
    ]
