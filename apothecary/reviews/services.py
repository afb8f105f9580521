"""Every write to a review: writing one, confirming it by email, moderating it (one transition
function), the brand's reply, and the review requests sent after delivery."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apothecary.core.machines import InvalidTransition, transition
from apothecary.core.outbox import withdraw_emails
from apothecary.orders.models import OrderLine

from .emails import queue_review_confirmation, queue_review_rejected, queue_review_request
from .models import (
    REASON_MAX,
    REPLY_MAX,
    REVIEW_TRANSITIONS,
    Review,
    ReviewEvent,
    ReviewRequest,
    ReviewStatus,
)

logger = logging.getLogger(__name__)

CONFIRM_SALT = "apothecary.reviews.confirm"
REQUEST_SALT = "apothecary.reviews.request"


class ReviewError(Exception):
    """Something the writer or a moderator can fix; the message says what."""

    status = 400


class DuplicateReview(ReviewError):
    status = 409


class ReviewLinkError(ReviewError):
    """A signed link that is broken (400), expired (410) or already used (409)."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.status = status


def text_fingerprint(text: str) -> str:
    """The same words, whatever the spacing and case, give the same fingerprint."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode()).hexdigest()


# Signed links.


def confirm_token(review: Review) -> str:
    return signing.dumps({"review": review.pk}, salt=CONFIRM_SALT, compress=True)


def request_token(review_request: ReviewRequest) -> str:
    return signing.dumps({"request": review_request.pk}, salt=REQUEST_SALT, compress=True)


def _unsign(token: str, *, salt: str, max_age: timedelta, key: str, what: str) -> int:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        logger.info("reviews: expired %s link", what)
        raise ReviewLinkError(f"This {what} link has expired.", status=410) from None
    except signing.BadSignature:
        logger.warning("reviews: bad signature on a %s link", what)
        raise ReviewLinkError(
            f"This {what} link is not valid. Please use the link exactly as it is in the email."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get(key), int):
        raise ReviewLinkError(f"This {what} link is not valid.")
    return data[key]


def review_for_confirm_token(token: str) -> Review:
    pk = _unsign(
        token,
        salt=CONFIRM_SALT,
        max_age=timedelta(hours=settings.REVIEW_CONFIRM_MAX_AGE_HOURS),
        key="review",
        what="confirmation",
    )
    review = Review.objects.select_related("product").filter(pk=pk).first()
    if review is None:
        raise ReviewLinkError("This review no longer exists.", status=410)
    return review


def review_request_for_token(token: str) -> ReviewRequest:
    """The request a link opens: refused once used, or when its order line cannot be
    reviewed as a verified purchase."""
    pk = _unsign(
        token,
        salt=REQUEST_SALT,
        max_age=timedelta(days=settings.REVIEW_LINK_MAX_AGE_DAYS),
        key="request",
        what="review",
    )
    review_request = (
        ReviewRequest.objects.select_related("order_line__order", "order_line__variant__product")
        .filter(pk=pk)
        .first()
    )
    if review_request is None:
        raise ReviewLinkError("This review link is no longer valid.", status=410)
    if review_request.used_at is not None:
        logger.info("reviews: review request %s opened again after use", review_request.pk)
        raise ReviewLinkError(
            "This link has already been used: a review of this purchase was written with it. "
            "Thank you! Each purchase can be reviewed once.",
            status=409,
        )
    if verified_product(review_request.order_line) is None:
        logger.warning("reviews: review request %s is not for a delivered line", review_request.pk)
        raise ReviewLinkError("This purchase can no longer be reviewed.", status=410)
    return review_request


def verified_product(order_line):
    """The live product a delivered order line bought, or None: only such a line makes a
    review "verified"."""
    order = order_line.order
    variant = order_line.variant
    if order.delivered_at is None or variant is None or not variant.product.live:
        return None
    return variant.product


# Writing.


def _staff_email(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email, is_staff=True).exists()


def _purge_stale_unconfirmed(email: str, now) -> None:
    """Reviews never confirmed before their link expired: gone, so the text may be sent again."""
    stale = now - timedelta(hours=settings.REVIEW_CONFIRM_MAX_AGE_HOURS)
    Review.objects.filter(
        email=email, status=ReviewStatus.UNCONFIRMED, created_at__lt=stale
    ).delete()


ALREADY_REVIEWED = (
    "You have reviewed this product already. Each customer can write one review of a product."
)


def _reviewed_already(*, product, email: str, user) -> bool:
    """One review per (email, product) and per (account, product), whatever its status; the
    database constraints one_review_per_email_and_product and one_review_per_user_and_product
    settle a race."""
    mine = Q(email=email) | Q(user=user) if user is not None else Q(email=email)
    return Review.objects.filter(mine, product=product).exists()


@transaction.atomic
def review_submit(
    *,
    product,
    rating: int,
    title: str,
    text: str,
    display_name: str,
    country: str = "",
    email: str = "",
    user=None,
    review_request: ReviewRequest | None = None,
) -> Review:
    """Write a review. From the product page it waits, unconfirmed, until the link emailed to
    the writer is followed; from a review request's link (the email is proven, the purchase
    delivered) it is a verified review waiting for moderation, and the link is used up."""
    now = timezone.now()
    order_line = None
    if review_request is not None:
        review_request = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
        if review_request.used_at is not None:
            raise ReviewLinkError(
                "This link has already been used: a review of this purchase was written with "
                "it. Each purchase can be reviewed once.",
                status=409,
            )
        order_line = review_request.order_line
        bought = verified_product(order_line)
        if bought is None or bought.pk != product.pk:
            raise ReviewLinkError("This purchase can no longer be reviewed.", status=410)
        email = review_request.email
    email = email.strip().lower()
    if not email:
        raise ReviewError("Enter your email address.")
    if not (1 <= rating <= 5):
        raise ReviewError("Choose a rating from 1 to 5 stars.")
    _purge_stale_unconfirmed(email, now)
    account = user if user is not None and user.is_authenticated else None
    if _reviewed_already(product=product, email=email, user=account):
        raise DuplicateReview(ALREADY_REVIEWED)
    fingerprint = text_fingerprint(text)
    if Review.objects.filter(email=email, text_hash=fingerprint).exists():
        raise DuplicateReview(
            "You have already sent us a review with this text. Each review is read once; "
            "if you want to add something, write it in new words."
        )
    verified = order_line is not None
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product,
                rating=rating,
                title=title,
                text=text,
                display_name=display_name,
                country=country.upper(),
                email=email,
                user=account,
                created_at=now,
                order_line=order_line,
                by_staff=bool(user is not None and user.is_staff) or _staff_email(email),
                status=ReviewStatus.PENDING if verified else ReviewStatus.UNCONFIRMED,
                confirmed_at=now if verified else None,
                text_hash=fingerprint,
            )
    except IntegrityError:  # sent twice at once, or the line reviewed meanwhile
        if _reviewed_already(product=product, email=email, user=account):
            raise DuplicateReview(ALREADY_REVIEWED) from None
        raise DuplicateReview("We already have this review. Thank you!") from None
    ReviewEvent.objects.create(
        review=review,
        to_status=review.status,
        actor=user if user is not None and user.is_authenticated else None,
        message="Written from a review request" if verified else "Written on the site",
    )
    if review_request is not None:
        review_request.used_at = now
        review_request.save(update_fields=["used_at"])
    else:
        queue_review_confirmation(review=review)
    logger.info("review %s written for product %s (%s)", review.pk, product.pk, review.status)
    return review


def review_confirm(*, review: Review) -> Review:
    """The writer followed the emailed link: the review goes to moderation. Following it again
    changes nothing."""
    if review.status != ReviewStatus.UNCONFIRMED:
        return review
    try:
        return review_transition(review=review, to=ReviewStatus.PENDING, message="Email confirmed")
    except InvalidTransition:  # confirmed by a concurrent click
        review.refresh_from_db()
        return review


# Moderation.


def _refuse(review: Review, to: str) -> str:
    return (
        f"A {review.get_status_display().lower()} review cannot become "
        f"{ReviewStatus(to).label.lower()}."
    )


def review_transition(
    *, review: Review, to: str, actor=None, reason: str = "", message: str = ""
) -> Review:
    """Move a review to `to` along REVIEW_TRANSITIONS (core.machines.transition: row lock,
    table, history), and queue the email. Rejecting needs a reason, which the writer is sent;
    an invalid move raises InvalidTransition."""
    reason = " ".join(reason.split())
    if to == ReviewStatus.REJECTED and not reason:
        raise ReviewError("Give a reason for rejecting the review: the writer is sent it.")
    now = timezone.now()
    changes = {"rejection_reason": reason[:REASON_MAX] if to == ReviewStatus.REJECTED else ""}
    if to == ReviewStatus.PENDING:
        changes["confirmed_at"] = now
    else:
        changes.update(moderated_at=now, moderated_by=actor)

    def record(locked: Review, from_status: str) -> None:
        event = ReviewEvent.objects.create(
            review=locked,
            from_status=from_status,
            to_status=to,
            actor=actor,
            message=(message or (f"Reason: {locked.rejection_reason}" if reason else ""))[:500],
        )
        withdraw_emails(key_prefix=f"review:{locked.pk}:rejected:")  # approved again: unsaid
        if to == ReviewStatus.REJECTED:
            queue_review_rejected(review=locked, event=event.pk)

    transition(
        review, to=to, table=REVIEW_TRANSITIONS, refuse=_refuse, changes=changes, record=record
    )
    return review


def review_moderate_many(*, reviews, to: str, actor=None, reason: str = ""):
    """Approve or reject several reviews, each in its own transaction. Returns the reviews
    moved and (review, why) pairs for those that could not be."""
    done, skipped = [], []
    for review in reviews:
        try:
            done.append(review_transition(review=review, to=to, actor=actor, reason=reason))
        except (ReviewError, InvalidTransition) as error:
            skipped.append((review, str(error)))
    return done, skipped


@transaction.atomic
def review_edit(*, review: Review, brand_reply: str, incentivized: bool, actor=None) -> Review:
    """The brand's public reply (empty removes it) and the incentivized flag."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    brand_reply = brand_reply.strip()
    if len(brand_reply) > REPLY_MAX:
        raise ReviewError(f"A reply holds at most {REPLY_MAX} characters.")
    changes = []
    if brand_reply != locked.brand_reply:
        changes.append("Reply removed" if not brand_reply else "Reply written")
        locked.brand_reply = brand_reply
        locked.brand_reply_at = timezone.now() if brand_reply else None
    if incentivized != locked.incentivized:
        changes.append("Marked incentivized" if incentivized else "Marked not incentivized")
        locked.incentivized = incentivized
    if changes:
        locked.save(update_fields=["brand_reply", "brand_reply_at", "incentivized"])
        ReviewEvent.objects.create(review=locked, actor=actor, message="; ".join(changes))
    review.refresh_from_db()
    return review


# Review requests.


def review_requests_due(now=None):
    """Order lines delivered at least REVIEW_REQUEST_DELAY_DAYS ago (and not so long ago that
    the buyer has forgotten), of a live product, not asked yet: every buyer, whatever they
    might rate."""
    now = now or timezone.now()
    delay = timedelta(days=settings.REVIEW_REQUEST_DELAY_DAYS)
    oldest = delay + timedelta(days=settings.REVIEW_REQUEST_MAX_AGE_DAYS)
    return (
        OrderLine.objects.filter(
            order__delivered_at__lte=now - delay,
            order__delivered_at__gte=now - oldest,
            variant__product__live=True,
            review_request__isnull=True,
            review__isnull=True,
        )
        .select_related("order")
        .order_by("pk")
    )


def review_requests_send(*, now=None, lines=None) -> int:
    """Make one ReviewRequest per due order line and queue its email in the outbox in the
    same transaction (stamped `sent_at`). Idempotent: the order line is unique, so a second
    run (or a concurrent one) sends nothing again; the outbox retries an email that did not
    go out (a mail server down)."""
    now = now or timezone.now()
    created = 0
    for line in lines if lines is not None else review_requests_due(now):
        with transaction.atomic():
            review_request, made = ReviewRequest.objects.get_or_create(
                order_line=line, defaults={"email": line.order.email, "sent_at": now}
            )
            if made:
                created += 1
                queue_review_request(review_request=review_request)
    return created
