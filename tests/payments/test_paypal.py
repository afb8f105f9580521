"""PayPal beside the default provider: the choice on the pay page, the approval redirect, the
return that executes the payment, and refunds. PayPal's answers are recorded JSON
(tests/payments/paypal_payloads/) served in place of the `requests` calls the library makes:
no test reaches the network."""

import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from django.urls import reverse
from payments import PaymentStatus

from apothecary.orders.models import AttentionReason, OrderStatus
from apothecary.orders.refunds import RefundError, order_refund
from apothecary.payments.models import Payment
from apothecary.payments.views import payment_choices
from tests.helpers import h1
from tests.store import as_buyer, make_cart, make_discount, place_order

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "paypal_payloads"
API = "https://api.sandbox.paypal.com"
OAUTH_URL = f"{API}/v1/oauth2/token"
CREATE_URL = f"{API}/v1/payments/payment"
PAYMENT_ID = "PAYID-TEST4490AB12CD34"
EXECUTE_URL = f"{API}/v1/payments/payment/{PAYMENT_ID}/execute"
REFUND_URL = f"{API}/v1/payments/sale/5TEST0SALE1234567/refund"
APPROVAL_URL = (
    "https://www.sandbox.paypal.com/cgi-bin/webscr?cmd=_express-checkout&token=EC-7TEST1234567890A"
)


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


class FakePaypal:
    """PayPal's API as recorded: each (method, URL) answers with a status and a payload, and
    every request is kept (its method, URL, headers and JSON body)."""

    def __init__(self):
        self.routes = {
            ("POST", OAUTH_URL): (200, payload("oauth_token")),
            ("POST", CREATE_URL): (201, payload("payment_created")),
            ("POST", EXECUTE_URL): (200, payload("payment_executed")),
            ("POST", REFUND_URL): (201, payload("sale_refunded")),
        }
        self.calls = []
        self.unreachable = False

    def request(self, method, url, **kwargs):
        if self.unreachable:
            raise requests.ConnectionError("PayPal is down in this test")
        body = kwargs.get("json")
        if body is None and isinstance(kwargs.get("data"), str):
            body = json.loads(kwargs["data"])
        self.calls.append((method.upper(), url, kwargs.get("headers") or {}, body))
        status, answer = self.routes.get((method.upper(), url), (404, {"name": "NOT_FOUND"}))
        response = requests.Response()
        response.status_code, response.url = status, url
        response._content = json.dumps(answer).encode()
        return response

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)

    def urls(self) -> list[str]:
        return [url for _, url, _, _ in self.calls]


@pytest.fixture
def paypal(settings, monkeypatch):
    settings.PAYMENT_VARIANTS = {
        **settings.PAYMENT_VARIANTS,
        "paypal": (
            "apothecary.payments.providers.PaypalCheckoutProvider",
            {"client_id": "test-client", "secret": "test-secret", "endpoint": API},
        ),
    }
    monkeypatch.setattr("payments.core.PROVIDER_CACHE", {})
    fake = FakePaypal()
    monkeypatch.setattr(requests, "request", fake.request)
    monkeypatch.setattr(requests, "post", fake.post)
    return fake


def pay_url(order) -> str:
    return reverse("payments:pay", args=[order.token])


def choose_paypal(client, order):
    """The buyer (whose session placed the order) chooses PayPal on the pay page."""
    as_buyer(client, order)
    return client.post(pay_url(order), {"choose": "1", "method": "paypal"})


def paypal_return(client, payment, **params):
    query = {"paymentId": PAYMENT_ID, "token": "EC-7TEST1234567890A", "PayerID": "TESTPAYER42XY"}
    query.update(params)
    return client.get(payment.get_process_url() + "?" + urlencode(query))


@pytest.fixture
def approved(client, order, paypal):
    """The order's PayPal payment, approved at PayPal: the shopper is on their way back."""
    assert choose_paypal(client, order).status_code == 302
    return order.payments.get(variant="paypal")


def test_without_paypal_keys_the_pay_page_shows_the_card_form_alone(client, order):
    assert payment_choices() == [("dummy", "")]

    response = client.get(pay_url(order))

    assert response.status_code == 200
    assert "PayPal" not in response.content.decode()
    assert "no card is charged" in response.content.decode()
    assert order.payments.get().variant == "dummy"


def test_with_paypal_keys_the_pay_page_offers_the_card_and_paypal(client, order, paypal):
    response = client.get(pay_url(order))

    assert response.status_code == 200
    assert h1(response) == f"Pay for order {order.number}"
    html = response.content.decode()
    assert "How would you like to pay?" in html
    assert 'value="dummy" class="button">Pay by card: $44.90' in html
    assert 'value="paypal" class="button">Pay with PayPal: $44.90' in html
    assert not order.payments.exists()  # nothing is started before the shopper chooses
    assert paypal.calls == []


def test_choosing_paypal_creates_the_payment_there_and_sends_the_shopper_to_approve_it(
    client, order, paypal
):
    response = choose_paypal(client, order)

    assert response.status_code == 302
    assert response["Location"] == APPROVAL_URL
    payment = order.payments.get()
    assert (payment.variant, payment.status, payment.transaction_id) == (
        "paypal",
        PaymentStatus.WAITING,
        PAYMENT_ID,
    )
    assert paypal.urls() == [OAUTH_URL, CREATE_URL]
    _, _, headers, created = paypal.calls[1]
    assert headers["Authorization"] == "Bearer A21AAtestaccesstokenNotReal0123456789"
    assert created["intent"] == "sale"
    assert created["transactions"][0]["amount"]["total"] == "44.90"
    assert created["transactions"][0]["amount"]["currency"] == "USD"
    assert created["transactions"][0]["item_list"]["items"] == [
        {
            "name": "Test Patch, 30 patches",
            "quantity": "2",
            "price": "19.95",
            "currency": "USD",
            "sku": payment.order.lines.get().sku,
        }
    ]
    back = created["redirect_urls"]["return_url"]
    assert back.startswith("http://127.0.0.1:8000" + payment.get_process_url())


def test_a_discounted_order_is_sent_as_items_that_add_up_to_its_total(
    client, variant, rate, paypal
):
    make_discount(code="SAVE10", kind="percent", value="10")
    order = place_order(cart=make_cart((variant, 2)), rate=rate, discount_code="SAVE10")
    assert order.discount_amount == Decimal("3.99")

    assert choose_paypal(as_buyer(client, order), order).status_code == 302

    sent = paypal.calls[1][3]["transactions"][0]
    assert sent["amount"]["total"] == "40.91"  # 39.90 - 3.99 + 5.00 shipping
    assert sent["amount"]["details"] == {"subtotal": "35.91", "tax": "0.00", "shipping": "5.00"}
    assert sent["item_list"]["items"] == [
        {
            "name": f"Order {order.number}",
            "quantity": "1",
            "price": "35.91",
            "currency": "USD",
            "sku": "",
        }
    ]


def test_choosing_the_card_with_paypal_offered_shows_the_card_form_and_pays(client, order, paypal):
    response = client.post(pay_url(order), {"choose": "1", "method": "dummy"})

    assert response.status_code == 200
    assert 'name="method" value="dummy"' in response.content.decode()
    posted = client.post(
        pay_url(order),
        {
            "method": "dummy",
            "status": PaymentStatus.CONFIRMED,
            "fraud_status": "accept",
            "gateway_response": "3ds-disabled",
            "verification_result": "",
        },
    )
    assert posted.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert paypal.calls == []


def test_a_way_to_pay_not_offered_is_refused_and_the_choice_shown_again(client, order, paypal):
    response = client.post(pay_url(order), {"choose": "1", "method": "stripe"})

    assert response.status_code == 400
    assert "Please choose one of the ways to pay" in response.content.decode()
    assert not order.payments.exists()


def test_paypal_unreachable_says_so_and_charges_nothing(client, order, paypal):
    paypal.unreachable = True

    response = choose_paypal(client, order)

    assert response.status_code == 502
    assert "could not take the payment just now" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_the_return_executes_the_payment_and_pays_the_order(client, order, paypal, approved):
    response = paypal_return(client, approved)

    assert response.status_code == 302
    assert response["Location"] == approved.get_success_url()
    assert paypal.urls()[-1] == EXECUTE_URL
    assert paypal.calls[-1][3] == {"payer_id": "TESTPAYER42XY"}
    approved.refresh_from_db()
    assert (approved.status, approved.captured_amount) == ("confirmed", Decimal("44.90"))
    assert approved.attrs.payer_info["payer_id"] == "TESTPAYER42XY"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_coming_back_again_does_not_execute_twice_nor_undo_the_payment(
    client, order, paypal, approved
):
    paypal_return(client, approved)
    calls = len(paypal.calls)

    again = paypal_return(client, approved)

    assert again.status_code == 302
    assert again["Location"] == approved.get_success_url()
    assert len(paypal.calls) == calls
    approved.refresh_from_db()
    assert approved.status == PaymentStatus.CONFIRMED


def test_a_return_naming_another_paypal_payment_is_refused(client, order, paypal, approved):
    response = paypal_return(client, approved, paymentId="PAYID-SOMEONE-ELSES")

    assert response.status_code == 400
    assert EXECUTE_URL not in paypal.urls()
    approved.refresh_from_db()
    assert approved.status == PaymentStatus.WAITING


def test_a_shopper_who_cancels_at_paypal_is_back_on_the_pay_page(client, order, paypal, approved):
    response = paypal_return(client, approved, PayerID="")

    assert response.status_code == 302
    assert response["Location"] == approved.get_failure_url()
    approved.refresh_from_db()
    assert approved.status == PaymentStatus.REJECTED
    page = client.get(pay_url(order))
    assert "did not go through" in page.content.decode()


def test_an_execution_paid_for_another_amount_does_not_pay_the_order_and_flags_it(
    client, order, paypal, approved
):
    executed = payload("payment_executed")
    executed["transactions"][0]["amount"]["total"] = "4.49"
    paypal.routes[("POST", EXECUTE_URL)] = (200, executed)

    response = paypal_return(client, approved)

    assert response["Location"] == approved.get_failure_url()
    approved.refresh_from_db()
    assert approved.status == PaymentStatus.ERROR
    assert "4.49 USD, not 44.90 USD" in approved.message
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (order.needs_attention, order.attention_reason) == (
        True,
        AttentionReason.AMOUNT_MISMATCH,
    )
    assert PAYMENT_ID in order.attention_note


@pytest.mark.parametrize("state", ["failed", "created"])
def test_an_execution_not_approved_rejects_the_payment_and_the_order_waits(
    client, order, paypal, approved, state
):
    executed = payload("payment_executed")
    executed["state"] = state
    paypal.routes[("POST", EXECUTE_URL)] = (200, executed)

    response = paypal_return(client, approved)

    assert response["Location"] == approved.get_failure_url()
    approved.refresh_from_db()
    assert (approved.status, approved.message) == (
        PaymentStatus.REJECTED,
        f"PayPal: the payment is {state}",
    )
    order.refresh_from_db()
    assert (order.status, order.needs_attention) == (OrderStatus.PENDING_PAYMENT, False)


def test_an_execution_paypal_refuses_does_not_pay_the_order(client, order, paypal, approved):
    paypal.routes[("POST", EXECUTE_URL)] = (
        400,
        {"name": "INSTRUMENT_DECLINED", "message": "The instrument was declined."},
    )

    response = paypal_return(client, approved)

    assert response["Location"] == approved.get_failure_url()
    approved.refresh_from_db()
    assert approved.status == PaymentStatus.ERROR
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


@pytest.fixture
def paid_by_paypal(client, order, paypal, approved):
    paypal_return(client, approved)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


def test_a_refund_goes_through_paypal_and_is_written_in_the_ledger(
    paid_by_paypal, paypal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=paid_by_paypal, amount=Decimal("10.00"))

    method, url, headers, body = paypal.calls[-1]
    assert (method, url) == ("POST", REFUND_URL)
    assert body == {"amount": {"currency": "USD", "total": "10.00"}}
    assert headers["PayPal-Request-Id"].startswith("refund-")
    refund = paid_by_paypal.refunds.get()
    assert (refund.amount, refund.provider_reference) == (
        Decimal("10.00"),
        "paypal:8TESTREFUND98765",
    )
    assert paid_by_paypal.status == OrderStatus.PARTIALLY_REFUNDED
    payment = Payment.objects.get(order=paid_by_paypal)
    # A part refunded: the rest of the payment can still be refunded later.
    assert (payment.status, payment.captured_amount) == ("confirmed", Decimal("34.90"))


def test_a_refund_paypal_refuses_writes_nothing_and_keeps_the_payment(paid_by_paypal, paypal):
    paypal.routes[("POST", REFUND_URL)] = (
        400,
        {"name": "TRANSACTION_REFUSED", "message": "The request was refused."},
    )

    with pytest.raises(RefundError, match="The request was refused"):
        order_refund(order=paid_by_paypal, amount=Decimal("10.00"))

    assert not paid_by_paypal.refunds.exists()
    payment = Payment.objects.get(order=paid_by_paypal)
    assert (payment.status, payment.captured_amount) == ("confirmed", Decimal("44.90"))
