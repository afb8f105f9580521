"""Invoices and credit notes: one invoice per paid order, one credit note per refund, each
numbered in its own gapless series. A document is a snapshot: its totals and the seller's
details are copied when it is issued, so changing the settings later never rewrites one."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from apothecary.core.money import money_field_kwargs


class Series(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class NumberCounter(models.Model):
    """The last number given in a series. services.next_number locks this row and moves it
    in the transaction that writes the document: a rolled-back payment gives its number back,
    and two payments at once wait for each other instead of sharing a number."""

    series = models.CharField(max_length=20, choices=Series.choices, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.get_series_display()}: {self.last_number}"


@register_setting(icon="doc-full")
class InvoiceSettings(BaseSiteSetting):
    """The seller as invoices and credit notes name it."""

    legal_name = models.CharField(max_length=200, blank=True, help_text="The company's legal name.")
    address = models.TextField(max_length=500, blank=True, help_text="One line per address line.")
    tax_number = models.CharField("Tax / VAT number", max_length=60, blank=True)
    registration_number = models.CharField("Company registration number", max_length=60, blank=True)
    email = models.EmailField(blank=True, help_text="Where customers write about an invoice.")
    footer_note = models.TextField(
        max_length=1000,
        blank=True,
        help_text="Printed at the foot of every invoice and credit note.",
    )
    invoice_prefix = models.CharField(max_length=20, default="INV-")
    credit_note_prefix = models.CharField(max_length=20, default="CN-")

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("legal_name"),
                FieldPanel("address"),
                FieldPanel("tax_number"),
                FieldPanel("registration_number"),
                FieldPanel("email"),
            ],
            heading="Seller",
        ),
        FieldPanel("footer_note"),
        MultiFieldPanel(
            [FieldPanel("invoice_prefix"), FieldPanel("credit_note_prefix")],
            heading="Numbers",
            help_text="Changing a prefix applies to documents issued from then on.",
        ),
    ]

    class Meta:
        verbose_name = "invoices"


class SellerSnapshot(models.Model):
    """The seller's details as they were when the document was issued."""

    seller_name = models.CharField(max_length=200, blank=True)
    seller_address = models.TextField(max_length=500, blank=True)
    seller_tax_number = models.CharField(max_length=60, blank=True)
    seller_registration_number = models.CharField(max_length=60, blank=True)
    seller_email = models.EmailField(blank=True)
    footer_note = models.TextField(max_length=1000, blank=True)

    class Meta:
        abstract = True


class Invoice(SellerSnapshot):
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="invoice")
    series = models.CharField(
        max_length=20, choices=Series.choices, default=Series.INVOICE, editable=False
    )
    number = models.PositiveIntegerField(editable=False)
    reference = models.CharField(max_length=40, unique=True, editable=False)  # "INV-000042"
    issued_at = models.DateTimeField(editable=False)
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(**money_field_kwargs())
    discount_amount = models.DecimalField(**money_field_kwargs())
    shipping_amount = models.DecimalField(**money_field_kwargs())
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    tax_amount = models.DecimalField(**money_field_kwargs())
    prices_include_tax = models.BooleanField()
    total = models.DecimalField(**money_field_kwargs())

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="invoice_number_once"),
            models.CheckConstraint(
                condition=models.Q(series=Series.INVOICE), name="invoice_in_invoice_series"
            ),
        ]

    def __str__(self):
        return f"Invoice {self.reference}"

    @property
    def net_amount(self):
        """The total before tax."""
        return self.total - self.tax_amount


class CreditNote(SellerSnapshot):
    refund = models.OneToOneField(
        "orders.Refund", on_delete=models.PROTECT, related_name="credit_note"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    series = models.CharField(
        max_length=20, choices=Series.choices, default=Series.CREDIT_NOTE, editable=False
    )
    number = models.PositiveIntegerField(editable=False)
    reference = models.CharField(max_length=40, unique=True, editable=False)  # "CN-000007"
    issued_at = models.DateTimeField(editable=False)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**money_field_kwargs())
    shipping_amount = models.DecimalField(**money_field_kwargs())
    tax_amount = models.DecimalField(**money_field_kwargs())
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="credit_note_number_once"),
            models.CheckConstraint(
                condition=models.Q(series=Series.CREDIT_NOTE),
                name="credit_note_in_credit_note_series",
            ),
        ]

    def __str__(self):
        return f"Credit note {self.reference}"

    @property
    def net_amount(self):
        return self.amount - self.tax_amount
