"""Affiliates and what they bring: their sign-in addresses, coupons, the clicks on their links
and the orders referred to them.

An affiliate's status changes only through membership.affiliate_transition, along
AFFILIATE_TRANSITIONS below."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from .program import PERCENT_VALIDATORS, AffiliateProgramSettings

# Referral codes: what follows ?ref= in a link. Lower case, so that "Anna" and "anna" are one.
CODE_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$"
code_validator = RegexValidator(
    CODE_PATTERN,
    "Use 3 to 32 lower-case letters, digits and hyphens, starting and ending with a letter or "
    "digit.",
)


class AffiliateStatus(models.TextChoices):
    PENDING = "pending", "Applied"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUSPENDED = "suspended", "Suspended"
    # The affiliate's personal data was erased (privacy): the link and coupons stop for good.
    CLOSED = "closed", "Closed"


A = AffiliateStatus
AFFILIATE_TRANSITIONS: dict[str, frozenset[str]] = {
    A.PENDING: frozenset({A.APPROVED, A.REJECTED}),
    A.APPROVED: frozenset({A.SUSPENDED}),
    A.SUSPENDED: frozenset({A.APPROVED}),
    A.REJECTED: frozenset({A.APPROVED}),  # a second look
    A.CLOSED: frozenset(),  # set only by the erasure (personal_data.close_affiliate)
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


class Click(models.Model):
    """A visitor's visits by one referral link within one window of
    settings.REFERRAL_CLICK_WINDOW seconds: one row for all of them, made by the first
    (referrals.click_record). The IP is kept only as a salted hash."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.CASCADE, related_name="clicks")
    created_at = models.DateTimeField(default=timezone.now)
    window_start = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The de-duplication window of the click (empty on clicks recorded before "
        "clicks were de-duplicated).",
    )
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
        constraints = [
            models.UniqueConstraint(
                fields=["affiliate", "ip_hash", "window_start"], name="one_click_per_window"
            )
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
