"""Builders for review tests: form data that passes the spam guard, reviews in a given status,
delivered orders (through the orders and payments services)."""

import itertools

from apothecary.reviews.models import Review, ReviewStatus
from apothecary.reviews.services import review_submit, review_transition
from tests.helpers import started
from tests.orders.test_customer_views import delivered  # paid, shipped and delivered
from tests.store import make_cart, make_product, make_zone, place_order

__all__ = ["delivered", "delivered_order", "form_data", "make_review", "started"]

_numbers = itertools.count(1)

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]


def form_data(**overrides) -> dict:
    n = next(_numbers)
    data = {
        "rating": "4",
        "title": "Comfortable all day",
        "text": f"It stays on through a full day at work and peels off cleanly ({n}).",
        "display_name": "Ada R.",
        "country": "GB",
        "email": f"writer{n}@example.com",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return data


def make_review(product, *, status=ReviewStatus.APPROVED, rating=4, **fields) -> Review:
    """A review written on the site, then moved along to `status` by the services."""
    n = next(_numbers)
    review = review_submit(
        product=product,
        rating=rating,
        title=fields.pop("title", f"Review number {n}"),
        text=fields.pop("text", f"A plain review of the patch, number {n}, long enough."),
        display_name=fields.pop("display_name", f"Writer {n}"),
        country=fields.pop("country", ""),
        email=fields.pop("email", f"reviewer{n}@example.com"),
        **fields,
    )
    path = {
        ReviewStatus.UNCONFIRMED: [],
        ReviewStatus.PENDING: [ReviewStatus.PENDING],
        ReviewStatus.APPROVED: [ReviewStatus.PENDING, ReviewStatus.APPROVED],
        ReviewStatus.REJECTED: [ReviewStatus.PENDING, ReviewStatus.REJECTED],
    }[status]
    for to in path:
        review = review_transition(review=review, to=to, reason="Not about the product.")
    return review


def delivered_order(*, variants=None, email="buyer@example.com", days_ago=20):
    """A delivered order of one unit of each of `variants` (a new product's pack if None)."""
    variants = variants or [make_product().variants.get()]
    order = place_order(
        cart=make_cart(*[(variant, 1) for variant in variants]), rate=make_zone(), email=email
    )
    return delivered(order, days_ago=days_ago)
