"""The daily low-stock check (catalog.tasks.low_stock_check): one staff email per pack at or
under its threshold per day, however often it runs; packs above it, untracked or inactive
are left alone."""

from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time
from wagtail.models import Site

from apothecary.catalog.models import Variant
from apothecary.catalog.tasks import low_stock_check
from apothecary.core.notifications import StaffNotification, StaffNotificationSettings
from tests.store import make_product

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 14, 6, 0)


@pytest.fixture(autouse=True)
def staff_inbox():
    chosen = StaffNotificationSettings.for_site(Site.objects.get(is_default_site=True))
    chosen.recipients = "shop@example.com"
    chosen.save()


@pytest.fixture
def packs():
    product = make_product(
        title="Check Patch",
        variants=((30, "10.00", 1, 3), (60, "18.00", 2, 0), (90, "25.00", 3, 40)),
    )
    low, sold_out, plenty = product.variants.order_by("sort_order")
    untracked = make_product(title="Free Patch").variants.get()
    Variant.objects.filter(pk=untracked.pk).update(stock=None)
    hidden = make_product(title="Old Patch", variants=((30, "9.00", 1, 1),)).variants.get()
    Variant.objects.filter(pk=hidden.pk).update(active=False)
    return {"low": low, "sold_out": sold_out, "plenty": plenty}


def reminders():
    return [m for m in mail.outbox if m.subject.startswith("Still low on stock: Check Patch")]


def run_check(capture):
    with capture(execute=True):
        return low_stock_check.enqueue()


def test_each_low_pack_gets_one_reminder_a_day_however_often_the_check_runs(
    packs, settings, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with freeze_time(MORNING):
        first = run_check(django_capture_on_commit_callbacks)
        run_check(django_capture_on_commit_callbacks)
    with freeze_time(MORNING.replace(hour=23)):
        run_check(django_capture_on_commit_callbacks)

    assert first.status == "SUCCESSFUL"
    subjects = sorted(m.subject for m in reminders())
    assert subjects == [
        f"Still low on stock: Check Patch, {packs['low'].name} ({packs['low'].sku}), 3 left",
        f"Still low on stock: Check Patch, {packs['sold_out'].name} "
        f"({packs['sold_out'].sku}), sold out",
    ]
    assert all(m.to == ["shop@example.com"] for m in reminders())
    stock_page = reverse("packs:stock", args=[packs["low"].pk])
    low_reminder = next(m for m in reminders() if m.subject.endswith("3 left"))
    assert f"{settings.WAGTAILADMIN_BASE_URL}{stock_page}" in low_reminder.body
    assert "its low-stock threshold is 5" in low_reminder.body

    with freeze_time(MORNING.replace(day=15)):
        run_check(django_capture_on_commit_callbacks)

    assert len(reminders()) == 4
    keys = StaffNotification.objects.filter(key__startswith=f"low_stock_daily:{packs['low'].pk}:")
    assert sorted(keys.values_list("key", flat=True)) == [
        f"low_stock_daily:{packs['low'].pk}:2026-03-14",
        f"low_stock_daily:{packs['low'].pk}:2026-03-15",
    ]


def test_a_restocked_pack_is_no_longer_reminded_of(packs, django_capture_on_commit_callbacks):
    Variant.objects.filter(pk__in=[packs["low"].pk, packs["sold_out"].pk]).update(stock=20)
    mail.outbox.clear()

    with freeze_time(MORNING):
        run_check(django_capture_on_commit_callbacks)

    assert reminders() == []
