"""Launch test 19: skipped steps and open redirects.

- The success URL (checkout:done, where Stripe and the dummy provider send the shopper
  back, with or without Stripe's session_id) requested for an unpaid order, or with another
  order's session id: the page shows the status only and nothing is marked paid (Stripe's
  fulfillment guide: fulfil from the webhook, never from the redirect).
- The checkout's steps cannot be skipped: review and place without details, place by GET.
- ?next= / ?to= / any redirect parameter naming another host (https://evil.example,
  //evil.example, /\\evil.example, javascript:) is refused at login, logout, the admin's
  login, cart add, the order's email form and the referral links (ASVS 3.7.2)."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from payments import PaymentStatus

from apothecary.orders.models import Order, OrderStatus
from apothecary.payments.services import payment_start
from tests.affiliates.builders import make_affiliate
from tests.store import as_buyer, make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
]
PASSWORD = "a long launch password 1"


def off_site(location: str) -> bool:
    """Whether a browser would leave the site following this Location."""
    location = location.replace("\\", "/").strip()
    parts = urlsplit(location)
    if parts.scheme and not location.lower().startswith(f"{parts.scheme}://"):
        return True  # "https:evil.example": a browser may read the host from it
    return bool(parts.netloc and parts.hostname != "testserver") or parts.scheme not in (
        "",
        "http",
        "https",
    )


def test_off_site_tells_an_external_address():
    assert all(off_site(url) for url in ELSEWHERE)
    assert not any(off_site(url) for url in ("/", "/account/", "http://testserver/cart/"))


@pytest.fixture
def unpaid():
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    return place_order(cart=make_cart((variant, 1)), rate=make_zone(), email="ada@example.com")


@pytest.mark.parametrize("query", ["", "?session_id=cs_test_of_another_order", "?paid=1"])
def test_the_success_url_of_an_unpaid_order_shows_its_status_and_pays_nothing(
    client, unpaid, query
):
    payment = payment_start(order=unpaid)

    stranger = client.get(f"/checkout/done/{unpaid.token}/{query}")
    buyer = as_buyer(Client(), unpaid).get(f"/checkout/done/{unpaid.token}/{query}")

    assert stranger.status_code == buyer.status_code == 200
    assert "Status: Awaiting payment." in stranger.content.decode()
    assert "Status: Awaiting payment." in buyer.content.decode()
    assert "ada@example.com" not in stranger.content.decode()
    assert "1 Main St" not in stranger.content.decode()
    unpaid.refresh_from_db()
    payment.refresh_from_db()
    assert (unpaid.status, unpaid.paid_at) == (OrderStatus.PENDING_PAYMENT, None)
    assert payment.status == PaymentStatus.WAITING


def test_the_success_url_with_another_orders_paid_stripe_session_pays_nothing(client, unpaid):
    other = place_order(
        cart=make_cart((make_product().variants.get(), 1)), rate=make_zone(), email="b@example.com"
    )
    paid = payment_start(order=other)
    paid.transaction_id = "cs_test_paid_by_b"
    paid.save(update_fields=["transaction_id"])
    paid.change_status(PaymentStatus.CONFIRMED)

    response = as_buyer(client, unpaid).get(
        f"/checkout/done/{unpaid.token}/?session_id=cs_test_paid_by_b"
    )

    assert "Status: Awaiting payment." in response.content.decode()
    unpaid.refresh_from_db()
    assert unpaid.status == OrderStatus.PENDING_PAYMENT
    assert Order.objects.get(pk=other.pk).status == OrderStatus.PAID


def test_the_checkout_steps_cannot_be_skipped(client):
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    orders = Order.objects.count()
    client.post("/cart/add/", {"variant": variant.pk}, HTTP_ORIGIN="http://testserver")

    review = client.get("/checkout/review/")
    place_get = client.get("/checkout/place/")
    place = client.post("/checkout/place/", {"idempotency_key": "made-up"})

    assert (review.status_code, review["Location"]) == (302, "/checkout/")
    assert place_get.status_code == 405
    assert (place.status_code, place["Location"]) == (302, "/checkout/")
    assert Order.objects.count() == orders


@pytest.fixture
def shopper(django_user_model):
    return django_user_model.objects.create_user(email="shopper@example.com", password=PASSWORD)


@pytest.mark.parametrize("target", ELSEWHERE)
@pytest.mark.parametrize("parameter", ["next", "to", "redirect_to", "return_to"])
def test_login_never_sends_to_another_host(client, shopper, target, parameter):
    response = client.post(
        f"/account/login/?{parameter}={target}",
        {"login": shopper.email, "password": PASSWORD, parameter: target},
    )

    assert response.status_code == 302
    assert not off_site(response["Location"]), response["Location"]
    assert response["Location"] == "/account/"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_logout_never_sends_to_another_host(client, shopper, target):
    client.force_login(shopper)

    response = client.post(f"/account/logout/?next={target}", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_admin_login_never_sends_to_another_host(client, target, django_user_model):
    django_user_model.objects.create_superuser(email="boss@example.com", password=PASSWORD)

    response = client.post(
        f"/admin/login/?next={target}",
        {"username": "boss@example.com", "password": PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert not off_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_cart_add_goes_to_the_cart_whatever_it_is_told(client, target):
    variant = make_product().variants.get()

    response = client.post(
        f"/cart/add/?next={target}",
        {"variant": variant.pk, "next": target, "to": target},
        HTTP_ORIGIN="http://testserver",
        HTTP_REFERER=target if target.startswith("http") else "http://testserver/",
    )

    assert (response.status_code, response["Location"]) == (302, "/cart/")


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_orders_email_form_goes_back_only_to_the_orders_own_pages(client, unpaid, target):
    response = client.post(
        f"/orders/{unpaid.token}/confirm-email/?next={target}",
        {"email": unpaid.email, "next": target},
    )

    assert response.status_code == 400  # "next" names one of the order's pages, nothing else
    right = client.post(
        f"/orders/{unpaid.token}/confirm-email/", {"email": unpaid.email, "next": "pay"}
    )
    assert right["Location"] == f"/payments/pay/{unpaid.token}/"


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/", "//evil.example/%2F.."])
def test_a_referral_link_and_a_missing_slash_stay_on_the_site(client, path):
    make_affiliate(code="anna")

    referral = client.get(f"{path}?ref=anna")
    slashless = client.get(path.rstrip("/"))

    assert referral.status_code == 302
    assert not off_site(referral["Location"]), referral["Location"]
    if slashless.status_code in (301, 302):
        assert not off_site(slashless["Location"]), slashless["Location"]
