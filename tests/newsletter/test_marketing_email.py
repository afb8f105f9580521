"""A marketing email to a subscriber always carries the one-click unsubscribe (RFC 8058
headers and a link in its text and HTML), through the outbox's extra headers."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from apothecary.core.outbox import deliver, queue_email
from apothecary.newsletter.models import Subscriber
from apothecary.newsletter.services import MarketingEmail, queue_marketing_email

from .helpers import browser, sign_up, subscribed

pytestmark = pytest.mark.django_db

NEWS = MarketingEmail(
    subject="New: the winter pack",
    text="Our winter pack is here.",
    html="<html><body><p>Our winter pack is here.</p></body></html>",
)


def test_the_email_carries_the_one_click_headers_and_link():
    subscriber = subscribed(browser())
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    url = f"{base}/newsletter/unsubscribe/{subscriber.unsubscribe_token}/"
    outgoing = queue_marketing_email(subscriber=subscriber, campaign="winter", email=NEWS)
    assert outgoing.headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert outgoing.text.startswith("Our winter pack is here.")
    assert outgoing.text.rstrip().endswith(url)
    assert url in outgoing.html
    assert outgoing.html.index(url) < outgoing.html.index("</body>")

    assert deliver(outgoing.pk)
    (sent,) = mail.outbox
    message = sent.message()
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Apothecary-Email"] == outgoing.key


def test_the_link_in_the_email_unsubscribes_with_one_post():
    subscriber = subscribed(browser())
    outgoing = queue_marketing_email(subscriber=subscriber, campaign="winter", email=NEWS)
    link = (
        outgoing.headers["List-Unsubscribe"]
        .strip("<>")
        .removeprefix(settings.WAGTAILADMIN_BASE_URL.rstrip("/"))
    )
    Client().post(link, {"List-Unsubscribe": "One-Click"})
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_a_plain_text_email_gets_the_link_too_and_no_html():
    subscriber = subscribed(browser())
    outgoing = queue_marketing_email(
        subscriber=subscriber, campaign="t", email=MarketingEmail(subject="Hi", text="Hello.")
    )
    assert "/newsletter/unsubscribe/" in outgoing.text
    assert outgoing.html == ""


def test_nobody_unconfirmed_gets_marketing_and_a_campaign_goes_once():
    sign_up(browser(), email="pending@example.com")
    pending = Subscriber.objects.get(email="pending@example.com")
    assert queue_marketing_email(subscriber=pending, campaign="winter", email=NEWS) is None
    subscriber = subscribed(browser())
    assert queue_marketing_email(subscriber=subscriber, campaign="winter", email=NEWS)
    assert queue_marketing_email(subscriber=subscriber, campaign="winter", email=NEWS) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Bad Name": "x"},
        {"X-Apothecary-Email": "forged"},
        {f"X-{n}": "x" for n in range(6)},
        {"X-Long": "x" * 501},
    ],
)
def test_the_outbox_refuses_headers_it_should_not_carry(headers):
    with pytest.raises(ValueError):
        queue_email(key="k:1", to="a@example.com", subject="s", text="t", headers=headers)


def test_a_header_value_never_holds_a_line_break():
    outgoing = queue_email(
        key="k:2", to="a@example.com", subject="s", text="t", headers={"X-Test": "a\r\nBcc: x"}
    )
    assert outgoing.headers == {"X-Test": "a Bcc: x"}
