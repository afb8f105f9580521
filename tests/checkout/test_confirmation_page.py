"""The confirmation page and the footer lead a shopper on: to the order lookup and back to
the shop. "Thank you!" is said to the session that placed the order; a lookup of the same
order later (or any other visit) says in its heading where the order stands instead."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client

from apothecary.catalog.models import Variant
from apothecary.checkout.models import ShippingZone
from apothecary.orders.models import Order
from apothecary.orders.services import order_mark_paid, order_ship
from tests.checkout.test_checkout_views import key_of, to_review
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate(db):
    ShippingZone.objects.update(active=False)
    return make_zone(countries="US, CA", tax_rate="10", price="5.00")


@pytest.fixture
def variant(db):
    product = make_product(title="Test Patch", variants=((30, "10.00", 1, 20),))
    return Variant.objects.get(product=product)


def page(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def said(soup) -> str:
    return soup.get_text(" ", strip=True)


def links(soup, selector="main") -> dict[str, str]:
    return {a.get_text(" ", strip=True): a["href"] for a in soup.select(f"{selector} a[href]")}


def placed_by(client, variant, rate) -> Order:
    """An order placed through the checkout by `client`'s session, then paid."""
    review = to_review(client, make_cart((variant, 1)), rate, email="zoe@example.com")
    client.post("/checkout/place/", {"idempotency_key": key_of(review)})
    order = Order.objects.get(email="zoe@example.com")
    order_mark_paid(order=order)
    return order


def test_the_confirmation_thanks_the_buyer_and_links_on(client, rate, variant):
    order = placed_by(client, variant, rate)

    soup = page(client.get(f"/checkout/done/{order.token}/"))

    assert soup.h1.get_text(strip=True) == f"Order {order.number}"
    assert "Status: Paid. Thank you!" in said(soup)
    assert links(soup)["Keep shopping"] == "/order/"
    assert links(soup)["Find an order"] == "/orders/lookup/"


def test_a_lookup_of_a_paid_order_names_its_state_without_thanks(client, rate, variant):
    order = placed_by(client, variant, rate)
    later = Client()  # another browser, the next day

    found = later.post("/orders/lookup/", {"number": order.number, "email": order.email})
    soup = page(later.get(found["Location"]))

    assert soup.h1.get_text(strip=True) == f"Order {order.number}: paid, not shipped yet"
    assert "Thank you" not in said(soup)
    assert "Status: Paid. We will email you when your order ships." in said(soup)
    assert links(soup)["Keep shopping"] == "/order/"


def test_a_shipped_order_says_so_in_its_heading(client, rate, variant):
    order = place_order(cart=make_cart((variant, 1)), rate=rate)
    order_mark_paid(order=order)
    order_ship(order=order, carrier="USPS", tracking_number="1Z")

    soup = page(client.get(f"/checkout/done/{order.token}/"))

    assert soup.h1.get_text(strip=True) == f"Order {order.number}: shipped"
    assert "Thank you" not in said(soup)


def test_the_footer_links_to_the_order_lookup_on_every_page(client):
    for path in ("/", "/cart/", "/orders/lookup/"):
        soup = page(client.get(path))
        assert links(soup, "footer")["Find your order"] == "/orders/lookup/", path


def test_the_header_offers_sign_in_then_the_account():
    anonymous = page(Client().get("/"))
    signed = Client()
    signed.cookies[settings.SESSION_COOKIE_NAME] = "a-session"

    assert links(anonymous, "header")["Sign in"] == "/account/login/"
    assert links(page(signed.get("/")), "header")["Account"] == "/account/"
