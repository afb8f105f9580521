"""Writing a review from the product page: the form, the confirmation email and its signed
link, and every abuse guard (length, honeypot, fill time, rate limits, duplicates)."""

import logging
import re
import time
from datetime import timedelta

import pytest
from django.core import mail, signing

from apothecary.reviews.models import Review, ReviewStatus
from apothecary.reviews.services import confirm_token
from tests.store import make_product

from .builders import form_data, make_review, started

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://[^/\s]+(/reviews/confirm/[^/\s]+/)")


@pytest.fixture
def product():
    return make_product(title="Review Patch")


def write_url(product) -> str:
    return f"/reviews/write/{product.pk}/"


def send(client, product, capture, **overrides):
    with capture(execute=True):
        return client.post(write_url(product), form_data(**overrides))


def test_the_product_page_links_to_the_never_cached_write_form(client, product):
    page = client.get(product.url)
    form = client.get(write_url(product))

    assert f'href="{write_url(product)}"' in page.content.decode()
    assert page["Cache-Control"] == "public, max-age=300"
    assert form.status_code == 200
    assert "no-cache" in form["Cache-Control"] and "private" in form["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()


def test_a_review_waits_unconfirmed_until_the_emailed_link_is_followed(
    client, product, django_capture_on_commit_callbacks
):
    response = send(client, product, django_capture_on_commit_callbacks, email="ADA@example.com")

    review = Review.objects.get(product=product)
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/write/{product.pk}/sent/"
    assert review.status == ReviewStatus.UNCONFIRMED
    assert review.email == "ada@example.com"
    assert review.verified is False
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert "Please confirm your review" in mail.outbox[0].subject
    assert "Review number" not in client.get(product.url).content.decode()
    assert "Comfortable all day" not in client.get(product.url).content.decode()

    confirm_path = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    page = client.get(confirm_path)
    review.refresh_from_db()
    assert page.status_code == 200
    assert review.status == ReviewStatus.UNCONFIRMED  # opening the link (a scanner) is not enough

    confirmed = client.post(confirm_path)

    review.refresh_from_db()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/reviews/thanks/"
    assert review.status == ReviewStatus.PENDING
    assert review.confirmed_at is not None
    assert "Comfortable all day" not in client.get(product.url).content.decode()


def test_following_the_confirmation_link_twice_changes_nothing_more(client, product):
    review = make_review(product, status=ReviewStatus.UNCONFIRMED)
    path = f"/reviews/confirm/{confirm_token(review)}/"
    client.post(path)
    review.refresh_from_db()
    first = review.confirmed_at

    again = client.post(path)

    review.refresh_from_db()
    assert again.status_code == 302
    assert review.status == ReviewStatus.PENDING
    assert review.confirmed_at == first
    assert "already confirmed" in client.get(path).content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "eyJyZXZpZXciOjF9:1u0000:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        signing.dumps({"review": 1}, salt="some.other.salt"),
    ],
    ids=["garbage", "bad-signature", "other-salt"],
)
def test_a_tampered_confirmation_link_is_refused(client, product, token):
    review = make_review(product, status=ReviewStatus.UNCONFIRMED)

    response = client.post(f"/reviews/confirm/{token}/")

    review.refresh_from_db()
    assert response.status_code == 400
    assert "This confirmation link is not valid" in response.content.decode()
    assert review.status == ReviewStatus.UNCONFIRMED


def test_a_confirmation_link_for_another_review_cannot_be_forged_by_editing_it(client, product):
    mine = make_review(product, status=ReviewStatus.UNCONFIRMED)
    other = make_review(product, status=ReviewStatus.UNCONFIRMED)
    token = confirm_token(mine)
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"review": other.pk}, salt="x", compress=True).split(":", 1)[0]

    response = client.post(f"/reviews/confirm/{forged}:{rest}/")

    other.refresh_from_db()
    assert response.status_code == 400
    assert other.status == ReviewStatus.UNCONFIRMED


def test_an_expired_confirmation_link_is_refused(client, product, monkeypatch, settings):
    settings.REVIEW_CONFIRM_MAX_AGE_HOURS = 72
    review = make_review(product, status=ReviewStatus.UNCONFIRMED)
    token = confirm_token(review)
    later = time.time() + timedelta(hours=73).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = client.post(f"/reviews/confirm/{token}/")

    review.refresh_from_db()
    assert response.status_code == 410
    assert "This confirmation link has expired." in response.content.decode()
    assert review.status == ReviewStatus.UNCONFIRMED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": "Too short to say."}, "Write at least 20 characters (you wrote 17)."),
        ({"text": "x" * 5001}, "Ensure this value has at most 5000 characters (it has 5001)."),
        ({"title": "t" * 121}, "Ensure this value has at most 120 characters (it has 121)."),
        ({"title": ""}, "Give your review a title."),
        ({"rating": "6"}, "Select a valid choice. 6 is not one of the available choices."),
        ({"rating": ""}, "Choose a rating from 1 to 5 stars."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"country": "XX"}, "Select a valid choice. XX is not one of the available choices."),
    ],
)
def test_invalid_input_comes_back_filled_with_a_clear_message_and_nothing_saved(
    client, product, overrides, message, django_capture_on_commit_callbacks
):
    data = form_data(**{"title": "My honest take", **overrides})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(write_url(product), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Your review was not sent." in html
    if "text" not in overrides:
        assert data["text"] in html
    if "title" not in overrides:
        assert 'value="My honest take"' in html
    assert Review.objects.filter(product=product).count() == 0
    assert mail.outbox == []


def test_the_honeypot_refuses_and_logs_and_keeps_the_text(
    client, product, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO):
        response = send(
            client, product, django_capture_on_commit_callbacks, website="http://spam.example"
        )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Your message looks automated. Please try again." in html
    assert "It stays on through a full day at work" in html
    assert "honeypot filled" in caplog.text
    assert "review refused for product" in caplog.text
    assert Review.objects.filter(product=product).count() == 0
    assert mail.outbox == []


def test_a_form_sent_faster_than_a_person_types_is_refused(
    client, product, django_capture_on_commit_callbacks
):
    response = send(client, product, django_capture_on_commit_callbacks, started=started(1))

    assert response.status_code == 400
    assert "quicker than a person can type" in response.content.decode()
    assert Review.objects.filter(product=product).count() == 0
    assert mail.outbox == []


def test_a_form_without_its_signed_start_time_is_refused(
    client, product, django_capture_on_commit_callbacks
):
    response = send(client, product, django_capture_on_commit_callbacks, started="1700000000")

    assert response.status_code == 400
    assert "This form expired." in response.content.decode()
    assert Review.objects.filter(product=product).count() == 0


def test_writing_is_rate_limited_per_ip(
    client, product, settings, caplog, django_capture_on_commit_callbacks
):
    settings.REVIEW_LIMIT_PER_IP = 2
    for _ in range(2):
        assert send(client, product, django_capture_on_commit_callbacks).status_code == 302

    with caplog.at_level(logging.WARNING):
        response = send(client, product, django_capture_on_commit_callbacks, title="Third one")

    html = response.content.decode()
    assert response.status_code == 429
    assert "You have sent several reviews in a short time." in html
    assert 'value="Third one"' in html
    assert "rate limit per IP" in caplog.text
    assert Review.objects.filter(product=product).count() == 2
    assert len(mail.outbox) == 2
    other_ip = client.post(write_url(product), form_data(), REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302


def test_writing_is_rate_limited_per_email(
    client, product, settings, django_capture_on_commit_callbacks
):
    settings.REVIEW_LIMIT_PER_EMAIL = 1
    assert (
        send(client, product, django_capture_on_commit_callbacks, email="a@example.com").status_code
        == 302
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            write_url(product),
            form_data(email="A@Example.com", title="From elsewhere"),
            REMOTE_ADDR="10.0.0.7",
        )

    html = response.content.decode()
    assert response.status_code == 429
    assert "This email address has sent several reviews today." in html
    assert 'value="From elsewhere"' in html
    assert Review.objects.filter(product=product).count() == 1
    assert len(mail.outbox) == 1


def test_the_same_text_twice_from_one_email_is_refused(
    client, product, caplog, django_capture_on_commit_callbacks
):
    text = "Sticks well, comfortable, and the box arrived in three days flat."
    first = send(
        client, product, django_capture_on_commit_callbacks, text=text, email="b@example.com"
    )
    assert first.status_code == 302

    with caplog.at_level(logging.WARNING):
        again = send(
            client,
            make_product(title="Another Review Patch"),  # the same product: reviewed already
            django_capture_on_commit_callbacks,
            text="  STICKS well,   comfortable, and the box arrived in three days flat. ",
            email="B@example.com",
        )
    other = send(
        client, product, django_capture_on_commit_callbacks, text=text, email="c@example.com"
    )

    html = again.content.decode()
    assert again.status_code == 409
    assert "You have already sent us a review with this text." in html
    assert "STICKS well" in html
    assert "DuplicateReview" in caplog.text
    assert other.status_code == 302
    assert Review.objects.filter(product=product, email="b@example.com").count() == 1
    assert [m.to for m in mail.outbox] == [["b@example.com"], ["c@example.com"]]


def test_a_review_for_a_product_that_is_not_live_is_a_404(client, product):
    product.unpublish()

    assert client.get(write_url(product)).status_code == 404
    assert client.post(write_url(product), form_data()).status_code == 404
    assert client.get("/reviews/write/999999/").status_code == 404


def test_the_public_form_cannot_make_a_review_verified(
    client, product, django_capture_on_commit_callbacks
):
    from .builders import delivered_order

    order = delivered_order(variants=[product.variants.get()])
    line = order.lines.get()

    send(
        client,
        product,
        django_capture_on_commit_callbacks,
        email=order.email,
        order_line=line.pk,
        verified="1",
    )

    review = Review.objects.get(product=product)
    assert review.order_line_id is None
    assert review.verified is False


def test_a_staff_member_writing_a_review_is_marked_as_staff(
    client, product, django_user_model, django_capture_on_commit_callbacks
):
    staff = django_user_model.objects.create_user(
        email="staff@b12patch.example", password="x", is_staff=True
    )
    send(client, product, django_capture_on_commit_callbacks, email="someone@example.com")
    client.force_login(staff)
    send(client, product, django_capture_on_commit_callbacks, email="anything@example.com")
    client.logout()
    send(client, product, django_capture_on_commit_callbacks, email="STAFF@b12patch.example")

    flags = list(
        Review.objects.filter(product=product).order_by("pk").values_list("email", "by_staff")
    )
    assert flags == [
        ("someone@example.com", False),
        ("anything@example.com", True),
        ("staff@b12patch.example", True),
    ]
