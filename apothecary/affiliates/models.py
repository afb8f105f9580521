"""The affiliate program: affiliates, their clicks, the orders they referred, the commissions
those orders earn, and the payouts that pay them.

Statuses change only through one function per state machine: an affiliate's through
membership.affiliate_transition, a commission's through services.commission_transition (which
payouts.payout_batch_mark_paid also uses); the tables below are the only moves they allow."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from apothecary.core.money import money_field_kwargs
from apothecary.pages.blocks import BodyBlock
from apothecary.pages.models import BasePage

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

# Referral codes: what follows ?ref= in a link. Lower case, so that "Anna" and "anna" are one.
CODE_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$"
code_validator = RegexValidator(
    CODE_PATTERN,
    "Use 3 to 32 lower-case letters, digits and hyphens, starting and ending with a letter or "
    "digit.",
)


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


class AffiliateStatus(models.TextChoices):
    PENDING = "pending", "Applied"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUSPENDED = "suspended", "Suspended"


A = AffiliateStatus
AFFILIATE_TRANSITIONS: dict[str, frozenset[str]] = {
    A.PENDING: frozenset({A.APPROVED, A.REJECTED}),
    A.APPROVED: frozenset({A.SUSPENDED}),
    A.SUSPENDED: frozenset({A.APPROVED}),
    A.REJECTED: frozenset({A.APPROVED}),  # a second look
}


class PayoutMethod(models.TextChoices):
    PAYPAL = "paypal", "PayPal"
    BANK = "bank", "Bank transfer"


class Affiliate(models.Model):
    """An applicant, and once approved, an affiliate. Always tied to a site account, so the
    dashboard is behind the ordinary sign-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="affiliate"
    )
    code = models.CharField(
        max_length=32,
        unique=True,
        validators=[code_validator],
        help_text="What follows ?ref= in the affiliate's links.",
    )
    name = models.CharField(max_length=120)
    email = models.EmailField(help_text="Where program emails and payout notices go.")
    website = models.CharField(
        max_length=500, help_text="Website, channel or social handles where they will promote."
    )
    promotion = models.TextField(max_length=2000, help_text="How they will promote us.")
    payout_method = models.CharField(
        max_length=10, choices=PayoutMethod.choices, default=PayoutMethod.PAYPAL
    )
    paypal_email = models.EmailField(blank=True)
    bank_details = models.TextField(
        max_length=1000, blank=True, help_text="Account holder, bank, IBAN or account number."
    )
    status = models.CharField(
        max_length=10, choices=AffiliateStatus.choices, default=A.PENDING, editable=False
    )
    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text="Percent; leave empty for the program's rate.",
    )
    cookie_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days; leave empty for the program's window.",
    )
    terms_accepted_at = models.DateTimeField()
    decision_note = models.CharField(
        max_length=500, blank=True, help_text="Why rejected or suspended; sent to the applicant."
    )
    staff_note = models.TextField(blank=True, help_text="For staff only.")
    applied_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-applied_at"]
        indexes = [models.Index(fields=["status", "applied_at"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_active(self) -> bool:
        return self.status == AffiliateStatus.APPROVED

    def rate(self, program: AffiliateProgramSettings) -> Decimal:
        return self.commission_rate if self.commission_rate is not None else program.commission_rate

    def window_days(self, program: AffiliateProgramSettings) -> int:
        return self.cookie_days or program.cookie_days


class AffiliateLogin(models.Model):
    """The hashed IPs an affiliate signs in from: an order placed from one of them, seconds
    after a click on their link, is flagged for review."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.CASCADE, related_name="logins")
    ip_hash = models.CharField(max_length=64)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["affiliate", "ip_hash"], name="affiliate_login_ip")
        ]

    def __str__(self):
        return f"{self.affiliate.code} from {self.ip_hash[:8]}…"


class AffiliateCoupon(models.Model):
    """A discount code that belongs to an affiliate: an order using it is theirs, cookie or
    not."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.CASCADE, related_name="coupons")
    discount_code = models.OneToOneField(
        "checkout.DiscountCode", on_delete=models.CASCADE, related_name="affiliate_coupon"
    )

    def __str__(self):
        return f"{self.discount_code} → {self.affiliate}"


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


class Click(models.Model):
    """One visit by a referral link. The IP is kept only as a salted hash."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.CASCADE, related_name="clicks")
    created_at = models.DateTimeField(default=timezone.now)
    landing_url = models.CharField(max_length=500)
    referrer = models.CharField(max_length=500, blank=True)
    ip_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["affiliate", "created_at"]),
            models.Index(fields=["ip_hash", "created_at"]),
        ]

    def __str__(self):
        return f"Click for {self.affiliate.code} at {self.created_at:%Y-%m-%d %H:%M}"


class ReferralSource(models.TextChoices):
    LINK = "link", "Referral link"
    COUPON = "coupon", "Affiliate coupon"


class Referral(models.Model):
    """The affiliate an order is attributed to, and how; made when the order is placed."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="referral")
    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="referrals")
    click = models.ForeignKey(
        Click, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    source = models.CharField(max_length=10, choices=ReferralSource.choices)
    ip_hash = models.CharField(max_length=64, blank=True, help_text="The buyer's, hashed.")
    self_referral = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["affiliate", "created_at"])]

    def __str__(self):
        return f"Order {self.order_id} by {self.affiliate.code}"


class CommissionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Rejected"
    REVERSED = "reversed", "Reversed"


C = CommissionStatus
COMMISSION_TRANSITIONS: dict[str, frozenset[str]] = {
    C.PENDING: frozenset({C.APPROVED, C.REJECTED, C.REVERSED}),
    C.APPROVED: frozenset({C.PAID, C.REJECTED, C.REVERSED}),
    C.PAID: frozenset(),  # a refund after payout makes a negative adjustment instead
    C.REJECTED: frozenset({C.PENDING}),  # staff may reopen a rejection
    C.REVERSED: frozenset(),
}


class CommissionKind(models.TextChoices):
    COMMISSION = "commission", "Commission"
    ADJUSTMENT = "adjustment", "Adjustment"


class Commission(models.Model):
    """What an order earns its affiliate. A refund reduces `amount` (pending / approved) or,
    once paid, adds a negative adjustment row that the next payout deducts."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="commissions")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="commissions"
    )
    kind = models.CharField(
        max_length=10, choices=CommissionKind.choices, default=CommissionKind.COMMISSION
    )
    base_amount = models.DecimalField(
        **money_field_kwargs(), help_text="Products after discounts; no shipping, no tax."
    )
    original_amount = models.DecimalField(**money_field_kwargs())
    amount = models.DecimalField(**money_field_kwargs())
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=CommissionStatus.choices, default=C.PENDING, editable=False
    )
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)
    payout = models.ForeignKey(
        "Payout", null=True, blank=True, on_delete=models.SET_NULL, related_name="commissions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["affiliate", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            # One commission per order: a payment confirmed twice cannot pay twice.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(kind="commission"),
                name="one_commission_per_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency} for {self.affiliate.code}"


class CommissionEvent(models.Model):
    """A commission's history: each change of status or amount, with who and why."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    amount = models.DecimalField(**money_field_kwargs(null=True, blank=True))
    message = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}: {self.message}"


class PayoutBatchStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAID = "paid", "Paid"


class PayoutBatch(models.Model):
    """Approved commissions of every affiliate over the threshold, paid together."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=5,
        choices=PayoutBatchStatus.choices,
        default=PayoutBatchStatus.OPEN,
        editable=False,
    )
    reference = models.CharField(
        max_length=120, blank=True, help_text="The payment provider's batch id."
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "payout batches"

    def __str__(self):
        return f"Payout batch {self.pk} of {self.created_at:%Y-%m-%d}"


class Payout(models.Model):
    """One affiliate's share of a batch: their approved commissions and adjustments."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="payouts")
    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(**money_field_kwargs())
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=10, choices=PayoutMethod.choices)
    destination = models.CharField(
        max_length=1000, help_text="PayPal email or bank details as they were when batched."
    )
    reference = models.CharField(max_length=120, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-batch__created_at", "affiliate__name"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "affiliate"], name="one_payout_per_batch"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_positive"),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} to {self.affiliate.code}"


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


class AffiliateProgramPage(BasePage):
    """The program's landing page (/affiliates/): the editor's copy, the terms and figures from
    AffiliateProgramSettings, the required disclosure, and the sign-up form. Not cached: the
    form carries a CSRF token and greets a signed-in customer by name."""

    intro = models.TextField(blank=True, help_text="A sentence or two shown under the title.")
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        """The program's figures and terms, and what the sign-up area shows this visitor: the
        form (with a password for a new account, or filled in from their account), or, for
        someone already in the program, where they stand."""
        from apothecary.core.money import store_currency
        from apothecary.pages.blocks import image_credits

        from .forms import ApplicationForm

        context = super().get_context(request, *args, **kwargs)
        user = getattr(request, "user", None)
        affiliate = None
        if user is not None and user.is_authenticated:
            affiliate = Affiliate.objects.filter(user=user).first()
        context["program"] = AffiliateProgramSettings.for_request(request)
        context["currency"] = store_currency()
        context["affiliate"] = affiliate
        if affiliate is None and "form" not in context:
            context["form"] = ApplicationForm(user=user)
        context["image_credits"] = image_credits(self.body)
        return context

    def serve(self, request, *args, **kwargs):
        """Never cached: the form carries a CSRF token and its fill-time clock, and the page
        greets a signed-in visitor. public_content (core.cache) keeps this Cache-Control."""
        from django.utils.cache import add_never_cache_headers

        response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response
