"""Products: editorial copy on Wagtail pages; packs (variants) with SKU, price and stock as
plain rows, so publishing or reverting a page never changes a price or a stock count."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from apothecary.core.money import money_field_kwargs
from apothecary.pages.blocks import BodyBlock, image_credits
from apothecary.pages.models import BasePage


class ProductIndexPage(BasePage):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["catalog.ProductPage"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["products"] = ProductPage.objects.live().public().child_of(self)
        return context


class SupplementFactBlock(blocks.StructBlock):
    ingredient = blocks.CharBlock(max_length=120)
    amount = blocks.CharBlock(max_length=60, help_text="e.g. 1,000 mcg")
    daily_value = blocks.CharBlock(max_length=30, required=False, help_text="e.g. 41,667%")


class ProductPage(BasePage):
    """Product information: what it is, how to use it, what is in it, warnings."""

    always_shows_health_disclaimer = True
    is_product_page = True

    short_description = models.TextField(help_text="One or two sentences under the title.")
    description = StreamField(BodyBlock(), blank=True, use_json_field=True)
    how_to_use = RichTextField(blank=True, features=["bold", "italic", "ol", "ul", "link"])
    serving_size = models.CharField(max_length=60, blank=True, default="1 patch")
    supplement_facts = StreamField(
        [("fact", SupplementFactBlock())], blank=True, use_json_field=True
    )
    other_ingredients = models.TextField(blank=True)
    warnings = RichTextField(blank=True, features=["bold", "italic", "ul", "link"])
    faq_page = models.ForeignKey(
        "pages.FAQPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Show the first questions of this FAQ on the product page.",
    )
    faq_excerpt_count = models.PositiveSmallIntegerField(default=4)

    content_panels = [
        *Page.content_panels,
        FieldPanel("short_description"),
        InlinePanel("gallery_images", heading="Gallery", label="Image"),
        FieldPanel("description"),
        FieldPanel("how_to_use"),
        MultiFieldPanel(
            [
                FieldPanel("serving_size"),
                FieldPanel("supplement_facts"),
                FieldPanel("other_ingredients"),
            ],
            heading="Supplement facts",
        ),
        FieldPanel("warnings"),
        MultiFieldPanel(
            [FieldPanel("faq_page"), FieldPanel("faq_excerpt_count")], heading="FAQ excerpt"
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("short_description"),
        index.SearchField("description"),
        index.SearchField("how_to_use"),
    ]
    parent_page_types = ["catalog.ProductIndexPage"]
    subpage_types: list[str] = []

    def get_description(self):
        return self.search_description or self.short_description

    def get_context(self, request, *args, **kwargs):
        from .selectors import product_offers

        context = super().get_context(request, *args, **kwargs)
        context["offers"] = product_offers(self)
        context["gallery"] = list(self.gallery_images.select_related("image"))
        context["image_credits"] = image_credits(
            self.description, extra_images=[g.image for g in context["gallery"]]
        )
        if self.faq_page_id and self.faq_page.live:
            context["faq_excerpt"] = list(self.faq_page.questions())[: self.faq_excerpt_count]
        return context

    def get_json_ld(self, request):
        from .selectors import product_json_ld

        return [product_json_ld(self, request)]


class ProductGalleryImage(Orderable):
    page = ParentalKey(ProductPage, related_name="gallery_images", on_delete=models.CASCADE)
    image = models.ForeignKey("core.CreditedImage", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(max_length=250, help_text="Describe the image (required).")

    panels = [FieldPanel("image"), FieldPanel("alt_text")]


class VariantQuerySet(models.QuerySet):
    def purchasable(self):
        """Active packs of live products."""
        return self.filter(active=True, product__live=True)

    def in_stock(self):
        return self.filter(Q(stock__isnull=True) | Q(stock__gt=0))

    def low_stock(self):
        """Tracked packs with some units left, at or under their low-stock threshold."""
        return self.filter(stock__gt=0, stock__lte=F("low_stock_threshold"))

    def sold_out(self):
        return self.filter(stock=0)


class Variant(models.Model):
    """A pack of a product that can be bought: its SKU, price and stock."""

    # Deleting a product page deletes its packs; orders keep their own copies of every line.
    product = models.ForeignKey(ProductPage, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=64, unique=True)
    name = models.CharField(max_length=120, help_text="e.g. 30 patches / 1 month")
    months = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="How many months the pack lasts."
    )
    price = models.DecimalField(**money_field_kwargs(validators=[MinValueValidator(Decimal("0"))]))
    compare_at_price = models.DecimalField(
        **money_field_kwargs(null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]),
        help_text="The usual price, shown struck through when higher than the price.",
    )
    # Changed only by catalog.services (stock_take, stock_release, stock_adjust), each one
    # conditional UPDATE that writes a StockMovement.
    stock = models.PositiveIntegerField(
        null=True, blank=True, help_text="Units in stock. Leave empty when stock is not tracked."
    )
    low_stock_threshold = models.PositiveIntegerField(
        "Low stock at",
        default=5,
        help_text="When stock falls to this many units or fewer, staff are emailed once and "
        "the pack page says how many are left.",
    )
    weight_grams = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = VariantQuerySet.as_manager()

    class Meta:
        ordering = ["product_id", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(
                condition=Q(compare_at_price__isnull=True) | Q(compare_at_price__gte=0),
                name="variant_compare_at_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.product.title}: {self.name} ({self.sku})"

    def save(self, *args, **kwargs):
        """Saving a pack that exists never writes its stock: the count it was read with may
        be older than a sale made meanwhile. Stock moves through catalog.services."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "stock"
            ]
        super().save(*args, **kwargs)

    def clean(self):
        if self.compare_at_price is not None and self.compare_at_price <= self.price:
            raise ValidationError(
                {"compare_at_price": "The usual price must be higher than the price."}
            )

    @property
    def is_tracked(self) -> bool:
        return self.stock is not None

    @property
    def sold_out(self) -> bool:
        return self.is_tracked and self.stock <= 0

    @property
    def low_stock(self) -> bool:
        return self.is_tracked and 0 < self.stock <= self.low_stock_threshold


class StockMovementKind(models.TextChoices):
    INITIAL = "initial", "Initial stock"
    SALE = "sale", "Sale"
    CANCELLATION = "cancellation", "Cancelled order"
    RETURN_RESTOCK = "return_restock", "Return restocked"
    ADJUSTMENT = "adjustment", "Manual adjustment"


class StockMovement(models.Model):
    """One change of a pack's stock, written by the service that made it, in its
    transaction: how many units came or went, what was left after, why and who. Orders are
    above the catalog, so an order or a return is named in `reference`, not linked."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock_movements")
    kind = models.CharField(max_length=20, choices=StockMovementKind.choices)
    change = models.IntegerField(help_text="Units added (positive) or taken (negative).")
    stock_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=80, blank=True, help_text="e.g. order ABC23456")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A staff adjustment sent twice (a double click) is made once.
    idempotency_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["variant", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(change=0) | Q(kind="initial"), name="stock_movement_changes"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.signed_change} → {self.stock_after}"

    @property
    def signed_change(self) -> str:
        """ "+24", "−2" (a minus sign), or the opening count as it is."""
        if self.kind == StockMovementKind.INITIAL:
            return str(self.change)
        return f"{self.change:+d}".replace("-", "\N{MINUS SIGN}")


class OrderPage(BasePage):
    """ "Order now": every active pack of the store's products, with the price per month and
    what a bigger pack saves, each added to the cart in one step."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        from .selectors import store_offers

        context = super().get_context(request, *args, **kwargs)
        context["offers"] = store_offers()
        return context
