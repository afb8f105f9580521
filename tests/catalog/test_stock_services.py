"""Stock: every change is a movement in the pack's history; adjustments are relative, never
below zero, made once per form; one staff email per crossing of the low-stock threshold."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Site

from apothecary.catalog.models import StockMovement, Variant
from apothecary.catalog.services import StockError, stock_adjust, stock_take
from apothecary.core.notifications import StaffNotification, StaffNotificationSettings
from apothecary.orders.returns import return_request_create, return_transition
from apothecary.orders.services import order_cancel, release_expired_orders
from tests.backoffice.builders import delivered
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    product = make_product(title="Stock Patch", variants=((30, "10.00", 1, 10),))
    return product.variants.get()


@pytest.fixture
def rate():
    return make_zone(countries="US", price="5.00")


@pytest.fixture
def staff_inbox():
    chosen = StaffNotificationSettings.for_site(Site.objects.get(is_default_site=True))
    chosen.recipients = "shop@example.com"
    chosen.save()


def history(variant) -> list[tuple]:
    return list(
        StockMovement.objects.filter(variant=variant)
        .order_by("pk")
        .values_list("kind", "change", "stock_after", "reference")
    )


def stock_of(variant) -> int | None:
    return Variant.objects.get(pk=variant.pk).stock


def test_a_sale_and_its_cancellation_are_each_a_movement_naming_the_order(variant, rate):
    order = place_order(cart=make_cart((variant, 3)), rate=rate)
    order_cancel(order=order, reason="Customer changed their mind")

    assert history(variant) == [
        ("sale", -3, 7, f"order {order.number}"),
        ("cancellation", 3, 10, f"order {order.number}"),
    ]
    cancellation = StockMovement.objects.filter(variant=variant).latest("pk")
    assert cancellation.reason == "Customer changed their mind"


def test_an_expired_unpaid_order_puts_its_stock_back_with_a_movement(variant, rate):
    order = place_order(cart=make_cart((variant, 2)), rate=rate)

    assert release_expired_orders(now=timezone.now() + timedelta(minutes=16)) == 1

    assert stock_of(variant) == 10
    assert history(variant)[-1] == ("cancellation", 2, 10, f"order {order.number}")


def test_a_restocked_return_is_a_movement_by_the_staff_member(variant, rate, admin_user):
    order = delivered(place_order(cart=make_cart((variant, 2)), rate=rate))
    line = order.lines.get()
    request = return_request_create(order=order, quantities={line.pk: 1}, reason="Too many")
    return_transition(request=request, to="approved", actor=admin_user)
    return_transition(request=request, to="received", actor=admin_user, restock=True)

    assert history(variant)[-1] == (
        "return_restock",
        1,
        9,
        f"return {request.pk} of order {order.number}",
    )
    assert StockMovement.objects.filter(variant=variant).latest("pk").actor == admin_user


def test_an_adjustment_is_relative_so_a_sale_made_meanwhile_is_kept(variant, rate, admin_user):
    # The manager counted 10 and opened the page; a customer buys 3; a delivery of 5 arrives.
    place_order(cart=make_cart((variant, 3)), rate=rate)
    movement = stock_adjust(
        variant_id=variant.pk, change=5, reason="Delivery from the supplier", actor=admin_user
    )

    assert stock_of(variant) == 12
    assert (movement.kind, movement.change, movement.stock_after) == ("adjustment", 5, 12)
    assert (movement.reason, movement.actor) == ("Delivery from the supplier", admin_user)


def test_an_adjustment_below_zero_is_refused_and_changes_nothing(variant):
    with pytest.raises(StockError, match="Only 10 in stock now: taking away 11"):
        stock_adjust(variant_id=variant.pk, change=-11, reason="Damaged")

    assert stock_of(variant) == 10
    assert history(variant) == []


@pytest.mark.parametrize(
    ("change", "reason", "message"),
    [(0, "Count", "by 1 to 100,000 units"), (3, "  ", "Say why"), (100_001, "Typo", "by 1 to")],
)
def test_an_adjustment_without_a_change_or_a_reason_is_refused(variant, change, reason, message):
    with pytest.raises(StockError, match=message):
        stock_adjust(variant_id=variant.pk, change=change, reason=reason)

    assert stock_of(variant) == 10


def test_an_untracked_pack_cannot_be_adjusted(variant):
    Variant.objects.filter(pk=variant.pk).update(stock=None)

    with pytest.raises(StockError, match="not tracked"):
        stock_adjust(variant_id=variant.pk, change=2, reason="Found some")


def test_the_same_adjustment_sent_twice_is_made_once(variant):
    first = stock_adjust(variant_id=variant.pk, change=-2, reason="Damaged", key="k1")
    second = stock_adjust(variant_id=variant.pk, change=-2, reason="Damaged", key="k1")

    assert first.pk == second.pk
    assert stock_of(variant) == 8


def test_saving_a_pack_read_before_a_sale_keeps_the_sale(variant):
    stale = Variant.objects.get(pk=variant.pk)  # e.g. an edit form opened before the sale
    stock_take(variant_id=variant.pk, quantity=4, reference="order X")

    stale.name = "30 patches, new box"
    stale.save()

    fresh = Variant.objects.get(pk=variant.pk)
    assert (fresh.name, fresh.stock) == ("30 patches, new box", 6)


def test_untracked_packs_sell_without_movements(variant):
    Variant.objects.filter(pk=variant.pk).update(stock=None)

    assert stock_take(variant_id=variant.pk, quantity=3) is True
    assert history(variant) == []


def low_stock_emails() -> list:
    return [m for m in mail.outbox if m.subject.startswith("Low stock:")]


def test_low_stock_emails_the_staff_once_per_crossing(variant, staff_inbox):
    Variant.objects.filter(pk=variant.pk).update(stock=7, low_stock_threshold=5)

    def take(quantity):
        with TestCase.captureOnCommitCallbacks(execute=True):
            stock_take(variant_id=variant.pk, quantity=quantity, reference="order A")

    take(2)  # 7 → 5: at the threshold, crossed
    take(1)  # 5 → 4: still low, no new email
    take(4)  # 4 → 0: sold out, still the same crossing
    assert len(low_stock_emails()) == 1
    email = low_stock_emails()[0]
    assert email.subject == f"Low stock: Stock Patch, 30 patches ({variant.sku}), 5 left"
    assert f"/admin/packs/stock/{variant.pk}/" in email.body
    assert "Last change: -2 (sale, order A)." in email.body

    with TestCase.captureOnCommitCallbacks(execute=True):
        stock_adjust(variant_id=variant.pk, change=12, reason="Delivery")  # 0 → 12, above
    take(8)  # 12 → 4: crossed again
    assert len(low_stock_emails()) == 2
    assert low_stock_emails()[1].subject.endswith(", 4 left")
    assert StaffNotification.objects.filter(event="low_stock").count() == 2


def test_a_sale_that_stays_above_the_threshold_emails_nobody(variant, staff_inbox):
    with TestCase.captureOnCommitCallbacks(execute=True):
        stock_take(variant_id=variant.pk, quantity=4)  # 10 → 6, threshold 5

    assert low_stock_emails() == []


def test_a_pack_is_low_by_its_own_threshold(variant):
    Variant.objects.filter(pk=variant.pk).update(stock=8, low_stock_threshold=10)
    variant.refresh_from_db()

    assert variant.low_stock is True
    assert list(Variant.objects.filter(pk=variant.pk).low_stock()) == [variant]
    Variant.objects.filter(pk=variant.pk).update(low_stock_threshold=3)
    assert not Variant.objects.filter(pk=variant.pk).low_stock().exists()
