"""Invoices (privacy.registry): they hold the seller's details; the buyer's come from the
order, which the erasure anonymises (the invoice is kept for the tax law)."""

from apothecary.privacy.registry import register, same

SELLER = "the shop's own details, copied when the document was issued"
SELLER_FIELDS = (
    "seller_name",
    "seller_address",
    "seller_tax_number",
    "seller_registration_number",
    "seller_email",
    "footer_note",
)
NUMBERS = "document numbers and codes set by the shop"

register(
    "invoices.Invoice",
    title="invoices",
    user=("order__user",),
    email=("order__email",),
    not_personal={
        **same(SELLER, *SELLER_FIELDS),
        **same(NUMBERS, "series", "reference", "currency"),
    },
)
register(
    "invoices.CreditNote",
    title="credit notes",
    user=("invoice__order__user",),
    email=("invoice__order__email",),
    not_personal={
        **same(SELLER, *SELLER_FIELDS),
        **same(NUMBERS, "series", "reference", "currency"),
        "reason": "the refund's reason as the shop wrote it, kept for the tax law",
    },
)
register("invoices.NumberCounter", not_personal=same(NUMBERS, "series"))
register(
    "invoices.InvoiceSettings",
    not_personal=same(
        "the shop's own details",
        "legal_name",
        "address",
        "tax_number",
        "registration_number",
        "email",
        "footer_note",
        "invoice_prefix",
        "credit_note_prefix",
    ),
)
