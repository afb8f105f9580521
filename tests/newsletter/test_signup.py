"""Signing up: the footer's and the page's form, the answer that tells nothing about the
address, what is kept as typed, the honeypot, the origin check and the floods (429)."""

import pytest
from django.test import override_settings

from apothecary.core.outbox import OutgoingEmail
from apothecary.newsletter.models import Subscriber, SubscriberStatus

from .helpers import SIGNUP, browser, confirmation_emails, sign_up, subscribed

pytestmark = pytest.mark.django_db


def test_the_newsletter_page_shows_the_form_with_its_wording():
    response = browser().get(SIGNUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="email"' in html
    assert "Send me the B12 Patch newsletter" in html
    assert 'id="footer-newsletter-email"' not in html  # not twice on its own page


def test_sign_up_sends_one_confirmation_email_and_adds_nobody_yet():
    response = sign_up(browser())
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/check-your-inbox/"
    subscriber = Subscriber.objects.get(email="ada@example.com")
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.confirmed_at is None
    assert subscriber.source == "footer" and subscriber.source_page == "/"
    (email,) = confirmation_emails()
    assert "confirm" in email.subject.lower()
    assert "/newsletter/confirm/" in email.text and "/newsletter/confirm/" in email.html
    page = browser().get(response["Location"])
    assert "Check your inbox" in page.content.decode()


def test_the_address_is_stored_in_lower_case():
    sign_up(browser(), email="  Ada@Example.COM ")
    assert Subscriber.objects.filter(email="ada@example.com").exists()


def test_the_answer_is_the_same_for_an_address_already_subscribed():
    subscribed(browser())
    emails_before = OutgoingEmail.objects.count()
    known = sign_up(browser(), email="ada@example.com")
    unknown = sign_up(browser(), email="grace@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The subscribed address is left as it is and gets nothing; the new one gets its email.
    assert Subscriber.objects.get(email="ada@example.com").status == SubscriberStatus.CONFIRMED
    assert OutgoingEmail.objects.count() == emails_before + 1
    assert confirmation_emails("grace@example.com")


def test_a_wrong_address_is_refused_with_what_was_typed():
    response = sign_up(browser(), email="ada-at-example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter an email address like name@example.com." in html
    assert 'value="ada-at-example"' in html
    assert not Subscriber.objects.exists()


def test_an_empty_address_is_refused():
    response = sign_up(browser(), email="")
    assert response.status_code == 400
    assert "Enter your email address." in response.content.decode()


def test_the_honeypot_refuses_a_bot_and_keeps_the_address():
    response = sign_up(browser(), website="https://spam.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "looks automated" in html
    assert 'value="ada@example.com"' in html
    assert 'value="https://spam.example"' not in html  # the trap comes back empty
    assert not Subscriber.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_an_unknown_wording_version_is_refused():
    response = sign_up(browser(), wording="1999-01")
    assert response.status_code == 400
    assert "This form has changed" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_page_path_that_is_not_ours_is_not_recorded():
    sign_up(browser(), page="https://elsewhere.example/")
    assert Subscriber.objects.get().source_page == ""


def test_a_post_from_another_site_is_refused():
    response = browser().post(
        SIGNUP, {"email": "ada@example.com"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


@override_settings(NEWSLETTER_LIMIT_PER_IP=2)
def test_a_flood_from_one_address_gets_429_with_the_form_as_typed():
    client = browser()
    assert sign_up(client, email="a@example.com").status_code == 302
    assert sign_up(client, email="b@example.com").status_code == 302
    response = sign_up(client, email="c@example.com")
    html = response.content.decode()
    assert response.status_code == 429
    assert "many sign-ups from your connection" in html
    assert 'value="c@example.com"' in html
    assert not Subscriber.objects.filter(email="c@example.com").exists()
    # Another visitor is not affected.
    assert sign_up(browser(REMOTE_ADDR="198.51.100.9"), email="d@example.com").status_code == 302


@override_settings(NEWSLETTER_LIMIT_PER_EMAIL=2)
def test_one_address_gets_at_most_the_limit_of_confirmation_emails():
    for number in range(2):
        assert sign_up(browser(REMOTE_ADDR=f"198.51.100.{number + 1}")).status_code == 302
    response = sign_up(browser(REMOTE_ADDR="198.51.100.50"))
    assert response.status_code == 429
    assert "look for our email" in response.content.decode()
    assert len(confirmation_emails()) == 2
