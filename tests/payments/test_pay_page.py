from decimal import Decimal
from html.parser import HTMLParser

import pytest
import stripe
from django.core import mail
from django.urls import reverse
from payments import PaymentStatus

from apothecary.orders.models import OrderEvent, OrderStatus
from apothecary.orders.services import order_cancel
from apothecary.payments.models import Payment
from apothecary.payments.services import payment_start
from tests.helpers import h1
from tests.store import make_cart, make_product, place_order

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"  # PAYMENT_HOST: where the providers send the shopper back


class _FormReader(HTMLParser):
    """What a browser would submit from the page's payment form, and the choices offered."""

    def __init__(self):
        super().__init__()
        self.data, self.radios, self._in_form = {}, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "stack-form" in (attrs.get("class") or ""):
            self._in_form = True
        elif tag == "input" and self._in_form:
            if attrs.get("type") == "radio":
                self.radios.append(attrs["value"])
                if "checked" in attrs:
                    self.data[attrs["name"]] = attrs["value"]
            else:
                self.data[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def read_form(response) -> _FormReader:
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader


def pay_url(order) -> str:
    return reverse("payments:pay", args=[order.token])


def paid_subjects(order) -> list[str]:
    return [m.subject for m in mail.outbox if "Payment received" in m.subject]


def test_the_pay_page_shows_the_order_and_the_test_form_with_two_outcomes(client, order):
    response = client.get(pay_url(order))

    assert response.status_code == 200
    assert h1(response) == f"Pay for order {order.number}"
    html = response.content.decode()
    assert "Test Patch, 30 patches" in html
    assert "$44.90" in html
    assert "no card is charged" in html
    assert "did not go through" not in html
    assert response["Cache-Control"] == ("max-age=0, no-cache, no-store, must-revalidate, private")
    form = read_form(response)
    assert form.radios == [PaymentStatus.CONFIRMED, PaymentStatus.REJECTED]
    assert form.data["status"] == PaymentStatus.CONFIRMED
    assert form.data["fraud_status"] == "accept"
    assert form.data["gateway_response"] == "3ds-disabled"
    assert "csrfmiddlewaretoken" in form.data
    payment = order.payments.get()
    assert (payment.variant, payment.status, payment.total) == ("dummy", "input", order.total)
    assert (payment.billing_first_name, payment.billing_last_name) == ("Ada", "Reader")
    assert (payment.billing_email, payment.billing_country_code) == ("ada@example.com", "US")


def test_paying_with_the_dummy_provider_pays_the_order_once_and_sends_one_email(
    client, order, django_capture_on_commit_callbacks
):
    form = read_form(client.get(pay_url(order)))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pay_url(order), form.data)

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/checkout/done/{order.token}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    events = list(order.events.filter(to_status=OrderStatus.PAID))
    assert [(e.from_status, e.actor_label) for e in events] == [
        (OrderStatus.PENDING_PAYMENT, "payment provider")
    ]
    assert paid_subjects(order) == [f"B12 Patch: Payment received for order {order.number}"]
    payment = order.payments.get()
    assert (payment.status, payment.captured_amount) == ("confirmed", Decimal("44.90"))


def test_submitting_the_payment_form_again_changes_nothing(
    client, order, django_capture_on_commit_callbacks
):
    form = read_form(client.get(pay_url(order)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pay_url(order), form.data)

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(pay_url(order), form.data)

    assert again.status_code == 302
    assert again["Location"] == f"/checkout/done/{order.token}/"
    assert order.payments.count() == 1
    assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.PAID).count() == 1
    assert len(paid_subjects(order)) == 1


def test_a_declined_payment_leaves_the_order_payable_and_the_pay_page_offers_a_retry(
    client, order, variant, django_capture_on_commit_callbacks
):
    form = read_form(client.get(pay_url(order)))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pay_url(order), {**form.data, "status": "rejected"})

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{pay_url(order)}"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert list(order.events.values_list("to_status", flat=True)) == ["pending_payment"]
    assert mail.outbox == []
    variant.refresh_from_db()
    assert variant.stock == 8

    retry = client.get(pay_url(order))

    assert retry.status_code == 200
    assert "Your last payment did not go through, and nothing was charged" in (
        retry.content.decode()
    )
    assert list(order.payments.values_list("status", flat=True)) == ["input", "rejected"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pay_url(order), read_form(retry).data)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert len(paid_subjects(order)) == 1


def test_an_invalid_submission_is_a_400_with_the_form_and_pays_nothing(client, order):
    client.get(pay_url(order))

    response = client.post(pay_url(order), {"status": "free-please"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payments.get().status == "input"


def test_a_paid_order_sends_the_pay_page_to_the_confirmation(client, order):
    payment_start(order=order).change_status(PaymentStatus.CONFIRMED)

    response = client.get(pay_url(order))

    assert response.status_code == 302
    assert response["Location"] == f"/checkout/done/{order.token}/"
    assert order.payments.count() == 1


def test_a_cancelled_order_cannot_be_paid_and_says_so(client, order):
    order_cancel(order=order, reason="Not paid in time")

    response = client.get(pay_url(order))
    posted = client.post(pay_url(order), {"status": "confirmed"})

    assert response.status_code == 409
    assert posted.status_code == 409
    assert h1(response) == f"Order {order.number} cannot be paid"
    assert "This order was cancelled" in response.content.decode()
    assert Payment.objects.filter(order=order).count() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_an_unknown_order_token_is_a_404(client, order):
    response = client.get(reverse("payments:pay", args=["no-such-order"]))

    assert response.status_code == 404
    assert Payment.objects.count() == 0


def test_the_pay_page_makes_the_same_number_of_queries_however_many_lines(
    client, rate, django_assert_max_num_queries
):
    products = [make_product(title=f"Patch {n}") for n in range(5)]
    order = place_order(cart=make_cart(*[(p.variants.get(), 1) for p in products]), rate=rate)
    client.get(pay_url(order))

    # (15: one of them locks the payment while its form is made: a double submit waits there)
    with django_assert_max_num_queries(15):
        response = client.get(pay_url(order))

    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>Patch ") == 5


def test_the_process_url_of_a_payment_resolves_under_payments_and_a_get_changes_nothing(
    client, order, django_capture_on_commit_callbacks
):
    payment = payment_start(order=order)
    assert payment.get_process_url() == f"/payments/process/{payment.token}/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(payment.get_process_url(), {"verification_result": "confirmed"})

    assert response.status_code == 405
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert paid_subjects(order) == []


def test_the_dummy_3d_secure_step_is_a_form_posted_to_the_process_url_and_pays(
    client, order, django_capture_on_commit_callbacks
):
    form = read_form(client.get(pay_url(order)))
    # The library's dummy sets the form's status first, then sends the shopper to the check.
    data = {
        **form.data,
        "status": PaymentStatus.INPUT,
        "gateway_response": "3ds-redirect",
        "verification_result": "confirmed",
    }

    step = client.post(pay_url(order), data)

    assert step.status_code == 200
    payment = order.payments.get()
    html = step.content.decode()
    assert f'action="/payments/process/{payment.token}/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert payment.status == PaymentStatus.INPUT
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(payment.get_process_url(), {"verification_result": "confirmed"})
    assert done.status_code == 302
    assert done["Location"] == f"{BASE}/checkout/done/{order.token}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert len(paid_subjects(order)) == 1


def test_the_process_url_never_changes_a_payment_that_is_no_longer_open(client, order):
    payment = payment_start(order=order)
    payment.change_status(PaymentStatus.CONFIRMED)

    again = client.post(payment.get_process_url(), {"verification_result": "rejected"})
    bad = client.post(payment.get_process_url(), {"verification_result": "refunded"})

    assert again.status_code == 302
    assert again["Location"] == f"{BASE}/checkout/done/{order.token}/"
    assert bad.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED


def test_the_process_url_needs_the_csrf_token_of_our_page(order):
    from django.test import Client

    payment = payment_start(order=order)

    response = Client(enforce_csrf_checks=True).post(
        payment.get_process_url(), {"verification_result": "confirmed"}
    )

    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING


def test_the_process_url_refuses_stripe_payments(client, order, stripe_settings):
    payment = payment_start(order=order, variant="stripe")

    response = client.post(payment.get_process_url(), {"verification_result": "confirmed"})

    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == "waiting"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_with_stripe_the_pay_page_sends_the_shopper_to_one_checkout_session(
    client, order, stripe_settings, monkeypatch
):
    stripe_settings.PAYMENT_VARIANT = "stripe"
    created = []

    def create_session(**params):
        created.append(params)
        return stripe.checkout.Session.construct_from(
            {"id": "cs_test_1", "url": "https://checkout.stripe.com/c/pay/cs_test_1"}, ""
        )

    monkeypatch.setattr(stripe.checkout.Session, "create", create_session)

    first = client.get(pay_url(order))
    second = client.get(pay_url(order))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    payment = order.payments.get()
    assert [params["client_reference_id"] for params in created] == [payment.token]
    assert created[0]["success_url"] == f"{BASE}/checkout/done/{order.token}/"
    assert created[0]["cancel_url"] == f"{BASE}{pay_url(order)}"
    assert created[0]["line_items"][0]["price_data"]["unit_amount"] == 4490
    assert (payment.variant, payment.status, payment.transaction_id) == (
        "stripe",
        "waiting",
        "cs_test_1",
    )
    assert payment.attrs.session["url"] == "https://checkout.stripe.com/c/pay/cs_test_1"


def test_when_stripe_cannot_be_reached_the_pay_page_says_so_without_an_error_page(
    client, order, stripe_settings, monkeypatch
):
    stripe_settings.PAYMENT_VARIANT = "stripe"

    def create_session(**params):
        raise stripe.APIConnectionError("Could not connect to Stripe")

    monkeypatch.setattr(stripe.checkout.Session, "create", create_session)

    response = client.get(pay_url(order))

    assert response.status_code == 502
    assert "The payment provider could not take the payment just now" in (response.content.decode())
    payment = order.payments.get()
    assert (payment.status, payment.transaction_id) == ("waiting", "")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
