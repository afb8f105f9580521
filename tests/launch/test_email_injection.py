"""Every email the store sends, rendered with hostile text in every field a customer (or a
staff member) types: the HTML part shows it as text and never as a live link or script.
(Issue 12: HTML injection in emails.)"""

import re
from datetime import timedelta
from pathlib import Path

import lxml.html
import pytest
from django.utils import timezone

import apothecary
from apothecary.affiliates import emails as affiliate_emails
from apothecary.affiliates.models import AffiliateStatus
from apothecary.contact.emails import queue_contact_emails
from apothecary.core.outbox import OutgoingEmail
from apothecary.orders import emails as order_emails
from apothecary.orders.models import Order, OrderLine, ReturnLine, ReturnRequest, ReturnStatus
from apothecary.reviews import emails as review_emails
from apothecary.reviews.models import Review, ReviewRequest, ReviewStatus
from tests.affiliates.builders import make_affiliate
from tests.contact.builders import make_message
from tests.reviews.builders import delivered_order, make_review
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

LINK = '<a href="https://evil.example/login">Click</a>'
SCRIPT = "<script>alert(1)</script>"


def hostile(max_length: int = 500) -> str:
    """The longest attack that fits the field."""
    for value in (LINK + SCRIPT, SCRIPT, "<script>1</script>"):
        if len(value) <= max_length:
            return value
    raise ValueError(max_length)


def fill(obj, **lengths) -> None:
    """Set each named field to the hostile text, as if typed into a form."""
    values = {name: hostile(length) for name, length in lengths.items()}
    type(obj).objects.filter(pk=obj.pk).update(**values)
    obj.refresh_from_db()


def live_tags(html: str) -> list[str]:
    """The elements of an email's HTML that an attacker could have put there."""
    tree = lxml.html.document_fromstring(html)
    found = [f"<script>{s.text_content()}" for s in tree.iter("script")]
    found += [
        f"<a href={a.get('href')}>" for a in tree.iter("a") if "evil" in (a.get("href") or "")
    ]
    return found


def assert_safe(emails: list[OutgoingEmail], expected: set[str]) -> None:
    assert {email.kind for email in emails} == expected
    for email in emails:
        assert email.html, email.key
        assert live_tags(email.html) == [], email.key
        shown = lxml.html.document_fromstring(email.html).text_content()
        # The attack was in the email, as the text the customer typed:
        assert "<script>" in shown, email.key
        # and the plain-text part carries it as typed, not as HTML entities.
        assert "<script>" in email.text and "&lt;" not in email.text, email.key


def new_emails(before: int) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(pk__gt=before).order_by("pk"))


def last_pk() -> int:
    last = OutgoingEmail.objects.order_by("-pk").first()
    return last.pk if last else 0


@pytest.fixture
def hostile_order() -> Order:
    product = make_product(title=hostile(255))
    order = place_order(cart=make_cart((product.variants.get(), 2)), rate=make_zone())
    fill(
        order,
        shipping_name=120,
        shipping_line1=200,
        shipping_line2=200,
        shipping_city=100,
        shipping_region=100,
        shipping_postcode=20,
        phone=40,
        carrier=60,
        tracking_number=80,
    )
    OrderLine.objects.filter(order=order).update(variant_name=hostile(120))
    return order


def test_the_order_emails_show_a_hostile_address_as_text(hostile_order):
    before = last_pk()
    Order.objects.filter(pk=hostile_order.pk).update(paid_at=timezone.now())
    for kind in order_emails.SUBJECTS:
        order_emails.queue_order_email(order=hostile_order, kind=kind, event=0)

    assert_safe(new_emails(before), {f"order_{kind}" for kind in order_emails.SUBJECTS})


def test_the_return_emails_show_a_hostile_reason_and_note_as_text(hostile_order):
    request = ReturnRequest.objects.create(order=hostile_order, reason="x")
    ReturnLine.objects.create(request=request, order_line=hostile_order.lines.get(), quantity=1)
    fill(request, reason=2000, staff_note=500)
    before = last_pk()
    for status in order_emails.RETURN_SUBJECTS:
        ReturnRequest.objects.filter(pk=request.pk).update(status=status)
        order_emails.queue_return_email(request=request)

    assert_safe(new_emails(before), {f"return_{status}" for status in ReturnStatus.values})


def test_the_review_emails_show_a_hostile_review_as_text():
    product = make_product(title=hostile(255))
    review = make_review(product, status=ReviewStatus.UNCONFIRMED)
    fill(review, display_name=60, title=120, rejection_reason=300)
    order = delivered_order()
    fill(order, shipping_name=120)
    OrderLine.objects.filter(order=order).update(
        product_title=hostile(255), variant_name=hostile(120)
    )
    review_request = ReviewRequest.objects.create(
        order_line=order.lines.get(), email="buyer@example.com"
    )
    OutgoingEmail.objects.filter(key__startswith=f"review:{review.pk}:").delete()  # as written
    before = last_pk()

    review_emails.queue_review_confirmation(review=review)
    review_emails.queue_review_rejected(review=review, event=0)
    review_emails.queue_review_request(review_request=review_request)

    assert_safe(new_emails(before), {"review_confirm", "review_rejected", "review_request_request"})
    assert Review.objects.filter(pk=review.pk).exists()


def test_the_contact_emails_show_a_hostile_message_as_text():
    before = last_pk()
    message = make_message(name=hostile(120), subject=hostile(80), text=hostile(5000))

    emails = new_emails(before)
    assert_safe(emails, {"contact_staff", "contact_acknowledgement"})
    assert all(email.key.startswith(f"contact:{message.pk}:") for email in emails)
    # Queuing them again (a retried job) changes nothing.
    queue_contact_emails(message=message)
    assert len(new_emails(before)) == 2


def test_the_affiliate_emails_show_a_hostile_application_as_text():
    affiliate = make_affiliate(code="mallory", status=AffiliateStatus.PENDING)
    fill(affiliate, name=120, website=500, promotion=2000, decision_note=500)
    before = last_pk()

    affiliate_emails.queue_application_received(affiliate=affiliate)
    for n, status in enumerate(affiliate_emails.DECISION_TEMPLATES):
        affiliate.status = status
        affiliate.decided_at = timezone.now() + timedelta(seconds=n)
        affiliate_emails.queue_affiliate_decision(affiliate=affiliate)

    assert_safe(
        new_emails(before),
        {
            "affiliate_received",
            "affiliate_approved",
            "affiliate_rejected",
            "affiliate_suspended",
        },
    )


def test_no_email_template_turns_autoescaping_off_or_marks_text_safe():
    """The plain-text templates (.txt) render with autoescape off by design; an HTML email
    template never does, and never calls |safe, |safeseq or {% autoescape off %}."""
    root = Path(apothecary.__file__).parent
    html_templates = sorted(root.glob("*/templates/*/email/*.html"))
    assert len(html_templates) >= 10
    unsafe = [
        f"{path.relative_to(root)}: {marker}"
        for path in html_templates
        for marker in ("|safe", "autoescape off", "mark_safe")
        if marker in path.read_text()
    ]
    assert unsafe == []


# Modules that send mail themselves, each with its reason.
SENDS_ITSELF: set[str] = set()  # allauth's account emails go through the outbox too


def test_every_module_that_sends_mail_goes_through_the_outbox():
    """Only the outbox builds an email message: an email sent elsewhere would skip the
    retries and the escaping (the account emails, allowed above, are plain text)."""
    root = Path(apothecary.__file__).parent
    senders = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if any(
            re.search(pattern, path.read_text())
            # (a method named send_mail, like the account adapter's, that queues is no sender)
            for pattern in (r"EmailMultiAlternatives", r"EmailMessage\(", r"(?<!def )send_mail\(")
        )
    )
    assert senders == sorted({"core/outbox.py", *SENDS_ITSELF})
