"""Review emails, HTML and plain text, sent by background tasks queued after commit: the link
that confirms a review, the request sent after delivery, and the reason for a rejection."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from wagtail.models import Site

from apothecary.core.models import BrandSettings

from .models import Review, ReviewRequest

logger = logging.getLogger(__name__)


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _brand_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return BrandSettings.for_site(site).brand_name if site else "Apothecary"


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    brand_name = _brand_name()
    context = {**context, "brand_name": brand_name}
    text = render_to_string(f"reviews/email/{template}.txt", context)
    html = render_to_string("reviews/email/base.html", {**context, "body": text})
    message = EmailMultiAlternatives(
        subject=f"{brand_name}: {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_review_confirmation(*, review_id: int) -> None:
    from .services import confirm_token

    review = Review.objects.select_related("product").get(pk=review_id)
    url = _base_url() + reverse("reviews:confirm", args=[confirm_token(review)])
    _send(
        to=review.email,
        subject="Please confirm your review",
        template="confirm",
        context={
            "review": review,
            "action_url": url,
            "action_label": "Confirm my review",
            "hours": settings.REVIEW_CONFIRM_MAX_AGE_HOURS,
        },
    )
    logger.info("review %s: confirmation email sent", review.pk)


@task()
def send_review_request(*, request_id: int) -> None:
    """Claimed with a conditional update first, so a retried or doubled task sends once."""
    from .services import request_token

    claimed = ReviewRequest.objects.filter(pk=request_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return
    review_request = ReviewRequest.objects.select_related("order_line__order").get(pk=request_id)
    line = review_request.order_line
    url = _base_url() + reverse("reviews:request", args=[request_token(review_request)])
    try:
        _send(
            to=review_request.email,
            subject=f"How are you getting on with {line.product_title}?",
            template="request",
            context={
                "line": line,
                "order": line.order,
                "action_url": url,
                "action_label": "Write a review",
                "days": settings.REVIEW_LINK_MAX_AGE_DAYS,
            },
        )
    except (smtplib.SMTPException, OSError):
        ReviewRequest.objects.filter(pk=request_id).update(sent_at=None)  # to be sent again
        raise
    logger.info("review request %s: email sent", review_request.pk)


@task()
def send_review_rejected(*, review_id: int) -> None:
    review = Review.objects.select_related("product").get(pk=review_id)
    if review.status != "rejected":  # approved again before the task ran
        return
    _send(
        to=review.email,
        subject="About your review",
        template="rejected",
        context={
            "review": review,
            "action_url": _base_url() + reverse("reviews:write", args=[review.product_id]),
            "action_label": "Write it again",
        },
    )
