"""Launch test 20: review XSS and spam.

- <script>, <img onerror>, javascript: links and bidirectional overrides come out inert (the
  overrides are removed, the rest escaped as text); 10,000 characters are refused.
- Ratings outside 1..5 are refused by the form, the service and the database.
- One review per (email, product) and per (account, product), with a clear message and a
  database constraint behind it.
- The "verified" badge shows only when a paid order placed with the writer's email contains
  the product.
- New reviews stay pending until a moderator approves them."""

import pytest
from django.db import IntegrityError, transaction

from apothecary.orders.models import OrderStatus
from apothecary.reviews import services
from apothecary.reviews.models import Review, ReviewStatus
from apothecary.reviews.services import (
    ReviewError,
    confirm_token,
    review_submit,
    review_transition,
)
from tests.reviews.builders import delivered_order, form_data, make_review
from tests.store import make_product

pytestmark = pytest.mark.django_db

ALREADY = "You have reviewed this product already."
HOSTILE = {
    "title": '<script>alert("t")</script> \u202eevil',
    "text": (
        'Look: <img src=x onerror=alert(1)> and <a href="javascript:alert(2)">here</a>, '
        "javascript:alert(3) \u202egnp.exe\u202c and \u2066isolated\u2069 \u200fmarks\u200e."
    ),
    "display_name": "Ada\u202e <b onmouseover=alert(4)>R.</b>",
}
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def product(db):
    return make_product(title="Review Launch Patch")


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_superuser(email="mod@example.com", password="pw")


def write(client, product, capture, **fields):
    with capture(execute=True):
        return client.post(f"/reviews/write/{product.pk}/", form_data(**fields))


def approve(client, moderator, review):
    client.force_login(moderator)
    response = client.post(f"/admin/reviews/{review.pk}/approve/", {"approve-seen": "pending"})
    assert response.status_code == 302
    client.logout()


# --- Inert ------------------------------------------------------------------------------------


def test_hostile_markup_and_bidi_overrides_are_shown_as_plain_text(
    client, product, moderator, django_capture_on_commit_callbacks
):
    sent = write(
        client, product, django_capture_on_commit_callbacks, email="x@example.com", **HOSTILE
    )
    assert sent.status_code == 302
    review = Review.objects.get(email="x@example.com")
    client.post(f"/reviews/confirm/{confirm_token(review)}/")
    approve(client, moderator, review)

    html = client.get(product.url).content.decode()
    listing = client.get(f"/reviews/?product={product.pk}").content.decode()

    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    for stored in (review.title, review.text, review.display_name):
        assert not set(stored) & set(BIDI)
    assert review.text.endswith("gnp.exe and isolated marks.")
    for page in (html, listing):
        assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "&lt;a href=&quot;javascript:alert(2)&quot;&gt;" in page
        for live in ("<script>alert", "<img src=x", 'href="javascript:', "<b onmouseover"):
            assert live not in page
        assert not set(page) & set(BIDI)


def test_ten_thousand_characters_are_refused_with_a_message(
    client, product, django_capture_on_commit_callbacks
):
    response = write(
        client, product, django_capture_on_commit_callbacks, text="<script>" + "a" * 9992
    )

    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert "<script>aaa" not in response.content.decode()
    assert not Review.objects.filter(product=product).exists()


def test_text_that_is_only_bidi_controls_counts_as_empty(
    client, product, django_capture_on_commit_callbacks
):
    response = write(client, product, django_capture_on_commit_callbacks, title=BIDI * 3)

    assert response.status_code == 400
    assert "Give your review a title." in response.content.decode()


# --- Ratings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["0", "6", "-1", "4.5", "1e1", "five", "", "99999999999"])
def test_a_rating_outside_one_to_five_is_refused_by_the_form(
    client, product, rating, django_capture_on_commit_callbacks
):
    response = write(client, product, django_capture_on_commit_callbacks, rating=rating)

    assert response.status_code == 400
    assert not Review.objects.filter(product=product).exists()


@pytest.mark.parametrize("rating", [0, 6, -3])
def test_a_rating_outside_one_to_five_is_refused_by_the_service_and_the_database(product, rating):
    with pytest.raises(ReviewError, match="from 1 to 5"):
        review_submit(
            product=product,
            rating=rating,
            title="Out of range",
            text="A rating that no form would send, straight to the service.",
            display_name="Eve",
            email="eve@example.com",
        )
    review = make_review(product)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(rating=rating)


# --- One per customer -------------------------------------------------------------------------


def test_a_second_review_of_the_same_product_by_the_same_email_is_refused(
    client, product, django_capture_on_commit_callbacks
):
    first = write(client, product, django_capture_on_commit_callbacks, email="ann@example.com")
    again = write(
        client,
        product,
        django_capture_on_commit_callbacks,
        email=" ANN@example.com ",
        text="Different words this time, but the same product and the same person.",
    )
    elsewhere = write(
        client,
        make_product(title="Other Patch"),
        django_capture_on_commit_callbacks,
        email="ann@example.com",
    )

    assert (first.status_code, again.status_code, elsewhere.status_code) == (302, 409, 302)
    assert ALREADY in again.content.decode()
    assert Review.objects.filter(email="ann@example.com", product=product).count() == 1


def test_a_second_review_of_the_same_product_from_the_same_account_is_refused(
    client, product, django_user_model, django_capture_on_commit_callbacks
):
    user = django_user_model.objects.create_user(email="bo@example.com", password="pw")
    client.force_login(user)
    first = write(client, product, django_capture_on_commit_callbacks, email="bo@example.com")
    again = write(client, product, django_capture_on_commit_callbacks, email="bo2@example.com")

    assert (first.status_code, again.status_code) == (302, 409)
    assert ALREADY in again.content.decode()
    assert list(Review.objects.filter(product=product).values_list("user", flat=True)) == [user.pk]


def test_the_database_holds_one_review_per_email_and_per_account(product, django_user_model):
    user = django_user_model.objects.create_user(email="cy@example.com", password="pw")
    review = make_review(product, email="cy@example.com", user=user)
    copy = {
        "product": product,
        "rating": 3,
        "title": "Again",
        "text": "Written around the service, straight into the table.",
        "display_name": "Cy",
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(**copy, email=review.email, text_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(**copy, email="other@example.com", user=user, text_hash="b" * 64)
    Review.objects.create(**copy, email="other@example.com", text_hash="c" * 64)


# --- Verified ---------------------------------------------------------------------------------


def badges(client, product) -> int:
    return client.get(product.url).content.decode().count("Verified buyer")


def test_the_verified_badge_needs_a_paid_order_with_that_email_containing_the_product(
    client, product
):
    line = delivered_order(variants=[product.variants.get()], email="Buyer@Example.com")
    line = line.lines.get()
    review = make_review(product, email="buyer@example.com")
    assert badges(client, product) == 0  # not tied to a purchase

    Review.objects.filter(pk=review.pk).update(order_line=line)
    assert badges(client, product) == 1
    assert Review.objects.verified().get(product=product) == review

    Review.objects.filter(pk=review.pk).update(email="someone.else@example.com")
    assert badges(client, product) == 0  # another person's order

    Review.objects.filter(pk=review.pk).update(email="buyer@example.com")
    line.order.__class__.objects.filter(pk=line.order_id).update(status=OrderStatus.REFUNDED)
    assert badges(client, product) == 0  # refunded: not a paid order any more
    assert not Review.objects.verified().filter(product=product).exists()


def test_an_order_of_another_product_does_not_verify_a_review(client, product):
    other = make_product(title="Not This Patch")
    line = delivered_order(variants=[other.variants.get()], email="buyer@example.com")
    review = make_review(product, email="buyer@example.com")
    Review.objects.filter(pk=review.pk).update(order_line=line.lines.get())

    assert badges(client, product) == 0


# --- Moderation -------------------------------------------------------------------------------


def test_a_new_review_is_shown_only_once_a_moderator_approves_it(
    client, product, moderator, django_capture_on_commit_callbacks
):
    write(
        client,
        product,
        django_capture_on_commit_callbacks,
        email="dee@example.com",
        title="Waiting its turn",
    )
    review = Review.objects.get(email="dee@example.com")
    assert review.status == ReviewStatus.UNCONFIRMED
    assert "Waiting its turn" not in client.get(product.url).content.decode()

    client.post(f"/reviews/confirm/{confirm_token(review)}/")
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    assert "Waiting its turn" not in client.get(product.url).content.decode()

    approve(client, moderator, review)
    assert "Waiting its turn" in client.get(product.url).content.decode()

    review_transition(review=review, to=ReviewStatus.REJECTED, reason="Not about the product.")
    assert "Waiting its turn" not in client.get(product.url).content.decode()


def test_a_second_review_sent_at_the_same_moment_is_refused_by_the_constraint(product, monkeypatch):
    """The other request wrote its review between our check and our insert: the check is
    made to miss it, and the database's constraint refuses ours with the same message."""
    make_review(product, email="fay@example.com", status=ReviewStatus.PENDING)
    check = services._reviewed_already
    missed = []

    def misses_once(**kwargs):
        if not missed:
            missed.append(kwargs)
            return False
        return check(**kwargs)

    monkeypatch.setattr(services, "_reviewed_already", misses_once)

    with pytest.raises(services.DuplicateReview, match=ALREADY) as refused:
        review_submit(
            product=product,
            rating=5,
            title="At the same moment",
            text="Sent twice by a double click on a slow connection, other words.",
            display_name="Fay",
            email="fay@example.com",
        )
    assert refused.value.status == 409
    assert Review.objects.filter(product=product, email="fay@example.com").count() == 1
