"""A shopper writes a review and a contact message in real Chromium; staff see both in the
admin."""

import re

import pytest
from django.core import mail

from apothecary.demo.seeding import ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_review_and_a_contact_message_reach_the_admin(
    browser, live_server, screenshot_dir, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    mail.outbox.clear()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(live_server.url + "/products/b12-patch/")
    page.get_by_role("link", name=re.compile("^Write a review")).first.click()
    page.get_by_label("Title of your review").fill("Stays on through the gym")
    page.get_by_label("Your review", exact=True).fill(
        "I wear one on my upper arm every morning and it has not come off once in three weeks."
    )
    page.locator("input[name=rating][value='4']").check()
    page.get_by_label("Name to show").fill("Robin K.")
    page.get_by_label("Email address").fill("robin@example.com")
    page.wait_for_timeout(5500)  # a person takes a few seconds; the spam guard checks that
    page.get_by_role("button", name="Send my review").click()
    page.screenshot(path=screenshot_dir / "review-sent.png", full_page=True)
    links = [re.search(r"https?://\S+/reviews/confirm/\S+/", m.body) for m in mail.outbox]
    confirm = next(link.group(0) for link in links if link)
    page.goto(confirm)
    page.get_by_role("button", name="Confirm my review").click()

    page.goto(live_server.url + "/contact/")
    page.get_by_label("Your name").fill("Robin Kim")
    page.get_by_label("Your email address").fill("robin@example.com")
    page.get_by_label("What is it about?").select_option(index=1)
    page.get_by_label("Your message").fill("Do you ship to Norway? I could not find it listed.")
    page.wait_for_timeout(3500)
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/thanks/")
    page.screenshot(path=screenshot_dir / "contact-thanks.png", full_page=True)

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(live_server.url + "/admin/login/")
    staff.get_by_label("Email").fill(ADMIN_EMAIL)
    staff.get_by_label("Password").fill(DEFAULT_ADMIN_PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url("**/admin/")
    staff.goto(live_server.url + "/admin/reviews/?status=pending")
    assert "Stays on through the gym" in staff.content()
    staff.screenshot(path=screenshot_dir / "admin-reviews-pending.png", full_page=True)
    staff.goto(live_server.url + "/admin/inbox/")
    assert "Robin Kim" in staff.content()
    staff.screenshot(path=screenshot_dir / "admin-inbox.png", full_page=True)
    context.close()
