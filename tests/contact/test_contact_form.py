"""The contact page: the form, sending a message, its emails, and every refusal (each with its
message, a 4xx, the form filled as it was sent, and nothing stored or emailed)."""

import logging
import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from apothecary.contact.models import ContactMessage, ContactPage, ContactSettings, MessageStatus
from apothecary.core.models import BrandSettings
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import NEVER_CACHE, SUBJECT, THANKS_URL, URL, filled_form, started

pytestmark = pytest.mark.django_db


def send(client, data, **extra):
    return client.post(URL, data, **extra)


def assert_nothing_happened():
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def assert_refilled(response, data):
    """The form comes back with what was typed (escaped as any text on the page)."""
    html = response.content.decode()
    assert f'value="{data["name"]}"' in html
    assert f'value="{data["email"]}"' in html
    assert f'<option value="{data["subject"]}" selected>' in html
    assert ">\n" + data["message"] + "</textarea>" in html
    assert f'name="submission_key" value="{data["submission_key"]}"' in html


def error_summary(response) -> list[str]:
    html = response.content.decode()
    summary = re.search(r'<div class="form-errors error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary[0], re.S)
    ]


@pytest.fixture
def order():
    product = make_product(title="Contact Patch")
    rate = make_zone(countries="US")
    return place_order(
        cart=make_cart((product.variants.get(), 1)), rate=rate, email="ada@example.com"
    )


# The page.


def test_the_demo_contact_page_is_a_contact_page_with_the_placeholders_copy(client):
    page = ContactPage.objects.get(slug="contact")

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert page.url == URL
    assert "<h1>Contact Us</h1>" in html
    assert "Write to us with the form on this page and a real person will reply." in html
    assert "we usually reply within one business day" in html
    assert "In an emergency" in html
    assert '<h2 id="contact-form-heading">Send us a message</h2>' in html


def test_the_page_is_never_cached_so_its_csrf_token_is_always_fresh(client):
    first = client.get(URL)
    second = client.get(URL)

    assert first["Cache-Control"] == NEVER_CACHE
    assert "Expires" in first
    assert 'name="csrfmiddlewaretoken"' in first.content.decode()
    keys = {str(r.context["form"].initial["submission_key"]) for r in (first, second)}
    assert len(keys) == 2  # every opening of the form is a new message


def test_the_page_is_never_cached_for_signed_in_staff_either(admin_client):
    assert admin_client.get(URL)["Cache-Control"] == NEVER_CACHE


def test_the_form_offers_the_subjects_of_the_contact_settings(client, demo_site):
    response = client.get(URL)

    choices = [label for _, label in response.context["form"].fields["subject"].choices]
    assert choices == [
        "Choose a subject",
        "Question about an order",
        "Question about the patch",
        "Returns and refunds",
        "Wholesale",
        "Press",
        "Affiliate program",
        "Something else",
    ]


def test_with_no_subjects_set_the_form_offers_the_default_ones(client, demo_site):
    settings = ContactSettings.for_site(demo_site)
    settings.subjects = "[]"
    settings.save()

    response = client.get(URL)

    choices = [label for _, label in response.context["form"].fields["subject"].choices]
    assert choices == [
        "Choose a subject",
        "Order question",
        "Product question",
        "Wholesale",
        "Press",
        "Other",
    ]


def test_each_state_of_the_page_takes_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    client.get(URL)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
    data = filled_form(client)
    with django_assert_max_num_queries(14):
        assert send(client, {**data, "name": ""}).status_code == 400
    # 18, and the two emails written in the outbox in the same transaction (settings, two
    # rows in their savepoints, the stamps).
    with django_assert_max_num_queries(26):
        assert send(client, data).status_code == 302
    with django_assert_max_num_queries(14):
        assert client.get(THANKS_URL).status_code == 200


def test_the_form_labels_every_field_and_marks_the_order_number_optional(client):
    html = client.get(URL).content.decode()

    for field, label in [
        ("name", "Your name"),
        ("email", "Your email address"),
        ("subject", "What is it about?"),
        ("message", "Your message"),
    ]:
        assert f'<label for="id_{field}">{label}</label>' in html
    assert (
        '<label for="id_order_number">Order number <span class="optional">(optional)</span>' in html
    )
    assert 'autocomplete="name"' in html and 'autocomplete="email"' in html
    assert 'maxlength="5000"' in html
    # The trap field is out of sight, out of the tab order and hidden from screen readers.
    assert '<div class="visually-hidden" aria-hidden="true">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


# Sending a message.


def test_a_message_is_stored_then_emailed_to_the_staff_and_acknowledged_with_a_copy(
    client, django_capture_on_commit_callbacks
):
    data = filled_form(client)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = send(client, data)

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert len(callbacks) == 2
    message = ContactMessage.objects.get()
    assert (message.name, message.email, message.subject, message.order_number) == (
        "Ada Reader",
        "ada@example.com",
        SUBJECT,
        "",
    )
    assert message.text == "Can I wear the patch while swimming?\nThanks!"
    assert message.status == MessageStatus.NEW
    assert message.assigned_to is None
    assert str(message.submission_key) == data["submission_key"]
    assert message.staff_notified_at is not None
    assert message.acknowledged_at is not None

    staff, acknowledgement = mail.outbox
    assert staff.to == ["hello@b12patch.example"]
    assert staff.reply_to == ["ada@example.com"]
    assert staff.subject == f"B12 Patch contact: {SUBJECT}, from Ada Reader"
    assert "From:    Ada Reader <ada@example.com>" in staff.body
    assert "Can I wear the patch while swimming?\nThanks!" in staff.body
    assert f"http://127.0.0.1:8000/admin/inbox/edit/{message.pk}/" in staff.body
    assert acknowledgement.to == ["ada@example.com"]
    assert acknowledgement.reply_to == ["hello@b12patch.example"]
    assert acknowledgement.subject == "B12 Patch: we have your message"
    assert acknowledgement.body.startswith("Hello Ada Reader,\n\nThank you for writing to us.")
    assert "Here is a copy of your message:" in acknowledgement.body
    assert "Can I wear the patch while swimming?\nThanks!" in acknowledgement.body
    html, mimetype = acknowledgement.alternatives[0]
    assert mimetype == "text/html"
    assert "Can I wear the patch while swimming?\nThanks!</div>" in html


def test_the_thank_you_page_shows_the_editors_text_and_a_copy_of_the_message(client):
    send(client, filled_form(client))

    response = client.get(THANKS_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == NEVER_CACHE
    assert "<h1>Thank you, we have your message</h1>" in html
    assert "usually within one business day" in html
    assert "We sent a copy to <strong>ada@example.com</strong>." in html
    assert "<dt>Subject</dt><dd>Question about the patch</dd>" in html
    assert '<div class="message-text">Can I wear the patch while swimming?\nThanks!</div>' in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_thank_you_page_of_another_browser_shows_no_message(client):
    send(client, filled_form(client))

    response = Client().get(THANKS_URL)

    assert response.status_code == 200
    assert "<h1>Thank you, we have your message</h1>" in response.content.decode()
    assert "Your message" not in response.content.decode()
    assert response.context["sent_message"] is None


def test_the_staff_email_goes_to_the_brands_contact_email_when_no_staff_address_is_set(
    client, demo_site, django_capture_on_commit_callbacks
):
    settings = ContactSettings.for_site(demo_site)
    settings.staff_email = ""
    settings.save()
    brand = BrandSettings.for_site(demo_site)
    brand.contact_email = "team@b12patch.example"
    brand.save()

    with django_capture_on_commit_callbacks(execute=True):
        send(client, filled_form(client))

    assert [m.to for m in mail.outbox] == [["team@b12patch.example"], ["ada@example.com"]]


def test_the_same_form_sent_twice_stores_one_message_and_sends_its_emails_once(
    client, django_capture_on_commit_callbacks
):
    data = filled_form(client)

    with django_capture_on_commit_callbacks(execute=True):
        first = send(client, data)
        second = send(client, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == THANKS_URL
    assert ContactMessage.objects.count() == 1
    assert len(mail.outbox) == 2


def test_the_emails_queued_again_send_nothing_more(client, django_capture_on_commit_callbacks):
    from apothecary.contact.emails import queue_contact_emails

    with django_capture_on_commit_callbacks(execute=True):
        send(client, filled_form(client))
    message = ContactMessage.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        queue_contact_emails(message=message)

    assert len(mail.outbox) == 2


def test_a_message_about_an_order_of_the_sender_is_linked_to_it(
    client, order, django_capture_on_commit_callbacks
):
    typed = order.number[:4].lower() + "-" + order.number[4:].lower()

    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client,
            filled_form(
                client,
                order_number=typed,
                email="ADA@example.com",
                subject="Question about an order",
            ),
        )

    assert response.status_code == 302
    message = ContactMessage.objects.get()
    assert message.order == order
    assert message.order_number == order.number
    assert f"Order:   {order.number}" in mail.outbox[0].body


# Refusals: each says why, keeps what was typed, stores nothing and sends nothing.


def test_an_unknown_order_number_is_refused(client, order, caplog):
    data = filled_form(client, order_number="ZZZZ2222")

    with caplog.at_level(logging.INFO, logger="apothecary.contact"):
        response = send(client, data)

    assert response.status_code == 400
    assert error_summary(response) == [
        "We found no order ZZZZ2222 placed with the email address you gave. "
        "Check the number in your confirmation email and use the email address you ordered "
        "with, or leave the order number empty."
    ]
    assert_refilled(response, data)
    assert 'value="ZZZZ2222"' in response.content.decode()
    assert response["Cache-Control"] == NEVER_CACHE
    assert_nothing_happened()
    assert "contact form refused (400): order_number" in caplog.text


def test_the_number_of_someone_elses_order_is_refused_like_an_unknown_one(client, order):
    data = filled_form(client, order_number=order.number, email="mallory@example.com")

    response = send(client, data)

    assert response.status_code == 400
    assert error_summary(response)[0].startswith(f"We found no order {order.number} placed")
    assert_refilled(response, data)
    assert_nothing_happened()


def test_an_order_number_that_cannot_be_one_is_refused(client):
    response = send(client, filled_form(client, order_number="12;DROP"))

    assert response.status_code == 400
    assert error_summary(response) == ["An order number has 8 letters and digits, e.g. 7K3M9QXA."]
    assert_nothing_happened()


def test_a_filled_trap_field_is_refused_as_automated(client, caplog):
    data = filled_form(client, website="https://spam.example/")

    with caplog.at_level(logging.INFO):
        response = send(client, data)

    assert response.status_code == 400
    assert error_summary(response) == ["Your message looks automated. Please try again."]
    assert_refilled(response, data)
    assert 'name="website" value="https://spam.example/"' not in response.content.decode()
    assert_nothing_happened()
    assert "spam guard: honeypot filled on ContactForm" in caplog.text
    assert "contact form refused (400): __all__" in caplog.text


def test_a_form_sent_too_fast_is_refused_and_can_be_sent_again_later(client, caplog):
    data = filled_form(client, started=started(seconds_ago=1))

    with caplog.at_level(logging.INFO):
        response = send(client, data)

    assert response.status_code == 400
    assert error_summary(response) == [
        "That was quicker than a person can type. Please wait a moment and send again."
    ]
    assert_refilled(response, data)
    assert_nothing_happened()
    assert "spam guard: ContactForm sent too fast" in caplog.text
    # The page restarts the clock; sent a while after, the same form goes through.
    assert response.context["form"].data["started"] != data["started"]
    assert send(client, {**data, "started": started()}).status_code == 302
    assert ContactMessage.objects.count() == 1


def test_a_form_without_its_timestamp_or_key_is_refused_as_expired(client):
    data = filled_form(client)

    no_time = send(client, {**data, "started": ""})
    no_key = send(client, {**data, "submission_key": "not-a-key"})

    assert no_time.status_code == 400
    assert error_summary(no_time) == [
        "This form expired. Please check your text and send it again."
    ]
    assert no_key.status_code == 400
    assert error_summary(no_key) == ["This form expired. Please check your text and send it again."]
    assert_nothing_happened()


def test_a_message_with_more_than_two_links_is_refused(client, caplog):
    text = "Cheap pills at https://a.example and http://b.example and www.c.example"
    data = filled_form(client, message=text)

    with caplog.at_level(logging.INFO):
        response = send(client, data)

    assert response.status_code == 400
    assert error_summary(response) == [
        "Your message has 3 web addresses; we accept at most 2, as most messages "
        "with more are spam. Please remove some and send it again."
    ]
    assert_refilled(response, data)
    assert_nothing_happened()
    assert "contact form: refused, 3 web addresses in the message" in caplog.text


def test_a_message_with_two_links_is_accepted(client):
    text = "The patch on https://a.example looks like the one on https://b.example/x."

    response = send(client, filled_form(client, message=text))

    assert response.status_code == 302
    assert ContactMessage.objects.get().text == text


def test_a_web_address_in_the_name_is_refused(client):
    response = send(client, filled_form(client, name="Best SEO www.spam.example"))

    assert response.status_code == 400
    assert error_summary(response) == ["Please leave web addresses out of your name."]
    assert_nothing_happened()


def test_a_name_on_two_lines_is_refused_so_it_cannot_reach_an_email_header(client):
    response = send(client, filled_form(client, name="Ada\nBcc: everyone@example.com"))

    assert response.status_code == 400
    assert error_summary(response) == ["Write your name on one line."]
    assert_nothing_happened()


def test_too_long_fields_are_refused(client):
    data = filled_form(client, name="N" * 121, message="m" * 5001)

    response = send(client, data)

    assert response.status_code == 400
    assert error_summary(response) == [
        "Your name can have at most 120 characters (it has 121).",
        "Your message can have at most 5000 characters (it has 5001). Please shorten it.",
    ]
    assert_refilled(response, data)
    assert_nothing_happened()


def test_an_empty_form_sent_at_once_is_told_what_is_missing_not_that_it_was_too_fast(client):
    data = filled_form(client, name="", message="", started=started(seconds_ago=0))

    response = send(client, data)

    assert response.status_code == 400
    assert error_summary(response) == ["Enter your name.", "Write your message."]
    assert_nothing_happened()


def test_the_page_says_how_long_messages_are_kept(client, settings):
    assert "delete messages after a year." in client.get(URL).content.decode()
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "contact_messages": 90}

    assert "delete messages after 90 days." in client.get(URL).content.decode()


def test_missing_fields_are_named_and_nothing_is_sent(client):
    data = filled_form(client, name="", email="not-an-address", subject="", message="")

    response = send(client, data)

    assert response.status_code == 400
    assert error_summary(response) == [
        "Enter your name.",
        "Enter an email address like name@example.com.",
        "Choose what your message is about.",
        "Write your message.",
    ]
    assert response.content.decode().startswith("<!doctype html>")
    assert "<title>Error: Contact Us | B12 Patch</title>" in response.content.decode()
    assert_nothing_happened()


@override_settings(CONTACT_LIMIT_PER_IP=2)
def test_more_messages_from_one_visitor_than_the_limit_are_refused(client, caplog):
    for n in range(2):
        assert send(client, filled_form(client, email=f"person{n}@example.com")).status_code == 302
    data = filled_form(client, email="person3@example.com")

    with caplog.at_level(logging.INFO):
        response = send(client, data)

    assert response.status_code == 429
    assert error_summary(response) == [
        "You have sent several messages in the last hour. Please wait an hour before sending "
        "another; your text is still below."
    ]
    assert_refilled(response, data)
    assert ContactMessage.objects.count() == 2
    assert "rate limit contact-ip reached (3 attempts)" in caplog.text
    assert "contact form refused (429)" in caplog.text
    # Another visitor is not held back.
    assert send(Client(REMOTE_ADDR="10.9.9.9"), filled_form(client)).status_code == 302


@override_settings(CONTACT_LIMIT_PER_EMAIL=2)
def test_more_messages_from_one_address_than_the_limit_are_refused(client, caplog):
    for n in range(2):
        other = Client(REMOTE_ADDR=f"10.0.0.{n}")
        assert send(other, filled_form(client)).status_code == 302
    data = filled_form(client, email="ADA@example.com")

    with caplog.at_level(logging.INFO):
        response = send(Client(REMOTE_ADDR="10.0.0.99"), data)

    assert response.status_code == 429
    assert error_summary(response) == [
        "We already have several messages from this email address today, and will answer them. "
        "Please wait for our reply before writing again; your text is still below."
    ]
    assert_refilled(response, data)
    assert ContactMessage.objects.count() == 2
    assert "rate limit contact-email reached (3 attempts)" in caplog.text


@override_settings(CONTACT_LIMIT_PER_IP=1)
def test_sending_the_same_form_again_does_not_count_against_the_limit(client):
    data = filled_form(client)

    responses = [send(client, data) for _ in range(3)]

    assert [r.status_code for r in responses] == [302, 302, 302]
    assert ContactMessage.objects.count() == 1


def test_the_form_needs_its_csrf_token(client):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(URL)
    data = filled_form(client, submission_key=str(page.context["form"].initial["submission_key"]))

    forged = browser.post(URL, data)
    sent = browser.post(URL, {**data, "csrfmiddlewaretoken": page.context["csrf_token"]})

    assert forged.status_code == 403
    assert sent.status_code == 302
    assert ContactMessage.objects.count() == 1


# Whatever is typed comes back as text, never as markup.

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG_ESCAPED = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def assert_no_markup_from_payloads(html):
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I)


def xss_settings(demo_site):
    """An editor's subject that is a payload too: the form's every field carries one."""
    settings = ContactSettings.for_site(demo_site)
    settings.subjects = f'[{{"type": "subject", "value": "{SCRIPT}"}}]'
    settings.save()


def test_payloads_in_every_field_come_back_escaped_on_the_thank_you_page_and_in_the_emails(
    client, demo_site, django_capture_on_commit_callbacks
):
    xss_settings(demo_site)
    data = filled_form(
        client,
        name=IMG,
        email=f'"{SCRIPT}"@example.com',
        subject=SCRIPT,
        message=f"{SCRIPT}\n{IMG}\n{JS_URL}",
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, data).status_code == 302
    html = client.get(THANKS_URL).content.decode()

    message = ContactMessage.objects.get()
    assert (message.name, message.subject) == (IMG, SCRIPT)
    assert_no_markup_from_payloads(html)
    assert f"<dt>From</dt><dd>{IMG_ESCAPED}</dd>" in html
    assert f"<dt>Subject</dt><dd>{SCRIPT_ESCAPED}</dd>" in html
    assert f"We sent a copy to <strong>&quot;{SCRIPT_ESCAPED}&quot;@example.com</strong>" in html
    assert f"{SCRIPT_ESCAPED}\n{IMG_ESCAPED}\n{JS_URL}</div>" in html
    assert len(mail.outbox) == 2
    for email in mail.outbox:
        body, _ = email.alternatives[0]
        assert_no_markup_from_payloads(body)
        assert f"{SCRIPT_ESCAPED}\n{IMG_ESCAPED}\n{JS_URL}</div>" in body
        assert IMG_ESCAPED in body
        assert f"{SCRIPT}\n{IMG}\n{JS_URL}" in email.body  # the text part is plain text


def test_payloads_in_every_field_come_back_escaped_when_the_form_is_refused(client, demo_site):
    xss_settings(demo_site)
    for payload in (SCRIPT, IMG, JS_URL):
        data = filled_form(
            client,
            name=payload,
            email=payload,
            subject=payload + "x",
            order_number=payload,
            message=payload,
            website=payload,
        )

        response = send(client, data)

        html = response.content.decode()
        assert response.status_code == 400
        assert_no_markup_from_payloads(html)
        assert ContactMessage.objects.count() == 0
    assert '<textarea name="message" cols="40" rows="8"' in html
    assert f'value="{JS_URL}"' in html


def test_payloads_sent_as_the_order_number_are_refused_escaped(client):
    for payload in (SCRIPT, IMG):
        response = send(client, filled_form(client, order_number=payload))

        html = response.content.decode()
        assert response.status_code == 400
        assert_no_markup_from_payloads(html)
        assert (SCRIPT_ESCAPED if payload == SCRIPT else IMG_ESCAPED) in html
    assert_nothing_happened()


def test_editors_preview_the_form_and_the_thank_you_page(admin_client):
    page = ContactPage.objects.get(slug="contact")
    page.thank_you_heading = "Thanks, a draft"
    page.save_revision()

    form = admin_client.get(f"/admin/pages/{page.pk}/view_draft/")
    thanks = page.get_latest_revision_as_object().make_preview_request(preview_mode="thanks")

    assert form.status_code == 200
    assert '<h2 id="contact-form-heading">Send us a message</h2>' in form.content.decode()
    assert thanks.status_code == 200
    assert "<h1>Thanks, a draft</h1>" in thanks.rendered_content
    assert "Your message" not in thanks.rendered_content
