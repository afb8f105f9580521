"""Launch test 28: mass assignment. The sign-up, the affiliate application (with its payout
details), the affiliate's code form and link maker, and the review form are posted with
fields that only staff may set: is_staff, is_superuser, email_verified, groups, user,
commission_rate, status, verified, paid amounts. Pass: every one of them is unchanged (or
takes its default), and the form still does what it is for (ASVS 8.2.3)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from apothecary.affiliates.models import Affiliate, AffiliateStatus
from apothecary.reviews.models import Review, ReviewStatus
from tests.affiliates.builders import make_affiliate
from tests.affiliates.test_signup import application
from tests.helpers import spam_guard
from tests.reviews.builders import form_data
from tests.store import make_product

pytestmark = pytest.mark.django_db


def privileged(user_id: int, affiliate_id: int) -> dict:
    """What an attacker would like to set, in every spelling a form might read."""
    return {
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
        "email_verified": "on",
        "groups": "1",
        "user_permissions": "1",
        "user": str(user_id),
        "user_id": str(user_id),
        "commission_rate": "99.00",
        "status": AffiliateStatus.APPROVED,
        "affiliate": str(affiliate_id),
        "decision_note": "approved by myself",
        "verified": "on",
        "incentivized": "on",
        "brand_reply": "We agree!",
        "pk": "1",
        "id": "1",
    }


@pytest.fixture
def victim():
    return make_affiliate(code="victim", commission_rate=Decimal("10.00"))


def test_signing_up_with_staff_fields_makes_a_plain_customer(client, victim):
    response = client.post(
        "/account/signup/",
        {
            **spam_guard(),
            "email": "mallory@example.com",
            "first_name": "Mallory",
            "last_name": "M",
            "password1": "a long launch password 1",
            "password2": "a long launch password 1",
            **privileged(victim.user.pk, victim.pk),
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(email="mallory@example.com")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert not user.groups.exists() and not user.user_permissions.exists()
    assert getattr(user, "email_verified", False) is False


def test_an_affiliate_application_with_staff_fields_stays_pending_at_the_default_rate(
    client, victim
):
    response = client.post(
        "/affiliates/apply/", application(**privileged(victim.user.pk, victim.pk))
    )

    assert response.status_code == 302
    affiliate = Affiliate.objects.get(email="maya@example.com")
    assert affiliate.status == AffiliateStatus.PENDING
    assert affiliate.commission_rate is None
    assert affiliate.decision_note == ""
    assert affiliate.user.email == "maya@example.com" and affiliate.user != victim.user
    assert (affiliate.user.is_staff, affiliate.user.is_superuser) == (False, False)
    assert affiliate.paypal_email == "pay.maya@example.com"  # the payout details it may set
    victim.refresh_from_db()
    assert (victim.status, victim.commission_rate) == (AffiliateStatus.APPROVED, Decimal("10"))


def test_a_pending_affiliate_cannot_approve_itself_or_touch_another_through_its_forms(
    client, victim
):
    pending = make_affiliate(code="pending", status=AffiliateStatus.PENDING)
    client.force_login(pending.user)
    extra = privileged(victim.user.pk, victim.pk)

    client.post("/affiliates/dashboard/code/", {"code": "pending-two", **extra})
    client.post("/affiliates/dashboard/", {"url": "http://testserver/", **extra})

    pending.refresh_from_db()
    victim.refresh_from_db()
    assert (pending.status, pending.commission_rate) == (AffiliateStatus.PENDING, None)
    assert (pending.user.is_staff, pending.user.is_superuser) == (False, False)
    assert (victim.code, victim.status, victim.commission_rate) == (
        "victim",
        AffiliateStatus.APPROVED,
        Decimal("10"),
    )


def test_an_approved_affiliate_changing_its_code_keeps_its_rate_and_status(client, victim):
    me = make_affiliate(code="me", commission_rate=Decimal("5.00"))
    client.force_login(me.user)

    response = client.post(
        "/affiliates/dashboard/code/", {"code": "me-too", **privileged(victim.user.pk, victim.pk)}
    )

    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.code, me.commission_rate, me.status) == (
        "me-too",
        Decimal("5.00"),
        AffiliateStatus.APPROVED,
    )


def test_a_review_posted_as_approved_and_verified_waits_for_moderation_unverified(client, victim):
    product = make_product()

    response = client.post(
        f"/reviews/write/{product.pk}/", form_data(**privileged(victim.user.pk, victim.pk))
    )

    assert response.status_code == 302
    review = Review.objects.get(product=product)
    assert review.status != ReviewStatus.APPROVED
    assert review.verified is False
    assert review.incentivized is False
    assert review.brand_reply == ""
