"""Referral links, the referral cookie and attribution, through the site as a visitor uses it:
a link, days of browsing, a checkout, a payment."""

import hashlib
import hmac
import logging
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from freezegun import freeze_time

from apothecary.affiliates import referrals
from apothecary.affiliates.models import (
    AffiliateLogin,
    AffiliateStatus,
    Attribution,
    Click,
    CommissionStatus,
    Referral,
    ReferralSource,
)
from apothecary.affiliates.referrals import ip_hash, referral_attach
from apothecary.catalog.models import Variant
from apothecary.checkout.models import ShippingZone
from apothecary.checkout.signals import order_placed
from apothecary.core import consent
from apothecary.core.http import Visitor
from apothecary.orders.models import Order, OrderStatus
from tests.affiliates.builders import make_affiliate, make_coupon, set_program
from tests.helpers import give_consent
from tests.store import make_cart, make_product, make_zone

pytestmark = pytest.mark.django_db

BUYER_IP = "198.51.100.23"
OTHER_IP = "203.0.113.99"
AFFILIATE_IP = "192.0.2.44"
START = "2025-03-03 09:00:00"


@pytest.fixture
def rate(db):
    """Standard shipping, $5.00, to the US, with 10% tax; the only zone."""
    ShippingZone.objects.update(active=False)
    return make_zone(countries="US", tax_rate="10", price="5.00")


@pytest.fixture
def variant(db):
    return Variant.objects.get(product=make_product(variants=((30, "10.00", 1, 50),)))


@pytest.fixture
def program(db):
    """The program's defaults, stated: 15%, a 30-day cookie, last click wins."""
    return set_program(
        commission_rate=Decimal("15.00"),
        cookie_days=30,
        attribution=Attribution.LAST_CLICK,
        burst_clicks=10,
        burst_minutes=10,
        quick_order_seconds=120,
    )


@pytest.fixture
def anna(program):
    return make_affiliate(code="anna")


@pytest.fixture
def bob(program):
    return make_affiliate(code="bob")


@pytest.fixture(autouse=True)
def _marketing_consent(client):
    """These tests follow referral links as a visitor who accepted marketing cookies (consent
    is required by default); the consent tests below take it away."""
    give_consent(client, "marketing")


def visit(client, url, *, ip=BUYER_IP, **headers):
    return client.get(url, REMOTE_ADDR=ip, **headers)


def check_out(
    client, variant, rate, *, ip=BUYER_IP, email="ada@example.com", discount_code="", user=None
):
    """Cart of 2 × $10.00 (the signed-in `user`'s, if given), details, review, place: the
    order, as the checkout made it."""
    cart = make_cart((variant, 2))
    if user is not None:
        cart.user = user
        cart.save()
    session = client.session
    session["cart_token"] = str(cart.token)
    session.save()
    details = {
        "email": email,
        "shipping_name": "Ada Reader",
        "shipping_line1": "1 Main St",
        "shipping_city": "Springfield",
        "shipping_region": "IL",
        "shipping_postcode": "62701",
        "shipping_country": "US",
        "phone": "",
        "billing_same": "on",
        "shipping_rate": str(rate.pk),
        "discount_code": discount_code,
    }
    response = client.post("/checkout/", details, REMOTE_ADDR=ip)
    assert response.status_code == 302, response.content.decode()
    review = client.get("/checkout/review/", REMOTE_ADDR=ip)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', review.content.decode())[1]
    # order_placed goes out once the order is committed: run what the commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        placed = client.post("/checkout/place/", {"idempotency_key": key}, REMOTE_ADDR=ip)
    assert placed.status_code == 302
    return Order.objects.get(idempotency_key=key)


def pay(client, order, *, ip=BUYER_IP) -> Order:
    """Pay with the dummy provider's test form, as the shopper does."""
    url = reverse("payments:pay", args=[order.token])
    assert client.get(url, REMOTE_ADDR=ip).status_code == 200
    response = client.post(
        url,
        {"status": "confirmed", "fraud_status": "accept", "gateway_response": "3ds-disabled"},
        REMOTE_ADDR=ip,
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def new_session(client) -> None:
    """The browser was closed: the session is gone, the long-lived referral cookie stays."""
    client.cookies.pop("sessionid", None)


# --- The link ------------------------------------------------------------------------------


def test_a_referral_link_records_the_click_sets_the_cookie_and_redirects_to_the_clean_url(
    client, anna
):
    response = visit(
        client,
        "/blog/?utm_source=news&ref=ANNA&page=2",
        HTTP_REFERER="https://newsletter.example/issue-7",
        HTTP_USER_AGENT="Mozilla/5.0 (test)",
    )

    assert response.status_code == 302
    assert response["Location"] == "/blog/?utm_source=news&page=2"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    click = Click.objects.get()
    assert (click.affiliate, click.landing_url) == (anna, "/blog/?utm_source=news&page=2")
    assert click.referrer == "https://newsletter.example/issue-7"
    assert click.user_agent == "Mozilla/5.0 (test)"
    assert click.ip_hash == ip_hash(BUYER_IP)
    assert not click.flagged
    cookie = response.cookies["ref"]
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert visit(client, response["Location"]).status_code == 200


def test_the_cookie_lasts_the_affiliates_own_window_when_they_have_one(client, program):
    make_affiliate(code="carla", cookie_days=90)

    response = visit(client, "/?ref=carla")

    assert response["Location"] == "/"
    assert response.cookies["ref"]["max-age"] == 90 * 24 * 60 * 60


@pytest.mark.parametrize(
    "query",
    [
        "ref=nobody",
        "ref=pending-pat",
        "ref=rejected-rita",
        "ref=suspended-sam",
        "ref=" + "a" * 5000,
        "ref=%C3%BCn%C3%AFc%C3%B6de",
        "ref=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "ref=",
        "ref=nobody&ref=other",
        "ref=%00%ff%fe",
    ],
)
def test_unknown_inactive_and_junk_codes_are_ignored_and_the_page_is_still_served(
    client, program, query
):
    make_affiliate(code="pending-pat", status=AffiliateStatus.PENDING)
    make_affiliate(code="rejected-rita", status=AffiliateStatus.REJECTED)
    make_affiliate(code="suspended-sam", status=AffiliateStatus.SUSPENDED)

    response = visit(client, f"/faq/?{query}&lang=en")

    assert response.status_code == 302
    assert response["Location"] == "/faq/?lang=en"
    assert "ref" not in response.cookies
    assert Click.objects.count() == 0
    assert visit(client, response["Location"]).status_code == 200


def test_repeated_ref_parameters_use_the_first_code(client, anna, bob):
    response = visit(client, "/?ref=anna&ref=bob")

    assert response["Location"] == "/"
    assert list(Click.objects.values_list("affiliate__code", flat=True)) == ["anna"]


def test_a_link_to_another_host_is_not_made_from_a_double_slash_path(client, anna):
    # as a server receives "GET //evil.example/?ref=anna HTTP/1.1"
    response = visit(client, "/", PATH_INFO="//evil.example/", QUERY_STRING="ref=anna")

    assert response.status_code == 302
    assert response["Location"] == "/evil.example/"


def test_admin_and_post_requests_are_left_alone(client, anna):
    admin = visit(client, "/admin/login/?ref=anna")
    posted = client.post("/contact/?ref=anna", {}, REMOTE_ADDR=BUYER_IP)

    assert admin.status_code == 302  # the admin's login sends to the site's (allauth)
    assert posted.status_code == 400  # the contact form's own answer to an empty form
    assert Click.objects.count() == 0
    assert "ref" not in client.cookies


# --- Privacy ---------------------------------------------------------------------------------


def test_the_raw_ip_is_stored_nowhere_only_its_keyed_hash(client, anna, variant, rate):
    visit(client, "/?ref=anna")
    pay(client, check_out(client, variant, rate))
    anna_client = Client()
    anna_client.post(
        "/account/login/",
        {"login": "anna@affiliate.example", "password": "pw-affiliate-1"},
        REMOTE_ADDR=BUYER_IP,
    )

    rows = [
        *Click.objects.values(),
        *Referral.objects.values(),
        *AffiliateLogin.objects.values(),
    ]
    assert len(rows) == 3
    assert all(BUYER_IP not in str(value) for row in rows for value in row.values())
    expected = ip_hash(BUYER_IP)
    assert re.fullmatch(r"[0-9a-f]{64}", expected)
    assert {row["ip_hash"] for row in rows} == {expected}


def test_the_ip_hash_is_hmac_sha256_under_the_configured_salt(settings):
    settings.AFFILIATE_IP_SALT = "pepper"
    salted = ip_hash(BUYER_IP)
    settings.AFFILIATE_IP_SALT = ""
    derived = ip_hash(BUYER_IP)

    assert salted == hmac.new(b"pepper", BUYER_IP.encode(), hashlib.sha256).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", derived)
    assert derived not in (salted, hashlib.sha256(BUYER_IP.encode()).hexdigest())
    assert ip_hash(OTHER_IP) != derived


def test_without_marketing_consent_the_click_counts_but_no_cookie_is_set(client, anna, settings):
    settings.CONSENT_REQUIRED = True
    give_consent(client, "preferences", "analytics")

    response = visit(client, "/?ref=anna")

    assert response.status_code == 302 and response["Location"] == "/"
    assert Click.objects.filter(affiliate=anna).count() == 1
    assert "ref" not in response.cookies


def test_with_no_consent_cookie_at_all_no_referral_cookie_is_set(client, anna, settings):
    settings.CONSENT_REQUIRED = True
    del client.cookies[settings.CONSENT_COOKIE_NAME]

    response = visit(client, "/?ref=anna")

    assert Click.objects.filter(affiliate=anna).count() == 1
    assert "ref" not in response.cookies


def test_with_marketing_consent_the_cookie_is_set(client, anna, settings):
    settings.CONSENT_REQUIRED = True
    give_consent(client, "marketing")

    response = visit(client, "/?ref=anna")

    assert response.cookies["ref"].value
    assert Click.objects.filter(affiliate=anna).count() == 1


def test_consent_allows_everything_when_the_site_does_not_ask(settings):
    request = RequestFactory().get("/")
    settings.CONSENT_REQUIRED = False
    assert consent.allows(request, "marketing") is True
    settings.CONSENT_REQUIRED = True
    assert consent.allows(request, "marketing") is False
    request.COOKIES["cookie_consent"] = consent.encode(
        version=settings.CONSENT_POLICY_VERSION, record_id=uuid.uuid4(), categories=["analytics"]
    )
    assert consent.allows(request, "marketing") is False
    assert consent.allows(request, " Analytics ") is True


# --- Attribution -----------------------------------------------------------------------------


def test_a_click_then_a_purchase_days_later_in_a_new_session_earns_the_commission(
    client, anna, variant, rate
):
    with freeze_time(START) as frozen:
        visit(client, "/blog/?ref=anna")
        frozen.tick(timedelta(days=12))
        new_session(client)
        visit(client, "/order/")

        order = pay(client, check_out(client, variant, rate))

    referral = Referral.objects.get(order=order)
    assert (referral.affiliate, referral.source) == (anna, ReferralSource.LINK)
    assert referral.click == Click.objects.get()
    assert referral.ip_hash == ip_hash(BUYER_IP)
    assert (referral.self_referral, referral.flag_reason) == (False, "")
    # 2 × $10.00 = $20.00 of goods; shipping $5.00 and tax $2.50 earn nothing: 15% = $3.00
    assert order.total == Decimal("27.50")
    commission = order.commissions.get()
    assert (commission.affiliate, commission.status) == (anna, CommissionStatus.PENDING)
    assert (commission.base_amount, commission.amount) == (Decimal("20.00"), Decimal("3.00"))
    assert (commission.currency, commission.flagged) == ("USD", False)


def test_a_purchase_after_the_programs_window_is_nobodys(client, anna, variant, rate):
    set_program(cookie_days=7)
    with freeze_time(START) as frozen:
        visit(client, "/?ref=anna")
        frozen.tick(timedelta(days=7, minutes=1))

        order = pay(client, check_out(client, variant, rate))

    assert not Referral.objects.filter(order=order).exists()
    assert order.commissions.count() == 0


def test_a_purchase_just_inside_the_programs_window_counts(client, anna, variant, rate):
    set_program(cookie_days=7)
    with freeze_time(START) as frozen:
        visit(client, "/?ref=anna")
        frozen.tick(timedelta(days=6, hours=23))

        order = check_out(client, variant, rate)

    assert order.referral.affiliate == anna


def test_the_affiliates_own_window_overrides_the_programs(client, program, variant, rate):
    short = make_affiliate(code="shortie", cookie_days=2)
    with freeze_time(START) as frozen:
        visit(client, "/?ref=shortie")
        frozen.tick(timedelta(days=3))
        late = check_out(client, variant, rate)
        visit(client, "/?ref=shortie")
        frozen.tick(timedelta(days=1))
        in_time = check_out(client, variant, rate)

    assert not Referral.objects.filter(order=late).exists()
    assert in_time.referral.affiliate == short


def test_last_click_wins_by_default(client, anna, bob, variant, rate):
    with freeze_time(START) as frozen:
        visit(client, "/?ref=anna")
        frozen.tick(timedelta(days=2))
        visit(client, "/?ref=bob")

        order = check_out(client, variant, rate)

    assert order.referral.affiliate == bob
    assert order.referral.click.affiliate == bob


def test_first_click_keeps_the_order_for_the_first_affiliate(client, anna, bob, variant, rate):
    set_program(attribution=Attribution.FIRST_CLICK)
    with freeze_time(START) as frozen:
        visit(client, "/?ref=anna")
        frozen.tick(timedelta(days=2))
        second = visit(client, "/?ref=bob")

        order = check_out(client, variant, rate)

    assert "ref" not in second.cookies
    assert order.referral.affiliate == anna
    assert sorted(Click.objects.values_list("affiliate__code", flat=True)) == ["anna", "bob"]


def test_first_click_lets_the_next_affiliate_in_once_the_first_window_has_passed(
    client, anna, bob, variant, rate
):
    set_program(attribution=Attribution.FIRST_CLICK, cookie_days=5)
    with freeze_time(START) as frozen:
        visit(client, "/?ref=anna")
        frozen.tick(timedelta(days=6))
        visit(client, "/?ref=bob")

        order = check_out(client, variant, rate)

    assert order.referral.affiliate == bob


def test_a_suspended_affiliates_cookie_earns_nothing(client, anna, variant, rate):
    visit(client, "/?ref=anna")
    anna.__class__.objects.filter(pk=anna.pk).update(status=AffiliateStatus.SUSPENDED)

    order = check_out(client, variant, rate)

    assert not Referral.objects.filter(order=order).exists()


def test_an_affiliates_coupon_attributes_the_order_without_any_cookie(client, anna, variant, rate):
    make_coupon(affiliate=anna, code="ANNA10")

    order = pay(client, check_out(client, variant, rate, discount_code="anna10"))

    referral = order.referral
    assert (referral.affiliate, referral.source, referral.click) == (
        anna,
        ReferralSource.COUPON,
        None,
    )
    # $20.00 − 10% = $18.00 of goods; 15% = $2.70
    assert order.commissions.get().amount == Decimal("2.70")


def test_an_affiliates_coupon_beats_another_affiliates_cookie(client, anna, bob, variant, rate):
    make_coupon(affiliate=anna, code="ANNA10")
    visit(client, "/?ref=bob")

    order = check_out(client, variant, rate, discount_code="ANNA10")

    assert (order.referral.affiliate, order.referral.source) == (anna, ReferralSource.COUPON)


def test_a_suspended_affiliates_coupon_falls_back_to_the_cookie(client, anna, bob, variant, rate):
    make_coupon(affiliate=anna, code="ANNA10")
    anna.__class__.objects.filter(pk=anna.pk).update(status=AffiliateStatus.SUSPENDED)
    visit(client, "/?ref=bob")

    order = check_out(client, variant, rate, discount_code="ANNA10")

    assert (order.referral.affiliate, order.referral.source) == (bob, ReferralSource.LINK)


def test_buying_through_your_own_link_with_your_email_earns_nothing_and_is_recorded(
    client, anna, variant, rate
):
    visit(client, "/?ref=anna")

    order = pay(client, check_out(client, variant, rate, email="ANNA@affiliate.example"))

    assert order.referral.self_referral is True
    commission = order.commissions.get()
    assert (commission.status, commission.amount, commission.note) == (
        CommissionStatus.REJECTED,
        Decimal("0.00"),
        "Self-referral",
    )
    assert list(commission.events.values_list("to_status", "message")) == [
        ("pending", f"Order {order.number} paid"),
        ("rejected", "Self-referral: the order's email is the affiliate's own"),
    ]


def test_buying_through_your_own_link_signed_in_with_another_email_earns_nothing(
    client, anna, variant, rate
):
    client.post(
        "/account/login/",
        {"login": "anna@affiliate.example", "password": "pw-affiliate-1"},
        REMOTE_ADDR=OTHER_IP,
    )
    visit(client, "/?ref=anna")

    order = pay(
        client,
        check_out(client, variant, rate, email="someone.else@example.com", user=anna.user),
    )

    assert order.user == anna.user
    assert order.referral.self_referral is True
    assert order.commissions.get().status == CommissionStatus.REJECTED


def test_order_placed_sent_twice_makes_one_referral(client, anna, variant, rate):
    visit(client, "/?ref=anna")
    order = check_out(client, variant, rate)
    visitor = Visitor(
        ip=BUYER_IP, cookies={name: morsel.value for name, morsel in client.cookies.items()}
    )

    order_placed.send(sender=Order, order=order, visitor=visitor)
    again = referral_attach(order=order, visitor=visitor)

    assert Referral.objects.filter(order=order).count() == 1
    assert again == order.referral


def test_a_placed_order_without_a_link_or_coupon_has_no_referral(client, anna, variant, rate):
    order = pay(client, check_out(client, variant, rate))

    assert not Referral.objects.filter(order=order).exists()
    assert order.commissions.count() == 0


def test_a_forged_cookie_is_ignored(client, anna, variant, rate):
    client.cookies["ref"] = f"{anna.pk}:1:9999999999"

    order = check_out(client, variant, rate)

    assert not Referral.objects.filter(order=order).exists()


def test_an_affiliate_error_is_logged_and_the_checkout_goes_on(
    client, anna, variant, rate, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("affiliate database on fire")

    monkeypatch.setattr(referrals, "referral_attach", broken)
    visit(client, "/?ref=anna")

    with caplog.at_level(logging.ERROR, logger="apothecary.affiliates.receivers"):
        order = pay(client, check_out(client, variant, rate))

    assert order.status == OrderStatus.PAID
    assert not Referral.objects.filter(order=order).exists()
    assert [r.getMessage() for r in caplog.records] == [
        f"referral not attached to order {order.number}"
    ]
    assert "affiliate database on fire" in caplog.text


# --- Fraud signals ---------------------------------------------------------------------------


def test_one_visitor_going_from_link_to_link_is_flagged_from_the_burst_on(client, program):
    set_program(burst_clicks=3, burst_minutes=10)
    for code in ("cara", "dan", "eve", "fay"):
        make_affiliate(code=code)
    with freeze_time(START) as frozen:
        visit(client, "/?ref=cara")
        frozen.tick(timedelta(minutes=11))
        visit(client, "/?ref=dan")
        visit(client, "/?ref=dan")  # the same link again: the same click
        visit(client, "/?ref=eve", ip=OTHER_IP)
        frozen.tick(timedelta(minutes=4))
        visit(client, "/?ref=eve")
        assert not Click.objects.filter(flagged=True).exists()
        frozen.tick(timedelta(minutes=4))

        visit(client, "/?ref=fay")

    flagged = Click.objects.get(flagged=True)
    assert (flagged.affiliate.code, flagged.ip_hash) == ("fay", ip_hash(BUYER_IP))
    assert flagged.flag_reason == "3 referral links from one visitor within 10 minutes"
    # cara's (too early), dan's and eve's (before the burst), the other IP's: left as they were
    assert Click.objects.filter(flagged=False).count() == 4


def test_a_quick_order_from_the_affiliates_sign_in_ip_is_flagged_and_never_auto_approved(
    anna, variant, rate
):
    from apothecary.affiliates.services import commissions_approve_due

    with freeze_time(START) as frozen:
        signed_in = Client()
        signed_in.post(
            "/account/login/",
            {"login": "anna@affiliate.example", "password": "pw-affiliate-1"},
            REMOTE_ADDR=AFFILIATE_IP,
        )
        assert AffiliateLogin.objects.filter(affiliate=anna).count() == 1
        shopper = give_consent(Client(), "marketing")
        visit(shopper, "/?ref=anna", ip=AFFILIATE_IP)
        frozen.tick(timedelta(seconds=45))

        order = pay(shopper, check_out(shopper, variant, rate, ip=AFFILIATE_IP), ip=AFFILIATE_IP)
        frozen.tick(timedelta(days=365))
        approved = commissions_approve_due()

    assert order.referral.flag_reason.startswith("Ordered 45 seconds after the click")
    commission = order.commissions.get()
    assert approved == 0
    assert (commission.status, commission.flagged) == (CommissionStatus.PENDING, True)
    assert commission.flag_reason == order.referral.flag_reason
    assert commission.amount == Decimal("3.00")


def test_a_quick_order_from_another_ip_is_not_flagged(anna, variant, rate):
    with freeze_time(START) as frozen:
        Client().post(
            "/account/login/",
            {"login": "anna@affiliate.example", "password": "pw-affiliate-1"},
            REMOTE_ADDR=AFFILIATE_IP,
        )
        shopper = give_consent(Client(), "marketing")
        visit(shopper, "/?ref=anna", ip=BUYER_IP)
        frozen.tick(timedelta(seconds=45))

        order = pay(shopper, check_out(shopper, variant, rate, ip=BUYER_IP), ip=BUYER_IP)

    assert order.referral.flag_reason == ""
    assert order.commissions.get().flagged is False


def test_an_order_from_the_sign_in_ip_long_after_the_click_is_not_flagged(anna, variant, rate):
    with freeze_time(START) as frozen:
        Client().post(
            "/account/login/",
            {"login": "anna@affiliate.example", "password": "pw-affiliate-1"},
            REMOTE_ADDR=AFFILIATE_IP,
        )
        shopper = give_consent(Client(), "marketing")
        visit(shopper, "/?ref=anna", ip=AFFILIATE_IP)
        frozen.tick(timedelta(minutes=30))

        order = check_out(shopper, variant, rate, ip=AFFILIATE_IP)

    assert order.referral.flag_reason == ""


def test_an_affiliates_sign_in_ips_are_remembered_once_each_and_customers_are_not(anna):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(email="cus@example.com", password="pw-customer-1")

    def sign_in(email, password, ip):
        response = Client().post(
            "/account/login/", {"login": email, "password": password}, REMOTE_ADDR=ip
        )
        assert response.status_code == 302

    with freeze_time(START) as frozen:
        sign_in("anna@affiliate.example", "pw-affiliate-1", AFFILIATE_IP)
        frozen.tick(timedelta(days=1))
        sign_in("anna@affiliate.example", "pw-affiliate-1", AFFILIATE_IP)
        sign_in("anna@affiliate.example", "pw-affiliate-1", OTHER_IP)
        sign_in("cus@example.com", "pw-customer-1", BUYER_IP)

    logins = AffiliateLogin.objects.order_by("pk")
    assert [(row.affiliate, row.ip_hash) for row in logins] == [
        (anna, ip_hash(AFFILIATE_IP)),
        (anna, ip_hash(OTHER_IP)),
    ]
    assert logins[0].last_seen.isoformat() == "2025-03-04T09:00:00+00:00"
