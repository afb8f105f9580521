"""The referral cookie waits for marketing consent, given through the banner's own form;
an affiliate's coupon code credits them without any cookie or consent."""

import pytest
from django.test import Client

from apothecary.affiliates.models import Click, ReferralSource
from tests.affiliates.builders import make_affiliate, make_coupon, set_program
from tests.affiliates.test_tracking import BUYER_IP, check_out, pay, rate, variant  # noqa: F401

pytestmark = pytest.mark.django_db

NAVIGATE = {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}


@pytest.fixture
def anna(db):
    set_program(cookie_days=30)
    return make_affiliate(code="anna")


@pytest.fixture
def visitor():
    return Client(headers={"Origin": "http://testserver"})


def choose(client, choice, **headers):
    response = client.post("/consent/", {"choice": choice, "next": "/"}, **headers)
    assert response.status_code == 303
    return response


def follow_link(client, **headers):
    response = client.get("/r/anna", REMOTE_ADDR=BUYER_IP, **NAVIGATE, **headers)
    assert response.status_code == 302
    return response


def test_before_any_choice_the_click_counts_but_no_referral_cookie_is_set(visitor, anna):
    response = follow_link(visitor)
    assert "ref" not in response.cookies
    assert Click.objects.filter(affiliate=anna).count() == 1


def test_after_reject_all_no_referral_cookie_is_set(visitor, anna):
    choose(visitor, "reject")
    assert "ref" not in follow_link(visitor).cookies


def test_after_choosing_everything_but_marketing_no_referral_cookie_is_set(visitor, anna):
    visitor.post(
        "/consent/",
        {"choice": "save", "categories": ["preferences", "analytics"], "next": "/"},
    )
    assert "ref" not in follow_link(visitor).cookies


def test_after_accept_all_the_referral_cookie_is_set(visitor, anna):
    choose(visitor, "accept")
    assert follow_link(visitor).cookies["ref"].value


def test_global_privacy_control_keeps_the_referral_cookie_away_even_after_accept_all(visitor, anna):
    choose(visitor, "accept", HTTP_SEC_GPC="1")
    assert "ref" not in follow_link(visitor, HTTP_SEC_GPC="1").cookies


def test_a_new_policy_version_asks_again_and_refuses_until_then(visitor, anna, settings):
    choose(visitor, "accept")
    settings.CONSENT_POLICY_VERSION = "2"
    assert "ref" not in follow_link(visitor).cookies


def test_the_coupon_code_credits_the_affiliate_without_consent_or_cookie(
    visitor,
    anna,
    variant,  # noqa: F811
    rate,  # noqa: F811
):
    make_coupon(affiliate=anna, code="ANNA10")
    choose(visitor, "reject")
    assert "ref" not in follow_link(visitor).cookies

    order = pay(visitor, check_out(visitor, variant, rate, discount_code="ANNA10"))

    assert "ref" not in visitor.cookies
    assert (order.referral.affiliate, order.referral.source) == (anna, ReferralSource.COUPON)
    assert order.commissions.get().affiliate == anna
