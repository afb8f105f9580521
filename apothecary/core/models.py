"""Site-wide data: the image model with photo credits, brand and navigation settings."""

from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Image

from .blocks import NavigationLinkBlock

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #RRGGBB.")


class CreditedImage(AbstractImage):
    """A Wagtail image that remembers who made it, so pages can credit them."""

    credit = models.CharField(
        max_length=255, blank=True, help_text="Who made the image, e.g. 'Photo: Jane Doe'."
    )
    credit_url = models.URLField(blank=True, help_text="A link to the maker or the source.")

    admin_form_fields = (*Image.admin_form_fields, "credit", "credit_url")


class CreditedRendition(AbstractRendition):
    image = models.ForeignKey(CreditedImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


@register_setting(icon="site")
class BrandSettings(BaseSiteSetting):
    """Who the store is: name, logo, colours and the health disclaimer every health page shows."""

    brand_name = models.CharField(max_length=100, default="Apothecary")
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences about the brand, for search engines."
    )
    logo = models.ForeignKey(
        CreditedImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    primary_colour = models.CharField(
        max_length=7,
        default="#14532d",
        validators=[colour_validator],
        help_text="Buttons and links. Keep a contrast of at least 4.5:1 against white.",
    )
    accent_colour = models.CharField(
        max_length=7,
        default="#b45309",
        validators=[colour_validator],
        help_text="Highlights and callouts.",
    )
    health_disclaimer = models.TextField(
        blank=True,
        help_text="Shown at the foot of every health page, e.g. the supplement disclaimer.",
    )
    contact_email = models.EmailField(blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("brand_name"), FieldPanel("tagline"), FieldPanel("description")],
            heading="Brand",
        ),
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("primary_colour"), FieldPanel("accent_colour")],
            heading="Look",
        ),
        FieldPanel("health_disclaimer"),
        FieldPanel("contact_email"),
    ]

    class Meta:
        verbose_name = "brand"


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """The header menu and the footer menu, edited as lists of links."""

    header_links = StreamField([("link", NavigationLinkBlock())], blank=True, use_json_field=True)
    footer_links = StreamField([("link", NavigationLinkBlock())], blank=True, use_json_field=True)

    panels = [FieldPanel("header_links"), FieldPanel("footer_links")]

    class Meta:
        verbose_name = "navigation"


# Staff notifications, the outbox and the scheduler's claims live beside their code; Django
# finds their models here.
from .notifications import StaffNotification, StaffNotificationSettings  # noqa: E402, F401
from .outbox import OutgoingEmail  # noqa: E402, F401
from .scheduler import ScheduledRun  # noqa: E402, F401
