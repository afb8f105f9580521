"""Sign-ups never confirmed are deleted after NEWSLETTER_PENDING_RETENTION_DAYS; confirmed
and unsubscribed addresses (with their consent records) are not."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from apothecary.newsletter.models import Subscriber, SubscriberStatus

from .helpers import browser, sign_up, subscribed

pytestmark = pytest.mark.django_db


def test_old_unconfirmed_sign_ups_are_deleted(capsys):
    with freeze_time(timezone.now() - timedelta(days=31)):
        sign_up(browser(), "old@example.com")
        kept = subscribed(browser(), "kept@example.com")
        again = subscribed(browser(), "again@example.com")
        Client().post(f"/newsletter/unsubscribe/{again.unsubscribe_token}/")
        sign_up(browser(), "again@example.com")  # asked again, never confirmed
    sign_up(browser(), "recent@example.com")
    call_command("apply_retention")
    assert "unconfirmed newsletter sign-ups deleted: 1" in capsys.readouterr().out
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        "kept@example.com": SubscriberStatus.CONFIRMED,
        "again@example.com": SubscriberStatus.UNSUBSCRIBED,
        "recent@example.com": SubscriberStatus.PENDING,
    }
    assert kept.consents.count() == 1
