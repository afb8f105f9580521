"""Launch test 26: IDOR sweep. User B, signed in, with an order of their own, asks for
each of user A's objects at every customer-owned URL of the project (found by walking the
URL patterns: any route taking an order token, an order number or a document reference,
and the account's and the affiliate's pages).

- Pass: what is looked up by number (the account's documents) is a 404; what is reached
  by A's token (if B ever had A's link) shows none of A's name, email or address, gives no
  document (404) and takes no return (403).
- Pass: a guest sees an order's details only with its token (>= 128 bits) and its email.
- Pass: enumerating ids and numbers 1..N finds nothing (ASVS 8.2.2)."""

import base64
import json

import pytest
from django.test import Client

from apothecary.orders.models import Order, ReturnRequest
from tests.affiliates.builders import make_affiliate
from tests.launch.customers import customer
from tests.launch.routes import project_routes, url_of

pytestmark = pytest.mark.django_db

OWNED_PARAMETERS = {"token", "order_token", "number", "reference"}


@pytest.fixture
def ada():
    return customer("ada@example.com", "Ada Reader")


@pytest.fixture
def bob_browser(ada):
    bob = customer("bob@example.com", "Bob Other")
    browser = Client()
    browser.force_login(bob.user)
    return browser


def secrets_of(person) -> list[str]:
    order = person.order
    return [order.email, order.shipping_name, order.shipping_line1, person.user.email]


def owned_routes():
    routes = [
        route
        for route in project_routes()
        if not route.admin and OWNED_PARAMETERS & {name for name, _ in route.converters}
    ]
    # The review links carry signed tokens of their own (tests/reviews), not an order's.
    return [route for route in routes if not (route.name or "").startswith("reviews:")]


def test_the_sweep_covers_every_customer_owned_route():
    names = {route.name for route in owned_routes()}

    assert names >= {
        "checkout:done",
        "payments:pay",
        "orders:return_request",
        "orders:confirm_email",
        "invoices:invoice",
        "invoices:credit_note",
        "invoices:own_invoice",
        "invoices:own_credit_note",
    }


def test_user_b_gets_nothing_of_user_a_at_any_customer_owned_url(ada, bob_browser):
    answers = {}
    for route in owned_routes():
        url = url_of(route, ada.values())
        get = bob_browser.get(url)
        answers[route.name] = get.status_code
        body = get.content.decode(errors="replace")
        for secret in secrets_of(ada):
            assert secret not in body, f"{route.name} shows {secret!r} to another customer"

    assert answers["invoices:own_invoice"] == 404
    assert answers["invoices:own_credit_note"] == 404
    assert answers["invoices:invoice"] == 404
    assert answers["invoices:credit_note"] == 404
    line = ada.order.lines.get()
    returned = bob_browser.post(
        url_of(next(r for r in owned_routes() if r.name == "orders:return_request"), ada.values()),
        {f"line_{line.pk}": "1", "reason": "Not mine"},
    )
    assert returned.status_code == 403
    assert not ReturnRequest.objects.filter(order=ada.order).exists()


def test_the_account_lists_only_ones_own_orders(ada, bob_browser):
    page = bob_browser.get("/account/").content.decode()

    assert ada.order.number not in page
    assert ada.order.token not in page


def test_affiliates_see_only_their_own_dashboard_and_data():
    anna, ben = make_affiliate(code="anna"), make_affiliate(code="benjamin")
    browser = Client()
    browser.force_login(ben.user)

    dashboard = browser.get("/affiliates/dashboard/").content.decode()
    data = browser.get("/affiliates/dashboard/data/")

    assert "benjamin" in dashboard
    assert "anna" not in dashboard and anna.email not in dashboard
    assert data.status_code == 200
    exported = json.dumps(json.loads(data.content)) if data.content.startswith(b"{") else ""
    assert anna.email not in data.content.decode() and "anna@" not in exported


def test_a_guest_needs_the_token_of_at_least_128_bits_and_the_email(ada):
    tokens = Order.objects.values_list("token", flat=True)
    assert all(len(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))) * 8 >= 128 for t in tokens)
    done = f"/checkout/done/{ada.order.token}/"
    guest = Client()

    link_only = guest.get(done).content.decode()
    wrong = guest.post(
        f"/orders/{ada.order.token}/confirm-email/", {"email": "bob@example.com", "next": "order"}
    )
    still = guest.get(done).content.decode()
    right = guest.post(
        f"/orders/{ada.order.token}/confirm-email/", {"email": "ADA@example.com", "next": "order"}
    )
    shown = guest.get(done).content.decode()

    assert "Enter the email address you ordered with" in link_only
    assert all(secret not in link_only + still for secret in secrets_of(ada))
    assert f"Order {ada.order.number}" in link_only  # status, number, lines, totals
    assert wrong.status_code == 403
    assert (right.status_code, right["Location"]) == (302, done)
    assert ada.order.shipping_line1 in shown and ada.order.shipping_name in shown
    assert guest.get(f"/orders/{ada.order.token}/invoice.pdf").status_code == 200


def test_guessing_an_orders_email_is_rate_limited(ada, settings):
    settings.ORDER_LOOKUP_LIMIT = 3
    url = f"/orders/{ada.order.token}/confirm-email/"
    answers = [
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(url, {"email": f"guess{n}@example.com"}).status_code
        for n in range(4)
    ]
    right = Client(REMOTE_ADDR="10.0.1.1").post(url, {"email": ada.order.email})

    assert answers == [403, 403, 403, 429]  # per order, however many addresses guess
    assert right.status_code == 429


# Routes whose parameters are signed, expiring tokens, not ids: a guessed one shows only
# "this link is not valid" (tests/launch/test_29_reset_email_passwords.py).
SIGNED_LINKS = {"account_reset_password_from_key", "account_confirm_email"}


def test_enumerating_ids_and_numbers_finds_nothing(ada, bob_browser):
    hits = []
    for route in project_routes():
        params = {name for name, _ in route.converters}
        if route.admin or not params or (route.name or "").startswith("reviews:"):
            continue
        if route.name in SIGNED_LINKS:
            continue
        for n in range(1, 31):
            url = url_of(route, dict.fromkeys(params, str(n)))
            if url is None:
                continue
            if bob_browser.get(url).status_code == 200:
                hits.append(url)
    assert hits == []


def test_the_order_lookup_asks_for_the_number_and_the_email_and_then_shows_the_order(ada):
    guest = Client()

    wrong = guest.post("/orders/lookup/", {"number": ada.order.number, "email": "b@example.com"})
    right = guest.post("/orders/lookup/", {"number": ada.order.number, "email": ada.order.email})
    shown = guest.get(right["Location"]).content.decode()

    assert wrong.status_code == 404
    assert right["Location"] == f"/checkout/done/{ada.order.token}/"
    assert ada.order.shipping_line1 in shown
