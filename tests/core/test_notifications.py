import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase
from wagtail.models import Site

from apothecary.core.notifications import (
    StaffEvent,
    StaffNotification,
    StaffNotificationSettings,
    notify_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipients():
    chosen = StaffNotificationSettings.for_site(Site.objects.get(is_default_site=True))
    chosen.recipients = "shop@example.com\n  \nowner@example.com\n"
    chosen.save()
    return chosen


def notify(key="order_paid:1", event=StaffEvent.ORDER_PAID):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notify_staff(event=event, key=key, subject="New order 1", body="Order 1 was paid.")


def test_a_notification_goes_to_every_recipient_after_commit(recipients):
    assert notify() is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["shop@example.com", "owner@example.com"]
    assert mail.outbox[0].subject == "New order 1"
    assert StaffNotification.objects.get().sent_at is not None


def test_the_same_key_is_sent_once(recipients):
    assert notify() is True
    assert notify() is False
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(recipients):
    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_staff(event=StaffEvent.ORDER_PAID, key="k", subject="s", body="b")
        raise RuntimeError
    # The rolled-back notification's task was discarded with its transaction.
    assert mail.outbox == []
    assert not StaffNotification.objects.exists()


def test_an_event_turned_off_is_not_sent(recipients):
    recipients.low_stock = False
    recipients.save()
    assert notify(key="low:1", event=StaffEvent.LOW_STOCK) is False
    assert mail.outbox == []


def test_without_recipients_the_setting_is_used(settings):
    settings.STAFF_NOTIFICATION_EMAIL = "fallback@example.com"
    notify()
    assert mail.outbox[0].to == ["fallback@example.com"]


def test_without_any_recipient_nothing_is_sent_and_it_stays_unsent(settings):
    settings.STAFF_NOTIFICATION_EMAIL = ""
    notify()
    assert mail.outbox == []
    assert StaffNotification.objects.get().sent_at is None
