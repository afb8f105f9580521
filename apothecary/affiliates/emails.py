"""The affiliate program's emails to applicants, HTML and plain text, sent by background tasks
queued after commit (membership.py): we have your application; you are approved (with the
dashboard link, the code and the disclosure to make); rejected or suspended (with the reason).

A decision email is sent only if the affiliate still has the status it announces when the task
runs: an approval undone before the worker got to it is not announced."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task
from wagtail.models import Site

from apothecary.core.models import BrandSettings

from .models import Affiliate, AffiliateStatus, program_settings

logger = logging.getLogger(__name__)

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


def _send(*, affiliate: Affiliate, subject: str, template: str, context: dict) -> None:
    brand_name = _brand_name()
    context = {**context, "brand_name": brand_name}
    text = render_to_string(f"affiliates/email/{template}.txt", context)
    html = render_to_string(f"affiliates/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"{brand_name}: {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[affiliate.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_application_received(*, affiliate_id: int) -> None:
    affiliate = Affiliate.objects.filter(pk=affiliate_id).first()
    if affiliate is None:
        logger.info("affiliates: applicant %s is gone; no email sent", affiliate_id)
        return
    _send(
        affiliate=affiliate,
        subject="We have your affiliate application",
        template="received",
        context=_context(affiliate),
    )
    logger.info("affiliates: applicant %s told we have the application", affiliate_id)


@task()
def send_affiliate_decision(*, affiliate_id: int, status: str) -> None:
    affiliate = Affiliate.objects.filter(pk=affiliate_id).first()
    if affiliate is None or affiliate.status != status or status not in DECISION_TEMPLATES:
        logger.info(
            "affiliates: affiliate %s is no longer %s; decision email not sent",
            affiliate_id,
            status,
        )
        return
    template, subject = DECISION_TEMPLATES[status]
    _send(affiliate=affiliate, subject=subject, template=template, context=_context(affiliate))
    logger.info("affiliates: affiliate %s told they are %s", affiliate_id, status)
