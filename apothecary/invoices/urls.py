from django.urls import path

from . import views

app_name = "invoices"
urlpatterns = [
    path("orders/<str:token>/invoice.pdf", views.invoice_by_token, name="invoice"),
    path(
        "orders/<str:token>/credit-notes/<str:reference>.pdf",
        views.credit_note_by_token,
        name="credit_note",
    ),
    path("account/orders/<str:number>/invoice.pdf", views.invoice_for_owner, name="own_invoice"),
    path(
        "account/orders/<str:number>/credit-notes/<str:reference>.pdf",
        views.credit_note_for_owner,
        name="own_credit_note",
    ),
]
