"""Launch test 24: the attribution cookie.

- Only a top-level GET navigation to /r/<code> with a valid code sets it: an <img>, a
  fetch() or a frame on another site pointing at the link sets nothing, and neither does a
  POST or an unknown code.
- It is signed; a tampered or unsigned value is ignored. Its lifetime is the configured
  window, in the browser (Max-Age) and on the server (the time inside the value).
- Attribution is last click, and the same clicks always give the same answer.
- Commissions are held (pending) for at least the return window."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from freezegun import freeze_time
from wagtail.models import Site

from apothecary.affiliates.models import Attribution, Click, CommissionStatus
from apothecary.affiliates.referrals import COOKIE_SALT, referral_attach
from apothecary.affiliates.services import commissions_approve_due
from apothecary.core.http import Visitor
from apothecary.orders.models import OrderStatus, ReturnPolicySettings
from apothecary.orders.services import order_deliver, order_ship
from apothecary.payments.models import PaymentStatus
from apothecary.payments.services import payment_start
from tests.affiliates.builders import make_affiliate, set_program
from tests.helpers import give_consent
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

IP = "198.51.100.40"
PAGE = {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}


@pytest.fixture(autouse=True)
def _marketing_consent(client):
    """The visitors here accepted marketing cookies (consent is required by default)."""
    give_consent(client, "marketing")


@pytest.fixture
def program(db):
    return set_program(
        cookie_days=30, attribution=Attribution.LAST_CLICK, commission_rate=Decimal("15.00")
    )


@pytest.fixture
def anna(program):
    return make_affiliate(code="anna")


@pytest.fixture
def bob(program):
    return make_affiliate(code="bob")


@pytest.fixture
def shop(db):
    product = make_product(title="Cookie Patch", variants=((30, "10.00", 1, 50),))
    return product.variants.get(), make_zone(countries="US", tax_rate="0", price="5.00")


def order_from(browser: Client, shop, *, cookie=None):
    """An order placed by this browser's visitor, attributed as the checkout does."""
    variant, rate = shop
    order = place_order(cart=make_cart((variant, 1)), rate=rate, email="ada@example.com")
    if cookie is None:
        cookie = browser.cookies["ref"].value if "ref" in browser.cookies else ""
    referral_attach(order=order, visitor=Visitor(ip=IP, cookies={"ref": cookie}))
    return order


def whose(order) -> str | None:
    referral = getattr(order, "referral", None)
    return referral.affiliate.code if referral else None


# --- Who may set it --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/r/anna", "/r/ANNA/"])
def test_a_page_navigation_to_the_link_sets_a_signed_cookie_for_the_window(client, anna, path):
    response = client.get(path, REMOTE_ADDR=IP, **PAGE)

    assert (response.status_code, response["Location"]) == (302, "/")
    cookie = response.cookies["ref"]
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")
    value = Visitor(cookies={"ref": cookie.value}).signed_cookie("ref", salt=COOKIE_SALT)
    assert value.split(":")[:2] == [str(anna.pk), str(Click.objects.get().pk)]
    assert cookie.value.startswith(value + ":")  # the value, then Django's signature
    assert Click.objects.filter(affiliate=anna).count() == 1


def test_an_old_browser_that_sends_no_fetch_metadata_is_believed(client, anna):
    response = client.get("/r/anna", REMOTE_ADDR=IP)

    assert response.cookies["ref"].value


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_MODE": "no-cors", "HTTP_SEC_FETCH_DEST": "image"},  # <img src>
        {"HTTP_SEC_FETCH_MODE": "cors", "HTTP_SEC_FETCH_DEST": "empty"},  # fetch()
        {"HTTP_SEC_FETCH_MODE": "no-cors", "HTTP_SEC_FETCH_DEST": "script"},  # <script src>
        {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "iframe"},  # a frame
        {"HTTP_SEC_FETCH_MODE": "no-cors"},
        {"HTTP_SEC_FETCH_DEST": "image"},
    ],
    ids=["img", "fetch", "script", "iframe", "mode-only", "dest-only"],
)
def test_an_embedded_request_from_another_site_sets_no_cookie_and_counts_no_click(
    client, anna, headers
):
    response = client.get("/r/anna", REMOTE_ADDR=IP, HTTP_SEC_FETCH_SITE="cross-site", **headers)
    with_query = client.get("/?ref=anna", REMOTE_ADDR=IP, **headers)

    assert response.status_code == with_query.status_code == 302
    assert "ref" not in response.cookies and "ref" not in with_query.cookies
    assert Click.objects.count() == 0


def test_a_post_or_an_unknown_code_sets_no_cookie(client, anna):
    posted = client.post("/r/anna", REMOTE_ADDR=IP, **PAGE)
    unknown = client.get("/r/nobody", REMOTE_ADDR=IP, **PAGE)
    junk = client.get("/r/%3Cscript%3E", REMOTE_ADDR=IP, **PAGE)

    assert posted.status_code != 302 and "ref" not in posted.cookies
    assert (unknown.status_code, unknown["Location"]) == (302, "/")
    assert "ref" not in unknown.cookies and "ref" not in junk.cookies
    assert Click.objects.count() == 0


# --- What it is worth ------------------------------------------------------------------------


def test_a_tampered_or_unsigned_cookie_is_ignored(client, anna, bob, shop):
    client.get("/r/anna", REMOTE_ADDR=IP, **PAGE)
    genuine = client.cookies["ref"].value
    value, signed_at, signature = genuine.rsplit(":", 2)
    _, click_id, stamp = value.split(":")
    as_bob = f"{bob.pk}:{click_id}:{stamp}:{signed_at}:{signature}"

    assert whose(order_from(client, shop, cookie=as_bob)) is None
    assert whose(order_from(client, shop, cookie=f"{bob.pk}:0:{stamp}")) is None
    assert whose(order_from(client, shop, cookie=genuine[:-1] + "x")) is None
    assert whose(order_from(client, shop, cookie=genuine)) == "anna"


def test_the_cookie_counts_for_the_window_and_not_a_minute_more(anna, shop):
    with freeze_time("2026-06-01 12:00") as frozen:
        browser = give_consent(Client(), "marketing")
        browser.get("/r/anna", REMOTE_ADDR=IP, **PAGE)
        frozen.tick(timedelta(days=30) - timedelta(minutes=1))
        assert whose(order_from(browser, shop)) == "anna"
        frozen.tick(timedelta(minutes=2))
        # a browser that kept the cookie longer than its Max-Age gains nothing
        assert whose(order_from(browser, shop)) is None


def test_the_last_click_wins_and_the_same_clicks_always_give_the_same_answer(anna, bob, shop):
    answers = []
    for _ in range(3):
        with freeze_time("2026-06-01 12:00") as frozen:
            browser = give_consent(Client(), "marketing")
            for code in ("anna", "bob", "anna", "bob"):
                browser.get(f"/r/{code}", REMOTE_ADDR=IP, **PAGE)
                frozen.tick(timedelta(hours=1))
            answers.append(whose(order_from(browser, shop)))
            browser.get("/r/anna", REMOTE_ADDR=IP, **PAGE)
            answers.append(whose(order_from(browser, shop)))

    assert answers == ["bob", "anna"] * 3


def test_an_embedded_request_does_not_replace_the_last_clicked_affiliate(anna, bob, shop):
    browser = give_consent(Client(), "marketing")
    browser.get("/r/anna", REMOTE_ADDR=IP, **PAGE)
    browser.get(
        "/r/bob", REMOTE_ADDR=IP, HTTP_SEC_FETCH_MODE="no-cors", HTTP_SEC_FETCH_DEST="image"
    )

    assert whose(order_from(browser, shop)) == "anna"


# --- How long it is held ---------------------------------------------------------------------


@pytest.mark.parametrize("window", [14, 30, 60])
def test_a_commission_stays_pending_for_the_whole_return_window(anna, shop, window):
    policy = ReturnPolicySettings.for_site(Site.objects.get(is_default_site=True))
    policy.return_window_days = window
    policy.save()
    with freeze_time("2026-06-01 12:00") as frozen:
        browser = give_consent(Client(), "marketing")
        browser.get("/r/anna", REMOTE_ADDR=IP, **PAGE)
        order = order_from(browser, shop)
        payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        frozen.tick(timedelta(days=3))
        order_ship(order=order, carrier="USPS", tracking_number="9400")
        frozen.tick(timedelta(days=2))
        order_deliver(order=order)
        frozen.tick(timedelta(days=window) - timedelta(minutes=1))
        assert commissions_approve_due() == 0
        assert order.commissions.get().status == CommissionStatus.PENDING
        frozen.tick(timedelta(minutes=2))
        assert commissions_approve_due() == 1

    commission = order.commissions.get()
    assert commission.status == CommissionStatus.APPROVED
    assert commission.approved_at - order.delivered_at >= timedelta(days=window)
    assert commission.amount == Decimal("1.50")  # 15% of $10.00
