"""A customer writes through the contact form in real Chromium; the manager answers from the
admin; the email is threaded under the customer's message and the page keeps the history."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from apothecary.contact.models import ContactMessage, ContactReply
from apothecary.demo.seeding import ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = "Hello Robin, yes: we ship to Norway in four to six working days."


def test_a_manager_answers_a_contact_message_from_the_admin(
    browser, live_server, screenshot_dir, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.STAFF_MFA_REQUIRED = False
    mail.outbox.clear()
    customer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    customer.goto(live_server.url + "/contact/")
    customer.get_by_label("Your name").fill("Robin Kim")
    customer.get_by_label("Your email address").fill("robin@example.com")
    customer.get_by_label("What is it about?").select_option(index=1)
    customer.get_by_label("Your message").fill("Do you ship to Norway? I could not find it.")
    customer.wait_for_timeout(3500)  # a person takes a few seconds; the spam guard checks that
    customer.get_by_role("button", name="Send message").click()
    customer.wait_for_url("**/contact/thanks/")
    message = ContactMessage.objects.get(email="robin@example.com")

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(live_server.url + "/admin/login/")
    staff.get_by_label("Email").fill(ADMIN_EMAIL)
    staff.get_by_label("Password").fill(DEFAULT_ADMIN_PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url("**/admin/")
    staff.goto(live_server.url + f"/admin/inbox/edit/{message.pk}/")
    staff.get_by_label("Your reply").fill(ANSWER)
    staff.get_by_role("button", name="Send reply").click()

    expect(staff.get_by_text("Your reply to robin@example.com is on its way.")).to_be_visible()
    history = staff.locator("#contact-history")
    expect(history.locator("li")).to_have_count(2)
    expect(history.locator("li").nth(0)).to_contain_text("Do you ship to Norway?")
    expect(history.locator("li").nth(1)).to_contain_text("Reply from")
    expect(history.locator("li").nth(1)).to_contain_text(ANSWER)
    staff.screenshot(path=screenshot_dir / "admin-inbox-reply.png", full_page=True)

    message.refresh_from_db()
    reply = ContactReply.objects.get(message=message)
    assert message.status == "answered"
    sent = [m for m in mail.outbox if m.subject.startswith("Re: ")]
    assert len(sent) == 1
    assert sent[0].to == ["robin@example.com"]
    assert ANSWER in sent[0].body
    headers = sent[0].message()
    assert headers["In-Reply-To"] == message.msgid
    assert headers["Message-ID"] == reply.msgid
    assert re.fullmatch(rf"<contact-{message.pk}-[0-9a-f]{{16}}@[^>]+>", message.msgid)
