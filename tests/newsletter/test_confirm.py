"""The confirmation link: a button page, the consent recorded on confirming, and a clear 410
for a link expired, used or replaced; a link we never made is 404."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from apothecary.newsletter.models import (
    ConsentEvent,
    NewsletterConsent,
    Subscriber,
    SubscriberStatus,
)

from .helpers import browser, confirm_path, confirmation_emails, sign_up

pytestmark = pytest.mark.django_db


def test_the_link_shows_a_button_and_changes_nothing_until_pressed():
    sign_up(browser())
    response = browser().get(confirm_path(confirmation_emails()[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yes, subscribe me" in html and "ada@example.com" in html
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING  # a mail scanner's visit


def test_confirming_subscribes_and_records_the_consent_without_an_ip():
    sign_up(browser(), page="/blog/")
    client = browser()
    response = client.post(confirm_path(confirmation_emails()[0]))
    assert response.status_code == 200
    assert "You are subscribed" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.confirmed_at is not None
    (record,) = NewsletterConsent.objects.all()
    assert record.event == ConsentEvent.GIVEN
    assert record.at == subscriber.confirmed_at
    assert record.wording_version == "2026-12"
    assert record.wording.startswith("Send me the B12 Patch newsletter")
    assert (record.source, record.source_page) == ("footer", "/blog/")
    assert record.requested_at == subscriber.requested_at
    fields = {field.name for field in NewsletterConsent._meta.get_fields()}
    assert not any("ip" in name.split("_") for name in fields)


def test_a_used_link_answers_410_with_a_clear_page():
    sign_up(browser())
    path = confirm_path(confirmation_emails()[0])
    browser().post(path)
    for again in (browser().get(path), browser().post(path)):
        assert again.status_code == 410
        assert "This link no longer works" in again.content.decode()
    assert NewsletterConsent.objects.count() == 1


def test_an_expired_link_answers_410_and_subscribes_nobody():
    with freeze_time(timezone.now() - timedelta(days=4)):
        sign_up(browser())
    path = confirm_path(confirmation_emails()[0])
    response = browser().post(path)
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_a_newer_sign_up_replaces_the_older_link():
    client = browser()
    sign_up(client)
    sign_up(client)
    first, second = confirmation_emails()
    assert browser().post(confirm_path(first)).status_code == 410
    assert browser().post(confirm_path(second)).status_code == 200


def test_an_altered_link_is_404():
    sign_up(browser())
    path = confirm_path(confirmation_emails()[0])
    response = browser().get(path.replace("/confirm/", "/confirm/x"))
    assert response.status_code == 404
    assert "We do not recognise this link" in response.content.decode()
