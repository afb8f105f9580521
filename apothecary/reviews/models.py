"""Customer reviews: a star rating and plain text about a product, moderated before it shows.

A review's status changes only through services.review_transition. Only approved reviews are
shown or counted. A review is "verified" when it is tied to an order line of a delivered order;
that tie is made only through the signed link of a review request (services)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from apothecary.pages.blocks import BodyBlock, image_credits
from apothecary.pages.models import BasePage

TITLE_MAX = 120
TEXT_MIN = 20
TEXT_MAX = 5000
NAME_MAX = 60
REASON_MAX = 300
REPLY_MAX = 2000


class ReviewStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Unconfirmed"  # the email link has not been clicked yet
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


S = ReviewStatus
# The only allowed moves; review_transition refuses every other.
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    S.UNCONFIRMED: frozenset({S.PENDING}),
    S.PENDING: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.REJECTED}),  # taken down
    S.REJECTED: frozenset({S.APPROVED}),  # a second look
}


# Orders whose buyer has paid (and not been refunded in full): only these make a review
# "verified".
PAID_ORDER_STATUSES = ("paid", "shipped", "delivered", "partially_refunded")


class ReviewQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ReviewStatus.APPROVED)

    def verified(self):
        """Reviews tied to a line of a paid order placed with the writer's email, for the
        product reviewed (the `verified` property, in one query)."""
        return self.filter(
            order_line__order__status__in=PAID_ORDER_STATUSES,
            order_line__order__email__iexact=models.F("email"),
            order_line__variant__product=models.F("product"),
        )

    def with_purchase(self):
        """Load what `verified` reads, in the same query."""
        return self.select_related("order_line__order", "order_line__variant")


class Review(models.Model):
    product = models.ForeignKey(
        "catalog.ProductPage", on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(max_length=TITLE_MAX)
    text = models.TextField(max_length=TEXT_MAX, validators=[MinLengthValidator(TEXT_MIN)])
    display_name = models.CharField(max_length=NAME_MAX)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code, e.g. US.")
    email = models.EmailField(help_text="The writer's address; never shown.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        editable=False,
        help_text="The account the review was written from, if the writer was signed in.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    # Verified buyer: set only by services, from a delivered order's line; one review per line.
    order_line = models.OneToOneField(
        "orders.OrderLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review",
        editable=False,
    )
    incentivized = models.BooleanField(
        default=False, help_text="The writer got something (a free pack, a discount) for it."
    )
    by_staff = models.BooleanField(
        default=False, editable=False, help_text="Written by a member of staff."
    )

    status = models.CharField(
        max_length=12,
        choices=ReviewStatus.choices,
        default=ReviewStatus.UNCONFIRMED,
        editable=False,
    )
    rejection_reason = models.CharField(max_length=REASON_MAX, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    brand_reply = models.TextField(max_length=REPLY_MAX, blank=True)
    brand_reply_at = models.DateTimeField(null=True, blank=True, editable=False)
    # sha256 of the text, normalised: the same text twice from one email is refused.
    text_hash = models.CharField(max_length=64, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["email", "text_hash"], name="review_text_once_per_email"
            ),
            models.UniqueConstraint(
                fields=["email", "product"], name="one_review_per_email_and_product"
            ),
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(user__isnull=False),
                name="one_review_per_user_and_product",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.REJECTED) | ~Q(rejection_reason=""),
                name="review_rejected_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.rating}/5)"

    @property
    def verified(self) -> bool:
        """A paid order placed with the writer's email contains the product reviewed (the
        line the review request's link tied it to). Refunded in full, cancelled, another
        email or another product: not verified."""
        line = self.order_line
        if line is None:
            return False
        order = line.order
        return (
            order.status in PAID_ORDER_STATUSES
            and order.email.strip().lower() == self.email.strip().lower()
            and line.variant is not None
            and line.variant.product_id == self.product_id
        )


class ReviewEvent(models.Model):
    """A review's history: every status change and reply, with who and when."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    message = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Review {self.review_id}: {self.from_status} → {self.to_status}"


class ReviewRequest(models.Model):
    """One "how was it?" email per delivered order line. The unique order line makes sending
    idempotent: a second run of send_review_requests finds the row and sends nothing."""

    order_line = models.OneToOneField(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="review_request"
    )
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Review request for order line {self.order_line_id}"


class ReviewsPage(BasePage):
    """Every approved review, newest first, sortable and filterable; then how reviews are
    collected and moderated (the body)."""

    intro = models.TextField(blank=True, help_text="A sentence or two shown under the title.")
    body = StreamField(
        BodyBlock(),
        blank=True,
        use_json_field=True,
        help_text="Shown below the reviews: how they are collected and moderated.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types: list[str] = []
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from .selectors import reviews_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(reviews_page_context(request))
        context["image_credits"] = image_credits(self.body)
        return context
