"""The demo's reviews of B12 Patch (reviews.toml): good, mixed and critical, most from verified
buyers, a few written on the site, some waiting for moderation and one rejected. Each goes
the way a real one does, through `reviews.services`: a verified buyer's order is delivered
(demo.orders), the buyer is asked, and writes from the request; a visitor writes on the site
and confirms by email; a moderator approves or rejects it, and the brand replies. They describe
using the patch (comfort, adhesion, routine, delivery), never a health result. Safe to re-run:
nothing is added twice."""

from datetime import datetime, timedelta

from django.utils import timezone

from apothecary.catalog.models import Variant
from apothecary.reviews.models import Review, ReviewEvent, ReviewRequest, ReviewStatus
from apothecary.reviews.services import (
    review_confirm,
    review_edit,
    review_requests_send,
    review_submit,
    review_transition,
)

from . import content
from .orders import ORDER_KEY_PREFIX, Buyer, demo_order
from .quiet import quietly

MODERATED = (ReviewStatus.APPROVED, ReviewStatus.REJECTED)
# A buyer is asked two weeks after delivery (as REVIEW_REQUEST_DELAY_DAYS says by default); a
# review is moderated the day after it is written, and answered the day after that.
ASKED_AFTER = timedelta(days=14)
MODERATED_AFTER = timedelta(days=1)
REPLIED_AFTER = timedelta(days=2)


def review_specs() -> dict:
    """reviews.toml: `review` (the reviews), `silent_buyer`, `buyers` and `signature`."""
    return content.read("reviews")


def _display(name: str) -> str:
    first, *rest = name.split()
    return f"{first} {rest[-1][0]}." if rest else first


def _email(name: str) -> str:
    first, *rest = name.lower().replace("'", "").split()
    return f"{first}.{rest[-1]}@example.com" if rest else f"{first}@example.com"


def _buyer(name: str, country: str) -> Buyer:
    return Buyer(name=name, email=_email(name), country=country)


def _ask(line, *, delivered_at: datetime) -> ReviewRequest:
    """The review request of a delivered line, made by the service that makes them for every
    buyer, then dated as if its email had gone out after delivery."""
    with quietly():
        review_requests_send(lines=[line])
    review_request = ReviewRequest.objects.get(order_line=line)
    if review_request.used_at is None:
        asked = delivered_at + ASKED_AFTER
        ReviewRequest.objects.filter(pk=review_request.pk).update(created_at=asked, sent_at=asked)
    return review_request


def _write(product, spec: dict, *, review_request: ReviewRequest | None, signature: str):
    """The review of `spec`, written, moderated and answered through the services."""
    fields = {
        "product": product,
        "rating": spec["stars"],
        "title": spec["title"],
        "text": spec["text"],
        "display_name": _display(spec["name"]),
        "country": spec["country"],
    }
    with quietly():
        if review_request is not None:
            review = review_submit(**fields, review_request=review_request)
        else:
            review = review_submit(**fields, email=_email(spec["name"]))
            review = review_confirm(review=review)
        status = spec.get("status", ReviewStatus.APPROVED)
        if status in MODERATED:
            review = review_transition(review=review, to=status, reason=spec.get("reason", ""))
        if spec.get("reply"):
            review = review_edit(
                review=review, brand_reply=spec["reply"] + signature, incentivized=False
            )
    return review


def _backdate(review: Review, *, written: datetime) -> None:
    """The services stamp each step with the time they run; a demo review was written
    `days_ago`, so its times and its history's are moved back once they have run."""
    moderated = written + MODERATED_AFTER if review.status in MODERATED else None
    replied = written + REPLIED_AFTER if review.brand_reply else None
    Review.objects.filter(pk=review.pk).update(
        created_at=written, confirmed_at=written, moderated_at=moderated, brand_reply_at=replied
    )
    if review.order_line_id is not None:
        ReviewRequest.objects.filter(order_line_id=review.order_line_id).update(used_at=written)
    for event in review.events.all():
        if event.to_status in MODERATED:
            at = moderated
        elif not event.to_status:  # the reply
            at = replied
        else:  # written, confirmed
            at = written
        ReviewEvent.objects.filter(pk=event.pk).update(created_at=at or written)


def seed_reviews(product, report) -> None:
    """The reviews of reviews.toml and the orders of their verified buyers, unless the product
    has reviews already."""
    if Review.objects.filter(product=product).exists():
        return
    specs = review_specs()
    variants = {v.sku: v for v in Variant.objects.filter(product=product).select_related("product")}
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    for n, spec in enumerate(specs["review"]):
        written = now - timedelta(days=spec["days_ago"], hours=n % 7)
        review_request = None
        if spec.get("verified", True) and spec["sku"] in variants:
            delivered = written - timedelta(days=15 + n % 9)
            line = demo_order(
                key=f"{ORDER_KEY_PREFIX}review-{n}",
                buyer=_buyer(spec["name"], spec["country"]),
                variant=variants[spec["sku"]],
                delivered_at=delivered,
                parcels=specs["buyers"],
            )
            if line is not None:
                review_request = _ask(line, delivered_at=delivered)
                if review_request.used_at is not None:  # its review was written before
                    review_request = None
        review = _write(product, spec, review_request=review_request, signature=specs["signature"])
        _backdate(review, written=written)
    # Buyers who were asked and did not write a review: every buyer is asked.
    for n, spec in enumerate(specs["silent_buyer"]):
        delivered = now - timedelta(days=spec["days_ago"])
        line = demo_order(
            key=f"{ORDER_KEY_PREFIX}silent-{n}",
            buyer=_buyer(spec["name"], spec["country"]),
            variant=variants[spec["sku"]],
            delivered_at=delivered,
            parcels=specs["buyers"],
        )
        if line is not None:
            _ask(line, delivered_at=delivered)
    report.created.append(f"{len(specs['review'])} reviews of {product.title}")
