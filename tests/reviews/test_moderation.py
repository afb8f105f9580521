"""Moderation: review_transition and its table, the Reviews list of the admin with its filters
and bulk approve / reject, and the detail page (reply, approve, reject)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from apothecary.core.machines import InvalidTransition
from apothecary.reviews.models import Review, ReviewEvent, ReviewStatus
from apothecary.reviews.services import (
    ReviewError,
    confirm_token,
    review_transition,
)
from tests.store import make_product

from .builders import delivered_order, form_data, make_review

pytestmark = pytest.mark.django_db

LIST = "/admin/reviews/"


@pytest.fixture
def product():
    return make_product(title="Moderated Patch")


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser(email="mod@example.com", password="pw")
    client.force_login(user)
    return user


def titles_in(response) -> list[str]:
    return re.findall(
        r'<a href="/admin/reviews/\d+/"[^>]*>\s*([^<]+?)\s*</a>', response.content.decode()
    )


def test_the_whole_moderation_flow_from_writing_to_showing(
    client, django_user_model, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/reviews/write/{product.pk}/", form_data(title="Flow review", email="w@example.com")
        )
    review = Review.objects.get(product=product)
    client.post(f"/reviews/confirm/{confirm_token(review)}/")
    moderator = django_user_model.objects.create_superuser(email="m@example.com", password="pw")
    client.force_login(moderator)

    listed = client.get(LIST, {"status": "pending"})
    assert "Flow review" in titles_in(listed)
    detail = client.get(f"{LIST}{review.pk}/")
    assert detail.status_code == 200
    assert "w@example.com" in detail.content.decode()
    client.post(
        f"{LIST}{review.pk}/reply/",
        {"reply-seen": "pending", "reply-brand_reply": "Thank you for the kind words."},
    )
    approved = client.post(f"{LIST}{review.pk}/approve/", {"approve-seen": "pending"})
    client.logout()

    review.refresh_from_db()
    page = client.get(product.url).content.decode()
    assert approved.status_code == 302
    assert review.status == ReviewStatus.APPROVED
    assert review.moderated_by == moderator
    assert "Flow review" in page
    assert "Thank you for the kind words." in page
    assert "w@example.com" not in page
    assert list(review.events.values_list("to_status", flat=True)) == [
        "unconfirmed",
        "pending",
        "",
        "approved",
    ]


def test_rejecting_needs_a_reason_which_the_writer_is_sent(
    client, admin, product, django_capture_on_commit_callbacks
):
    review = make_review(product, status=ReviewStatus.PENDING, email="r@example.com")
    mail.outbox.clear()

    refused = client.post(
        f"{LIST}{review.pk}/reject/", {"reject-seen": "pending", "reject-reason": " "}
    )
    review.refresh_from_db()
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert review.status == ReviewStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"{LIST}{review.pk}/reject/",
            {"reject-seen": "pending", "reject-reason": "It describes a medical result."},
        )

    review.refresh_from_db()
    assert done.status_code == 302
    assert review.status == ReviewStatus.REJECTED
    assert review.rejection_reason == "It describes a medical result."
    assert [m.to for m in mail.outbox] == [["r@example.com"]]
    assert "It describes a medical result." in mail.outbox[0].body


def test_the_transitions_table_is_enforced_and_nothing_changes_when_refused(product):
    unconfirmed = make_review(product, status=ReviewStatus.UNCONFIRMED)
    approved = make_review(product)
    events = ReviewEvent.objects.count()

    with pytest.raises(InvalidTransition):
        review_transition(review=unconfirmed, to=ReviewStatus.APPROVED)
    with pytest.raises(InvalidTransition):
        review_transition(review=approved, to=ReviewStatus.PENDING)
    with pytest.raises(ReviewError):
        review_transition(review=approved, to=ReviewStatus.REJECTED, reason="   ")

    unconfirmed.refresh_from_db()
    approved.refresh_from_db()
    assert unconfirmed.status == ReviewStatus.UNCONFIRMED
    assert approved.status == ReviewStatus.APPROVED
    assert ReviewEvent.objects.count() == events


def test_an_action_not_allowed_or_stale_is_refused_with_409(client, admin, product):
    unconfirmed = make_review(product, status=ReviewStatus.UNCONFIRMED)
    pending = make_review(product, status=ReviewStatus.PENDING)
    review_transition(review=pending, to=ReviewStatus.APPROVED)

    not_allowed = client.post(f"{LIST}{unconfirmed.pk}/approve/", {"approve-seen": "unconfirmed"})
    stale = client.post(
        f"{LIST}{pending.pk}/reject/", {"reject-seen": "pending", "reject-reason": "Spam."}
    )

    unconfirmed.refresh_from_db()
    pending.refresh_from_db()
    assert not_allowed.status_code == 409
    assert "Approve is not possible" in not_allowed.content.decode()
    assert stale.status_code == 409
    assert "changed since this page was opened" in stale.content.decode()
    assert unconfirmed.status == ReviewStatus.UNCONFIRMED
    assert pending.status == ReviewStatus.APPROVED
    assert client.post(f"{LIST}{pending.pk}/delete/", {}).status_code == 404


def test_the_list_filters_by_status_rating_and_verified(client, admin, product):
    line = delivered_order(variants=[product.variants.get()]).lines.get()
    make_review(product, rating=5, title="Five approved")
    make_review(product, rating=2, status=ReviewStatus.PENDING, title="Two pending")
    verified = make_review(product, rating=4, status=ReviewStatus.PENDING, title="Four verified")
    Review.objects.filter(pk=verified.pk).update(order_line=line, email=line.order.email)
    base = {"product": product.pk}

    assert sorted(titles_in(client.get(LIST, {**base, "status": "pending"}))) == [
        "Four verified",
        "Two pending",
    ]
    assert titles_in(client.get(LIST, {**base, "rating": "5"})) == ["Five approved"]
    assert titles_in(client.get(LIST, {**base, "verified": "yes"})) == ["Four verified"]
    assert sorted(titles_in(client.get(LIST, {**base, "verified": "no"}))) == [
        "Five approved",
        "Two pending",
    ]


def test_bulk_approve_and_reject(client, admin, product, django_capture_on_commit_callbacks):
    first = make_review(product, status=ReviewStatus.PENDING)
    second = make_review(product, status=ReviewStatus.PENDING)
    unconfirmed = make_review(product, status=ReviewStatus.UNCONFIRMED)

    approved = client.post(
        f"{LIST}bulk/",
        {"ids": [first.pk, second.pk, unconfirmed.pk], "action": "approve", "next": LIST},
    )

    statuses = dict(Review.objects.filter(product=product).values_list("pk", "status"))
    assert approved.status_code == 302
    assert approved["Location"] == LIST
    assert statuses == {
        first.pk: "approved",
        second.pk: "approved",
        unconfirmed.pk: "unconfirmed",
    }
    followed = client.get(LIST).content.decode()
    assert "2 reviews approved." in followed
    assert f"Review {unconfirmed.pk}" in followed and "skipped" in followed

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rejected = client.post(
            f"{LIST}bulk/",
            {"ids": [first.pk, second.pk], "action": "reject", "reason": "Duplicate account."},
        )

    assert rejected.status_code == 302
    assert set(
        Review.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {"rejected"}
    assert len(mail.outbox) == 2


def test_bulk_reject_without_a_reason_or_a_choice_changes_nothing(client, admin, product):
    review = make_review(product, status=ReviewStatus.PENDING, title="Keep me")

    no_reason = client.post(f"{LIST}bulk/", {"ids": [review.pk], "action": "reject"})
    nothing = client.post(f"{LIST}bulk/", {"action": "approve"})
    junk = client.post(f"{LIST}bulk/", {"ids": ["x", "-1"], "action": "drop-table"})

    review.refresh_from_db()
    assert no_reason.status_code == 400
    assert "Give a reason for rejecting" in no_reason.content.decode()
    assert f'name="ids" value="{review.pk}"' in no_reason.content.decode()
    assert "Keep me" in no_reason.content.decode()
    assert nothing.status_code == 400
    assert "Select at least one review in the list." in nothing.content.decode()
    assert junk.status_code == 400
    assert review.status == ReviewStatus.PENDING


def test_bulk_does_not_redirect_off_the_admin(client, admin, product):
    review = make_review(product, status=ReviewStatus.PENDING)

    response = client.post(
        f"{LIST}bulk/", {"ids": [review.pk], "action": "approve", "next": "https://evil.example/"}
    )

    assert response["Location"] == LIST


def test_moderation_takes_the_change_permission(client, django_user_model, product):
    review = make_review(product, status=ReviewStatus.PENDING)
    editor = django_user_model.objects.create_user(
        email="ed@example.com", password="pw", is_staff=True
    )
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    assert client.get(LIST).status_code == 302
    assert (
        client.post(f"{LIST}{review.pk}/approve/", {"approve-seen": "pending"}).status_code == 302
    )
    assert client.post(f"{LIST}bulk/", {"ids": [review.pk], "action": "approve"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING

    editor.user_permissions.add(Permission.objects.get(codename="change_review"))
    assert client.get(LIST).status_code == 200


def test_the_store_menu_has_reviews(client, admin):
    html = client.get("/admin/").content.decode()

    assert '"name": "reviews"' in html or "Reviews" in html
    assert "/admin/reviews/" in html
