"""Where an affiliate lands after signing in: their dashboard (a `?next=` still wins), while
a customer lands on the account page. Someone who is both finds each page from the other."""

import pytest
from bs4 import BeautifulSoup

from apothecary.affiliates.models import AffiliateStatus
from apothecary.orders.models import Order
from tests.accounts.builders import CUSTOMER_PASSWORD, attempt, make_customer
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import make_affiliate

pytestmark = pytest.mark.django_db

PASSWORD = "pw-affiliate-1"  # make_affiliate's


def links(response) -> dict[str, str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return {a.get_text(" ", strip=True): a["href"] for a in soup.select("main a[href]")}


@pytest.mark.parametrize("status", [AffiliateStatus.APPROVED, AffiliateStatus.PENDING])
def test_an_affiliate_who_signs_in_lands_on_the_dashboard(client, status):
    affiliate = make_affiliate(code="anna", status=status)

    response = attempt(client, "/account/login/", affiliate.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/affiliates/dashboard/"


def test_a_next_address_given_to_the_login_still_wins(client):
    affiliate = make_affiliate(code="anna")

    response = attempt(client, "/account/login/?next=/cart/", affiliate.email, PASSWORD)

    assert response["Location"] == "/cart/"


def test_a_customer_who_signs_in_lands_on_the_account_page(client):
    ada = make_customer()

    response = attempt(client, "/account/login/", ada.email, CUSTOMER_PASSWORD)

    assert response["Location"] == "/account/"
    assert "Your affiliate dashboard" not in links(client.get("/account/"))


def test_an_affiliate_with_orders_finds_each_page_from_the_other(client):
    affiliate = make_affiliate(code="anna")
    variant = make_product().variants.first()
    order = place_order(cart=make_cart((variant, 1)), rate=make_zone(), email=affiliate.email)
    Order.objects.filter(pk=order.pk).update(user=affiliate.user)
    client.force_login(affiliate.user)

    account = links(client.get("/account/"))
    dashboard = links(client.get("/affiliates/dashboard/"))

    assert order.number in account
    assert account["Your affiliate dashboard"] == "/affiliates/dashboard/"
    assert dashboard["Your orders and account"] == "/account/"
