"""Review requests: one email per delivered order line, however often the command runs; the
signed one-use link that opens a form tied to the line and makes the review verified."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.management import call_command

from apothecary.reviews.models import Review, ReviewRequest, ReviewStatus
from apothecary.reviews.services import (
    ReviewLinkError,
    confirm_token,
    request_token,
    review_submit,
)
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import delivered, delivered_order, form_data

pytestmark = pytest.mark.django_db

REQUEST_LINK = re.compile(r"http://[^/\s]+(/reviews/request/[^/\s]+/)")


def run_command(capture):
    with capture(execute=True):
        call_command("send_review_requests", "--quiet", stdout=open("/dev/null", "w"))


def ask(line) -> ReviewRequest:
    return ReviewRequest.objects.create(order_line=line, email=line.order.email)


def test_the_command_emails_every_delivered_line_once_even_when_run_twice(
    settings, django_capture_on_commit_callbacks
):
    settings.REVIEW_REQUEST_DELAY_DAYS = 14
    product = make_product(
        title="Asked Patch", variants=((30, "10.00", 1, 50), (90, "25.00", 3, 50))
    )
    month, three = product.variants.order_by("sort_order")
    two_lines = delivered_order(variants=[month, three], email="two@example.com", days_ago=15)
    one_line = delivered_order(variants=[month], email="one@example.com", days_ago=40)
    too_soon = delivered_order(variants=[month], email="soon@example.com", days_ago=13)
    not_delivered = place_order(
        cart=make_cart((month, 1)), rate=make_zone(), email="waiting@example.com"
    )
    mail.outbox.clear()

    run_command(django_capture_on_commit_callbacks)
    run_command(django_capture_on_commit_callbacks)

    asked = sorted(m.to[0] for m in mail.outbox)
    assert asked == ["one@example.com", "two@example.com", "two@example.com"]
    assert {m.subject for m in mail.outbox} == {
        "B12 Patch: How are you getting on with Asked Patch?"
    }
    assert ReviewRequest.objects.filter(order_line__order=two_lines).count() == 2
    assert ReviewRequest.objects.filter(order_line__order=one_line).count() == 1
    assert not ReviewRequest.objects.filter(
        order_line__order__in=[too_soon, not_delivered]
    ).exists()
    assert ReviewRequest.objects.filter(sent_at__isnull=True).count() == 0


def test_every_buyer_is_asked_whatever_they_ordered_or_paid(django_capture_on_commit_callbacks):
    """No gating: the request goes to each delivered line, not to a selection of buyers."""
    product = make_product(title="Ungated Patch")
    orders = [
        delivered_order(variants=[product.variants.get()], email=f"b{n}@example.com")
        for n in range(3)
    ]
    mail.outbox.clear()

    run_command(django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "b0@example.com",
        "b1@example.com",
        "b2@example.com",
    ]
    assert all("/reviews/request/" in m.body for m in mail.outbox)
    assert len(orders) == 3


def test_a_request_email_queued_twice_by_a_retried_job_goes_out_once(
    django_capture_on_commit_callbacks,
):
    from apothecary.reviews.emails import queue_review_request

    line = delivered_order().lines.get()
    review_request = ask(line)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        queue_review_request(review_request=review_request)
    with django_capture_on_commit_callbacks(execute=True):
        queue_review_request(review_request=review_request)

    assert len(mail.outbox) == 1


def open_request(client, capture) -> str:
    mail.outbox.clear()
    run_command(capture)
    return REQUEST_LINK.search(mail.outbox[-1].body).group(1)


def test_the_request_link_opens_a_form_tied_to_the_order_line_and_verifies_the_review(
    client, django_capture_on_commit_callbacks
):
    product = make_product(title="Linked Patch")
    order = delivered_order(variants=[product.variants.get()], email="linked@example.com")
    path = open_request(client, django_capture_on_commit_callbacks)

    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Write a review of Linked Patch" in html
    assert f"in order {order.number}" in html
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]  # not the footer's form
    assert 'name="email"' not in main
    assert 'value="Ada R."' in html  # the shipping name, first name and initial
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, form_data(email="someone-else@example.com"))

    review = Review.objects.get(product=product)
    assert response.status_code == 302
    assert response["Location"] == "/reviews/thanks/"
    assert review.order_line == order.lines.get()
    assert review.verified is True
    assert review.email == "linked@example.com"
    assert review.status == ReviewStatus.PENDING  # the link proved the address: no confirmation
    assert mail.outbox == []
    assert ReviewRequest.objects.get(order_line=review.order_line).used_at is not None


def test_the_request_link_works_once(client, django_capture_on_commit_callbacks):
    product = make_product(title="Once Patch")
    delivered_order(variants=[product.variants.get()])
    path = open_request(client, django_capture_on_commit_callbacks)
    assert client.post(path, form_data()).status_code == 302

    again_get = client.get(path)
    again_post = client.post(path, form_data(text="A second review of the same purchase, please."))

    assert again_get.status_code == 409
    assert "This link has already been used" in again_get.content.decode()
    assert again_post.status_code == 409
    assert Review.objects.filter(product=product).count() == 1


@pytest.mark.parametrize("mangle", ["drop-last", "other-salt", "confirm-token"])
def test_a_tampered_request_link_is_refused(client, mangle):
    line = delivered_order().lines.get()
    review_request = ask(line)
    token = {
        "drop-last": request_token(review_request)[:-1],
        "other-salt": signing.dumps({"request": review_request.pk}, salt="elsewhere"),
        "confirm-token": "",
    }[mangle]
    if mangle == "confirm-token":
        review = Review.objects.create(
            product=line.variant.product,
            rating=5,
            title="t",
            text="t" * 20,
            display_name="x",
            email="x@example.com",
            text_hash="x",
        )
        token = confirm_token(review)  # signed by us, but for another purpose

    response = client.post(f"/reviews/request/{token}/", form_data())

    assert response.status_code == 400
    assert "This review link is not valid." in response.content.decode()
    assert not Review.objects.filter(order_line=line).exists()


def test_an_expired_request_link_is_refused(client, monkeypatch, settings):
    settings.REVIEW_LINK_MAX_AGE_DAYS = 60
    line = delivered_order().lines.get()
    token = request_token(ask(line))
    later = time.time() + timedelta(days=61).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = client.post(f"/reviews/request/{token}/", form_data())

    assert response.status_code == 410
    assert "This review link has expired." in response.content.decode()
    assert not Review.objects.filter(order_line=line).exists()


def test_a_line_of_an_order_not_delivered_cannot_give_a_verified_review(client):
    variant = make_product(title="Undelivered Patch").variants.get()
    order = place_order(cart=make_cart((variant, 1)), rate=make_zone())
    review_request = ask(order.lines.get())  # as if someone made the row by hand

    response = client.post(f"/reviews/request/{request_token(review_request)}/", form_data())

    assert response.status_code == 410
    assert "This purchase can no longer be reviewed." in response.content.decode()
    assert not Review.objects.filter(product=variant.product).exists()
    with pytest.raises(ReviewLinkError):
        review_submit(
            product=variant.product,
            rating=5,
            title="Mine",
            text="Verified, surely, no?",
            display_name="A",
            review_request=review_request,
        )
    assert not Review.objects.filter(product=variant.product).exists()


def test_a_request_cannot_verify_a_review_of_another_product(client):
    line = delivered_order().lines.get()
    other = make_product(title="Other Patch")

    with pytest.raises(ReviewLinkError):
        review_submit(
            product=other,
            rating=5,
            title="Elsewhere",
            text="Tied to another product's line.",
            display_name="A",
            review_request=ask(line),
        )
    assert not Review.objects.filter(product=other).exists()


def test_a_delivered_order_is_the_only_way_to_the_request(django_capture_on_commit_callbacks):
    variant = make_product(title="Paid Only").variants.get()
    order = place_order(cart=make_cart((variant, 1)), rate=make_zone(), email="p@example.com")
    mail.outbox.clear()
    run_command(django_capture_on_commit_callbacks)
    assert mail.outbox == []

    delivered(order, days_ago=20)
    mail.outbox.clear()
    run_command(django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["p@example.com"]]
