"""Unsubscribing: the one-click POST of RFC 8058 (no CSRF, no Origin, no confirmation), the
page with its button, and signing up again afterwards."""

import pytest
from django.test import Client

from apothecary.newsletter.models import ConsentEvent, Subscriber, SubscriberStatus

from .helpers import browser, confirm_path, confirmation_emails, sign_up, subscribed

pytestmark = pytest.mark.django_db


def path_of(subscriber) -> str:
    return f"/newsletter/unsubscribe/{subscriber.unsubscribe_token}/"


def test_one_click_post_unsubscribes_at_once():
    subscriber = subscribed(browser())
    # A mail provider's server: no Origin, no cookie, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(path_of(subscriber), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    withdrawal = subscriber.consents.get(event=ConsentEvent.WITHDRAWN)
    assert withdrawal.source == "email-one-click"
    # Again: nothing changes, no second record.
    assert (
        mail_client.post(path_of(subscriber), {"List-Unsubscribe": "One-Click"}).status_code == 200
    )
    assert subscriber.consents.filter(event=ConsentEvent.WITHDRAWN).count() == 1


def test_the_page_shows_a_button_and_changes_nothing_until_pressed():
    subscriber = subscribed(browser())
    response = Client().get(path_of(subscriber))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ada@example.com" in html and ">Unsubscribe</button>" in html
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED
    pressed = Client(enforce_csrf_checks=True).post(path_of(subscriber))
    assert "You are unsubscribed" in pressed.content.decode()
    assert subscriber.consents.get(event=ConsentEvent.WITHDRAWN).source == "unsubscribe-page"


def test_an_unknown_token_is_404():
    assert Client().get("/newsletter/unsubscribe/nope/").status_code == 404
    assert Client().post("/newsletter/unsubscribe/nope/").status_code == 404


def test_signing_up_again_after_unsubscribing_works():
    subscriber = subscribed(browser())
    Client().post(path_of(subscriber))
    assert sign_up(browser()).status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    assert browser().post(confirm_path(confirmation_emails()[-1])).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert [c.event for c in subscriber.consents.order_by("pk")] == [
        ConsentEvent.GIVEN,
        ConsentEvent.WITHDRAWN,
        ConsentEvent.GIVEN,
    ]


def test_unsubscribing_while_pending_kills_the_confirmation_link():
    sign_up(browser())
    subscriber = Subscriber.objects.get()
    Client().post(path_of(subscriber))
    assert browser().post(confirm_path(confirmation_emails()[0])).status_code == 410
