"""The affiliate program's emails to applicants, HTML and plain text, queued in the outbox
(core.outbox) in the transaction of the application or the decision (membership.py), and sent
after commit: we have your application; you are approved (with the dashboard link, the code
and the disclosure to make); rejected or suspended (with the reason).

The HTML templates build each email from the affiliate's fields with autoescape on: a name,
a website or a decision note is text in them, never markup."""

from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from apothecary.core.models import BrandSettings
from apothecary.core.outbox import queue_email, render_html, render_text, withdraw_emails

from .models import Affiliate, AffiliateStatus, program_settings

DECISION_TEMPLATES = {
    AffiliateStatus.APPROVED: ("approved", "Welcome to the affiliate program"),
    AffiliateStatus.REJECTED: ("rejected", "About your affiliate application"),
    AffiliateStatus.SUSPENDED: ("suspended", "Your affiliate account is suspended"),
}


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _brand_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return BrandSettings.for_site(site).brand_name if site else "Apothecary"


def _context(affiliate: Affiliate) -> dict:
    program = program_settings()
    base = _base_url()
    return {
        "affiliate": affiliate,
        "program": program,
        "rate": affiliate.rate(program),
        "window_days": affiliate.window_days(program),
        "dashboard_url": base + reverse("affiliates:dashboard"),
        "example_link": f"{base}/?ref={affiliate.code}",
        "base_url": base,
    }


def _queue(*, key: str, affiliate: Affiliate, subject: str, template: str) -> None:
    brand_name = _brand_name()
    context = {**_context(affiliate), "brand_name": brand_name}
    queue_email(
        key=key,
        kind=f"affiliate_{template}",
        to=affiliate.email,
        subject=f"{brand_name}: {subject}",
        text=render_text(f"affiliates/email/{template}.txt", context),
        html=render_html(f"affiliates/email/{template}.html", context),
    )


def queue_application_received(*, affiliate: Affiliate) -> None:
    _queue(
        key=f"affiliate:{affiliate.pk}:received",
        affiliate=affiliate,
        subject="We have your affiliate application",
        template="received",
    )


def queue_affiliate_decision(*, affiliate: Affiliate) -> None:
    """The email of the decision just made (the affiliate's status), once per decision (an
    affiliate may be approved again after a suspension). An earlier decision whose email has
    not gone out yet is withdrawn: an approval undone before it was sent is not announced."""
    prefix = f"affiliate:{affiliate.pk}:decision:"
    withdraw_emails(key_prefix=prefix)
    if affiliate.status not in DECISION_TEMPLATES:
        return
    template, subject = DECISION_TEMPLATES[affiliate.status]
    stamp = int(affiliate.decided_at.timestamp() * 1_000_000) if affiliate.decided_at else 0
    _queue(
        key=f"{prefix}{affiliate.status}:{stamp}",
        affiliate=affiliate,
        subject=subject,
        template=template,
    )
