"""Rate limits on placing orders, checked by checkout's Place order before order_place: at
most ORDER_PLACE_LIMIT_PER_IP orders per visitor address and ORDER_PLACE_LIMIT_PER_EMAIL per
email address in an hour. Each placed order emails its address, so without a limit the store
could be made to mail anyone, as often as someone likes.

This is on top of the cap on unpaid orders (checkout.holds), which bounds the stock one visitor
can hold, not how often they may try."""

import logging
from dataclasses import dataclass

from django.conf import settings

from apothecary.core.ratelimit import RETRY_AFTER_SECONDS, RateLimitUnavailable, hit

logger = logging.getLogger(__name__)
HOUR = 3600
KEPT = "Nothing was ordered, and your cart and details are kept."


@dataclass(frozen=True)
class PlaceRefusal:
    """Why an order may not be placed now, for the review page."""

    message: str
    status: int  # 429: over a limit; 503: the limits cannot be counted (the cache is down)
    retry_after: int  # seconds, for the Retry-After header


def email_key(email: str) -> str:
    """One key per mailbox: lower case, without a "+tag" (name+1@… reaches name@…)."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.partition('+')[0]}@{domain}"


def place_refusal(*, ip: str, email: str) -> PlaceRefusal | None:
    """Count one attempt to place an order; the refusal when it is one too many (or cannot be
    counted), else None."""
    try:
        if not hit(
            scope="order-place-ip",
            key=ip,
            limit=settings.ORDER_PLACE_LIMIT_PER_IP,
            window_seconds=HOUR,
        ):
            return PlaceRefusal(
                "Many orders have been placed from your network in the last hour, so we cannot "
                f"take another just now. Please try again later. {KEPT}",
                status=429,
                retry_after=HOUR,
            )
        if not hit(
            scope="order-place-email",
            key=email_key(email),
            limit=settings.ORDER_PLACE_LIMIT_PER_EMAIL,
            window_seconds=HOUR,
        ):
            return PlaceRefusal(
                "Several orders have been placed with this email address in the last hour. "
                "Please wait a while before placing another, or write to us if something went "
                f"wrong. {KEPT}",
                status=429,
                retry_after=HOUR,
            )
    except RateLimitUnavailable:
        logger.warning("checkout: order not placed, its rate limits cannot be counted")
        return PlaceRefusal(
            "Checkout is temporarily unavailable, please try again in a minute. " + KEPT,
            status=503,
            retry_after=RETRY_AFTER_SECONDS,
        )
    return None
