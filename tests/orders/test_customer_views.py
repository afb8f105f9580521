from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from payments import PaymentStatus

from apothecary.core.machines import InvalidTransition
from apothecary.orders.models import ReturnRequest, ReturnStatus
from apothecary.orders.returns import return_transition
from apothecary.orders.services import order_deliver, order_ship
from apothecary.payments.services import payment_start
from tests.accounts.builders import account_emails, link_in
from tests.helpers import spam_guard
from tests.store import as_buyer, make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client):
    """An order of two packs; `client` is its buyer's browser (apothecary.orders.access)."""
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    order = place_order(cart=make_cart((variant, 2)), rate=make_zone())
    as_buyer(client, order)
    return order


def delivered(order, days_ago=1):
    payment = payment_start(order=order)
    payment.captured_amount = payment.total
    payment.save(update_fields=["captured_amount"])
    payment.change_status(PaymentStatus.CONFIRMED)  # the provider confirms: the order is paid
    order.refresh_from_db()
    order_ship(order=order, carrier="USPS", tracking_number="1Z")
    order_deliver(order=order)
    order.delivered_at = timezone.now() - timedelta(days=days_ago)
    order.save(update_fields=["delivered_at"])
    return order


def test_a_guest_finds_an_order_by_number_and_email(client, order):
    response = client.post(
        "/orders/lookup/", {"number": order.number.lower(), "email": "ADA@example.com"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/checkout/done/{order.token}/"


@pytest.mark.parametrize(
    "data",
    [
        {"number": "WRONG123", "email": "ada@example.com"},
        {"number": "ORDER", "email": "someone@example.com"},
    ],
)
def test_a_wrong_number_or_email_finds_nothing_and_says_so(client, order, data):
    data = {**data, "number": data["number"] if data["number"] != "ORDER" else order.number}

    response = client.post("/orders/lookup/", data)

    assert response.status_code == 404
    assert "We found no order" in response.content.decode()
    assert order.token not in response.content.decode()


def test_order_lookup_is_rate_limited(client, order, settings):
    settings.ORDER_LOOKUP_LIMIT = 3
    for _ in range(3):
        client.post("/orders/lookup/", {"number": "NOPE2345", "email": "x@example.com"})

    response = client.post("/orders/lookup/", {"number": order.number, "email": order.email})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_lookup_form_keeps_what_was_typed(client):
    response = client.post("/orders/lookup/", {"number": "<b>ABC</b>", "email": "not-an-email"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="not-an-email"' in html
    assert "<b>ABC</b>" not in html


def test_customers_see_only_their_orders_in_their_account(client, order, django_user_model):
    owner = django_user_model.objects.create_user(email="ada@example.com", password="pw-12345-long")
    order.user = owner
    order.save(update_fields=["user"])
    stranger = django_user_model.objects.create_user(email="eve@example.com", password="pw")

    assert client.get("/account/")["Location"].startswith("/account/login/")
    client.force_login(stranger)
    assert order.number not in client.get("/account/").content.decode()
    client.force_login(owner)
    assert order.number in client.get("/account/").content.decode()


def test_a_customer_signs_up_and_signs_in_with_email(client):
    response = client.post(
        "/account/signup/",
        {
            **spam_guard(),
            "email": "New@Example.com",
            "first_name": "N",
            "last_name": "R",
            "password1": "a-long-pass-99",
            "password2": "a-long-pass-99",
        },
    )
    assert response.status_code == 302
    client.logout()
    # allauth: a new account signs in once it has followed the link sent to its address
    client.post(link_in(account_emails()[-1], "/account/confirm-email/"))

    response = client.post(
        "/account/login/", {"login": "new@example.com", "password": "a-long-pass-99"}
    )

    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_a_return_is_asked_for_within_the_window_and_emailed(
    client, order, django_capture_on_commit_callbacks
):
    delivered(order, days_ago=3)
    line = order.lines.get()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/orders/{order.token}/return/",
            {f"line_{line.pk}": "1", "reason": "Opened by mistake"},
        )

    assert response.status_code == 302
    request = ReturnRequest.objects.get(order=order)
    assert [(rl.order_line_id, rl.quantity) for rl in request.lines.all()] == [(line.pk, 1)]
    assert mail.outbox[-1].subject.endswith(f"We have your return request for order {order.number}")


def test_a_return_outside_the_window_is_refused_with_the_date(client, order):
    delivered(order, days_ago=31)
    line = order.lines.get()

    response = client.post(
        f"/orders/{order.token}/return/", {f"line_{line.pk}": "1", "reason": "Too late?"}
    )

    assert response.status_code == 400
    assert "return window for this order closed" in response.content.decode()
    assert not ReturnRequest.objects.filter(order=order).exists()


def test_a_return_before_delivery_and_over_the_quantity_is_refused(client, order):
    line = order.lines.get()
    response = client.post(
        f"/orders/{order.token}/return/", {f"line_{line.pk}": "1", "reason": "x"}
    )
    assert "once your order is delivered" in response.content.decode()

    delivered(order)
    response = client.post(
        f"/orders/{order.token}/return/", {f"line_{line.pk}": "3", "reason": "x"}
    )
    assert response.status_code == 400
    assert not ReturnRequest.objects.filter(order=order).exists()


def test_staff_approve_receive_with_restock_and_refund_a_return(order, admin_user):
    from apothecary.catalog.models import Variant
    from apothecary.orders.returns import return_request_create

    delivered(order)
    line = order.lines.get()
    request = return_request_create(order=order, quantities={line.pk: 2}, reason="Allergy")

    return_transition(request=request, to=ReturnStatus.APPROVED, actor=admin_user)
    return_transition(request=request, to=ReturnStatus.RECEIVED, actor=admin_user, restock=True)
    return_transition(request=request, to=ReturnStatus.REFUNDED, actor=admin_user)

    order.refresh_from_db()
    assert request.status == "refunded" and request.restocked
    assert Variant.objects.get(pk=line.variant_id).stock == 10
    assert order.refunded_amount == line.line_total
    assert order.lines.get().refunded_quantity == 2
    with pytest.raises(InvalidTransition):
        return_transition(request=request, to=ReturnStatus.APPROVED)
