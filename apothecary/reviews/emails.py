"""Review emails, plain text and HTML, queued in the outbox (core.outbox) inside the
transaction that makes the news, and sent after commit: the link that confirms a review, the
request sent after delivery, and the reason for a rejection.

Each email has one template, `reviews/email/<name>.txt`: the plain-text part renders it with
autoescape off, the HTML part includes it in `reviews/email/base.html` with autoescape on, so
a review's title, the writer's name or a rejection reason are always text in the HTML."""

from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from apothecary.core.models import BrandSettings
from apothecary.core.outbox import queue_email, render_html, render_text

from .models import Review, ReviewRequest


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _brand_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return BrandSettings.for_site(site).brand_name if site else "Apothecary"


def _queue(*, key: str, to: str, subject: str, template: str, context: dict) -> None:
    brand_name = _brand_name()
    context = {**context, "brand_name": brand_name, "body_template": template}
    queue_email(
        key=key,
        kind=key.split(":")[0] + "_" + key.split(":")[2],
        to=to,
        subject=f"{brand_name}: {subject}",
        text=render_text(template, context),
        html=render_html("reviews/email/base.html", context),
    )


def queue_review_confirmation(*, review: Review) -> None:
    from .services import confirm_token

    url = _base_url() + reverse("reviews:confirm", args=[confirm_token(review)])
    _queue(
        key=f"review:{review.pk}:confirm",
        to=review.email,
        subject="Please confirm your review",
        template="reviews/email/confirm.txt",
        context={
            "review": review,
            "action_url": url,
            "action_label": "Confirm my review",
            "hours": settings.REVIEW_CONFIRM_MAX_AGE_HOURS,
        },
    )


def queue_review_request(*, review_request: ReviewRequest) -> None:
    from .services import request_token

    line = review_request.order_line
    url = _base_url() + reverse("reviews:request", args=[request_token(review_request)])
    _queue(
        key=f"review_request:{review_request.pk}:request",
        to=review_request.email,
        subject=f"How are you getting on with {line.product_title}?",
        template="reviews/email/request.txt",
        context={
            "line": line,
            "order": line.order,
            "action_url": url,
            "action_label": "Write a review",
            "days": settings.REVIEW_LINK_MAX_AGE_DAYS,
        },
    )


def queue_review_rejected(*, review: Review, event: int) -> None:
    """Once per rejection (`event`: its history row): a review may be rejected again after
    a second look."""
    _queue(
        key=f"review:{review.pk}:rejected:{event}",
        to=review.email,
        subject="About your review",
        template="reviews/email/rejected.txt",
        context={
            "review": review,
            "action_url": _base_url() + reverse("reviews:write", args=[review.product_id]),
            "action_label": "Write it again",
        },
    )
