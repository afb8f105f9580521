"""The demo's orders go through the checkout and the orders services: each has the history
order_transition writes, dated like the order; the packs keep their stock; nobody is emailed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apothecary.catalog.models import Variant
from apothecary.core.outbox import OutgoingEmail
from apothecary.demo.orders import Buyer, demo_order
from apothecary.demo.reviews import review_specs
from apothecary.orders.models import Order, OrderStatus
from apothecary.reviews.models import Review, ReviewStatus

pytestmark = pytest.mark.django_db

S = OrderStatus


def demo_orders():
    return Order.objects.filter(idempotency_key__startswith="demo-").prefetch_related("events")


def test_every_demo_order_has_the_history_of_its_transitions():
    orders = list(demo_orders())
    specs = review_specs()
    verified = [r for r in specs["review"] if r.get("verified", True)]

    assert len(orders) == len(verified) + len(specs["silent_buyer"]) == 30
    for order in orders:
        events = [(e.from_status, e.to_status, e.created_at) for e in order.events.order_by("pk")]
        assert order.status == S.DELIVERED
        assert events == [
            ("", S.PENDING_PAYMENT, order.created_at),
            (S.PENDING_PAYMENT, S.PAID, order.paid_at),
            (S.PAID, S.SHIPPED, order.shipped_at),
            (S.SHIPPED, S.DELIVERED, order.delivered_at),
        ]
        assert order.created_at < order.paid_at < order.shipped_at < order.delivered_at
        assert order.delivered_at < timezone.now() - timedelta(days=14)


def test_every_demo_review_has_the_history_of_the_moderation_services():
    for review in Review.objects.filter(email__endswith="@example.com").prefetch_related("events"):
        written = ["pending"] if review.verified else ["unconfirmed", "pending"]
        moderated = [review.status] if review.status != ReviewStatus.PENDING else []
        replied = [""] if review.brand_reply else []

        assert [e.to_status for e in review.events.order_by("pk")] == (
            written + moderated + replied
        ), review.title
        assert min(e.created_at for e in review.events.all()) == review.created_at


def test_a_demo_order_is_placed_once_keeps_the_stock_and_emails_nobody(
    mailoutbox, django_capture_on_commit_callbacks
):
    variant = Variant.objects.get(sku="B12P-180")
    stock = variant.stock
    delivered = timezone.now() - timedelta(days=30)
    buyer = Buyer(name="Ada Lovelace", email="ada.lovelace@example.com", country="GB")
    parcels = review_specs()["buyers"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        line = demo_order(
            key="demo-test", buyer=buyer, variant=variant, delivered_at=delivered, parcels=parcels
        )
        again = demo_order(
            key="demo-test", buyer=buyer, variant=variant, delivered_at=delivered, parcels=parcels
        )

    order = line.order
    assert again == line
    assert (order.status, order.delivered_at, order.email) == (
        S.DELIVERED,
        delivered,
        "ada.lovelace@example.com",
    )
    assert (order.carrier, order.shipping_method, str(order.total)) == (
        "DHL",
        "International (7–14 business days)",
        "106.90",  # 89.95 + 16.95: the European zone's prices include its 20 % VAT
    )
    assert (order.prices_include_tax, str(order.tax_amount)) == (True, "17.82")
    assert Variant.objects.get(pk=variant.pk).stock == stock
    assert callbacks == []
    assert mailoutbox == []
    assert not OutgoingEmail.objects.filter(key__startswith=f"order:{order.pk}:").exists()


def test_the_seeded_demo_leaves_nothing_in_the_email_outbox():
    # send_outbox would send it at its next run, to the demo's invented buyers.
    assert list(OutgoingEmail.objects.values_list("key", flat=True)) == []


def test_nothing_ships_to_a_country_without_a_zone():
    variant = Variant.objects.get(sku="B12P-30")
    buyer = Buyer(name="Kim Lee", email="kim.lee@example.com", country="AU")

    line = demo_order(
        key="demo-nowhere",
        buyer=buyer,
        variant=variant,
        delivered_at=timezone.now(),
        parcels=review_specs()["buyers"],
    )

    assert line is None
    assert not Order.objects.filter(idempotency_key="demo-nowhere").exists()
