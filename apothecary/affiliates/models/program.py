"""The program's terms (a site setting), the products that earn a rate of their own, and the
creatives staff offer affiliates to copy."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Site

from apothecary.core.money import money_field_kwargs

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Attribution(models.TextChoices):
    LAST_CLICK = "last", "Last click: the most recent referral link wins"
    FIRST_CLICK = "first", "First click: the first referral link keeps the order"


@register_setting(icon="group")
class AffiliateProgramSettings(BaseSiteSetting):
    """The program's terms, as shown on the Affiliate Program page and applied to every
    affiliate who has no rate or cookie window of their own."""

    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
        validators=PERCENT_VALIDATORS,
        help_text="Percent of the products' price after discounts (no shipping, no tax).",
    )
    cookie_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days after a click in which an order still counts for the affiliate.",
    )
    attribution = models.CharField(
        max_length=5, choices=Attribution.choices, default=Attribution.LAST_CLICK
    )
    payout_threshold = models.DecimalField(
        **money_field_kwargs(default=Decimal("50.00")),
        help_text="Approved earnings below this wait for the next payout.",
    )
    payout_schedule = models.CharField(
        max_length=200,
        default="Monthly, in the first week, for commissions approved in the month before.",
    )
    terms = RichTextField(
        blank=True,
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"],
        help_text="The program's terms, shown on the Affiliate Program page.",
    )
    disclosure = models.TextField(
        default="I earn a commission if you buy through my links, at no extra cost to you.",
        help_text="What affiliates must say wherever they share a link (FTC endorsement guides).",
    )
    burst_clicks = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(2)],
        help_text="Flag clicks when one visitor (one hashed IP) makes this many ...",
    )
    burst_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1)], help_text="... within these minutes."
    )
    quick_order_seconds = models.PositiveIntegerField(
        default=120,
        help_text="Flag an order placed this soon after the click from an IP the affiliate "
        "signs in from.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("commission_rate"),
                FieldPanel("cookie_days"),
                FieldPanel("attribution"),
            ],
            heading="Commission and attribution",
        ),
        MultiFieldPanel(
            [FieldPanel("payout_threshold"), FieldPanel("payout_schedule")], heading="Payouts"
        ),
        FieldPanel("terms"),
        FieldPanel("disclosure"),
        MultiFieldPanel(
            [
                FieldPanel("burst_clicks"),
                FieldPanel("burst_minutes"),
                FieldPanel("quick_order_seconds"),
            ],
            heading="Fraud signals",
        ),
    ]

    class Meta:
        verbose_name = "affiliate program"


def program_settings(site: Site | None = None) -> AffiliateProgramSettings:
    """The program's settings for `site`, else for the default site (tasks have no request)."""
    site = site or Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return AffiliateProgramSettings.for_site(site)


class ProductCommissionRate(models.Model):
    """A product that earns a different rate from the affiliate's."""

    product = models.OneToOneField(
        "catalog.ProductPage", on_delete=models.CASCADE, related_name="affiliate_rate"
    )
    rate = models.DecimalField(
        max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS, help_text="Percent."
    )

    def __str__(self):
        return f"{self.product}: {self.rate}%"


class CreativeKind(models.TextChoices):
    BANNER = "banner", "Banner"
    TEXT = "text", "Text link"


class Creative(models.Model):
    """A banner or text link staff provide for affiliates to copy."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=CreativeKind.choices)
    image = models.ForeignKey(
        "core.CreditedImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For banners.",
    )
    text = models.CharField(
        max_length=200, help_text="The link text, or the banner's alternative text."
    )
    landing_path = models.CharField(
        max_length=200, default="/", help_text="Where the link leads, e.g. /order/."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("image"),
        FieldPanel("text"),
        FieldPanel("landing_path"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name
