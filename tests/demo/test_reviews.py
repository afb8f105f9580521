"""The demo's reviews: enough of them, every star value, most verified, some waiting, no health
claims; and seeding again adds nothing."""

import re
from collections import Counter

import pytest

from apothecary.catalog.models import ProductPage
from apothecary.demo.reviews import review_specs, seed_reviews
from apothecary.demo.seeding import SeedReport, seed_demo
from apothecary.reviews.models import Review, ReviewRequest, ReviewsPage, ReviewStatus

pytestmark = pytest.mark.django_db

REVIEWS = review_specs()["review"]

CLAIMS = re.compile(
    r"\b(cure[ds]?|curing|heal(ed|s)?|treat(ed|s)?|prevent(ed|s)?|deficien\w*)\b", re.I
)


@pytest.fixture
def demo_product():
    return ProductPage.objects.get(slug="b12-patch")


def test_the_demo_has_believable_reviews_of_every_kind(demo_product):
    reviews = list(Review.objects.filter(product=demo_product).select_related("order_line__order"))
    approved = [r for r in reviews if r.status == ReviewStatus.APPROVED]

    assert len(reviews) == len(REVIEWS) >= 25
    assert Counter(r.rating for r in approved).keys() == {1, 2, 3, 4, 5}
    assert sum(r.verified for r in approved) > len(approved) * 2 // 3
    assert all(r.order_line.order.delivered_at < r.created_at for r in reviews if r.verified)
    assert all(r.order_line.order.email == r.email for r in reviews if r.verified)
    assert Counter(r.status for r in reviews)[ReviewStatus.PENDING] >= 2
    assert len({r.text for r in reviews}) == len(reviews)
    assert [r.title for r in reviews if CLAIMS.search(r.title + " " + r.text)] == []
    assert sum(bool(r.brand_reply) for r in approved) >= 3


def test_every_demo_buyer_was_asked_once_so_the_command_sends_them_nothing(demo_product):
    verified_lines = Review.objects.filter(product=demo_product, order_line__isnull=False)

    assert ReviewRequest.objects.filter(order_line__review__in=verified_lines).count() == (
        verified_lines.count()
    )
    assert not ReviewRequest.objects.filter(sent_at__isnull=True).exists()


def test_seeding_again_adds_no_review(demo_product):
    before = Review.objects.count()

    seed_reviews(demo_product, SeedReport())
    seed_demo(quiet=True)

    assert Review.objects.count() == before
    assert ReviewsPage.objects.count() == 1
