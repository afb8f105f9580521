"""A visitor signs up from the footer in real Chromium, at a desktop and a phone width,
confirms from the email, and unsubscribes from the link of a newsletter."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from apothecary.newsletter.models import Subscriber
from apothecary.newsletter.services import MarketingEmail, queue_marketing_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CONFIRM = re.compile(r"https?://\S+/newsletter/confirm/\S+/")


@pytest.mark.parametrize("width", [1280, 390])
def test_sign_up_from_the_footer_confirm_and_unsubscribe(
    browser, live_server, screenshot_dir, settings, width
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    mail.outbox.clear()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    email = f"reader{width}@example.com"

    page.goto(live_server.url + "/blog/")
    footer = page.locator("section.footer-newsletter")
    footer.scroll_into_view_if_needed()
    footer.screenshot(path=screenshot_dir / f"newsletter-footer-{width}.png")
    footer.get_by_label("Your address for the newsletter").fill(email)
    footer.get_by_role("button", name="Subscribe").click()
    page.wait_for_url("**/newsletter/check-your-inbox/")
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    link = next(CONFIRM.search(m.body).group(0) for m in mail.outbox if email in m.to)
    page.goto(link)
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_role("heading", name="You are subscribed")).to_be_visible()
    subscriber = Subscriber.objects.get(email=email)
    assert subscriber.status == "confirmed" and subscriber.source_page == "/blog/"

    page.goto(live_server.url + "/newsletter/")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    expect(
        page.get_by_role("heading", name=re.compile("You are not subscribed yet"))
    ).to_be_visible()
    assert page.get_by_label("Your email address").input_value() == "not an address"
    page.screenshot(path=screenshot_dir / f"newsletter-page-error-{width}.png", full_page=True)

    outgoing = queue_marketing_email(
        subscriber=subscriber,
        campaign=f"e2e-{width}",
        email=MarketingEmail(subject="News", text="Our news."),
    )
    page.goto(outgoing.headers["List-Unsubscribe"].strip("<>"))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    context.close()
