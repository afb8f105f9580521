"""Where we ship, what it costs, what tax applies, and discount codes."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from apothecary.core import geography
from apothecary.core.money import money_field_kwargs

from .admin_forms import ShippingZoneForm
from .regions import match_region, region_code

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ShippingZone(ClusterableModel):
    """Countries that share shipping rates and a tax rate; some of their regions (US states,
    Canadian provinces) may have a rate of their own."""

    name = models.CharField(max_length=100)
    countries = models.CharField(
        max_length=1000, help_text="ISO country codes, separated by commas, e.g. US, CA."
    )
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
        help_text="Percent applied to goods and shipping after discounts (0 for none), unless "
        "the shipping address's region has a rate below.",
    )
    prices_include_tax = models.BooleanField(
        "Prices include tax",
        default=False,
        help_text="For VAT countries: the shelf prices and shipping already include the tax, so "
        "the total does not add it; receipts show the tax they include.",
    )
    active = models.BooleanField(default=True)

    base_form_class = ShippingZoneForm
    panels = [
        FieldPanel("name"),
        FieldPanel("countries"),
        FieldPanel("tax_rate"),
        FieldPanel("prices_include_tax"),
        FieldPanel("active"),
        InlinePanel("rates", heading="Rates", label="Rate"),
        InlinePanel(
            "region_taxes",
            heading="Tax rates by region",
            label="Region tax rate",
            help_text="A state or province whose rate differs from the zone's.",
        ),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def country_codes(self) -> list[str]:
        return [c.strip().upper() for c in self.countries.split(",") if c.strip()]

    def clean(self):
        unknown = [c for c in self.country_codes() if not geography.is_country(c)]
        if unknown:
            raise ValidationError({"countries": f"Unknown country codes: {', '.join(unknown)}"})
        self.countries = ", ".join(self.country_codes())

    def tax_rate_for(self, country: str, region: str) -> Decimal:
        """The rate for an address: its region's when the zone has one, else the zone's."""
        country = (country or "").strip().upper()
        code = region_code(country, region)
        if code:
            for row in self.region_taxes.all():  # a handful of rows; prefetch-friendly
                if row.country == country and row.region == code:
                    return row.rate
        return self.tax_rate


class ZoneRegionTax(models.Model):
    """A region of one of the zone's countries whose tax rate differs from the zone's."""

    zone = ParentalKey(ShippingZone, on_delete=models.CASCADE, related_name="region_taxes")
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="ISO code, e.g. US. May be left empty when the zone has a single country.",
    )
    region = models.CharField(
        max_length=100, help_text="Its code or name, e.g. CA or California, ON or Ontario."
    )
    rate = models.DecimalField(
        max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS, help_text="Percent."
    )

    panels = [FieldPanel("country"), FieldPanel("region"), FieldPanel("rate")]

    class Meta:
        ordering = ["country", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "country", "region"], name="one_tax_rate_per_zone_region"
            )
        ]

    def __str__(self):
        return f"{self.country}-{self.region}: {self.rate}%"

    def clean(self):
        zone_countries = self.zone.country_codes() if self._zone_set() else []
        country = self.country.strip().upper()
        if not country and len(zone_countries) == 1:
            country = zone_countries[0]
        if not country:
            raise ValidationError({"country": "Enter the country of this region, e.g. US."})
        if not geography.is_country(country):
            raise ValidationError({"country": f"Unknown country code: {country}."})
        if zone_countries and country not in zone_countries:
            name = geography.country_name(country)
            raise ValidationError({"country": f"{name} is not one of this zone's countries."})
        code = match_region(country, self.region)
        if not code:
            if code is None:
                message = f"Not a region of {geography.country_name(country)}: {self.region}."
            else:
                message = "Enter the region's code or name."
            raise ValidationError({"region": message})
        self.country, self.region = country, code

    def _zone_set(self) -> bool:
        try:
            return self.zone is not None
        except ShippingZone.DoesNotExist:  # a form's row before its zone is attached
            return False


class ShippingRate(models.Model):
    zone = ParentalKey(ShippingZone, on_delete=models.CASCADE, related_name="rates")
    name = models.CharField(max_length=100, help_text="e.g. Standard (3–7 business days)")
    price = models.DecimalField(**money_field_kwargs(validators=[MinValueValidator(Decimal("0"))]))
    min_weight_grams = models.PositiveIntegerField(default=0)
    max_weight_grams = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave empty for no upper limit."
    )
    free_above_subtotal = models.DecimalField(
        **money_field_kwargs(null=True, blank=True),
        help_text="Free when the goods (after discount) cost at least this much.",
    )
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("price"),
        FieldPanel("min_weight_grams"),
        FieldPanel("max_weight_grams"),
        FieldPanel("free_above_subtotal"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["price", "pk"]

    def __str__(self):
        return f"{self.zone}: {self.name}"

    def fits(self, weight_grams: int) -> bool:
        return self.min_weight_grams <= weight_grams and (
            self.max_weight_grams is None or weight_grams <= self.max_weight_grams
        )


class DiscountCode(models.Model):
    PERCENT, FIXED = "percent", "fixed"
    KIND_CHOICES = [(PERCENT, "Percentage of the goods"), (FIXED, "Fixed amount")]

    code = models.CharField(
        max_length=40, unique=True, help_text="Shoppers type it; case does not matter."
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default=PERCENT)
    value = models.DecimalField(
        **money_field_kwargs(validators=[MinValueValidator(Decimal("0.01"))])
    )
    min_subtotal = models.DecimalField(**money_field_kwargs(default=Decimal("0")))
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Uses in total.")
    per_email_limit = models.PositiveIntegerField(null=True, blank=True)
    times_used = models.PositiveIntegerField(default=0, editable=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=models.F("usage_limit")),
                name="discount_used_within_limit",
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        self.code = self.code.strip().upper()
        if self.kind == self.PERCENT and self.value > 100:
            raise ValidationError({"value": "A percentage cannot exceed 100."})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})

    def amount_off(self, subtotal: Decimal) -> Decimal:
        if self.kind == self.PERCENT:
            return subtotal * self.value / Decimal("100")
        return min(self.value, subtotal)

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.active
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or now < self.ends_at)
        )


class DiscountRedemption(models.Model):
    """One use of a code by one order; counts uses per email."""

    code = models.ForeignKey(DiscountCode, on_delete=models.PROTECT, related_name="redemptions")
    email = models.EmailField()
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="redemption"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["code", "email"])]

    def __str__(self):
        return f"{self.code_id} by {self.email}"
