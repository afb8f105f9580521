"""Payment providers: django-payments' own, adjusted where they need it."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

import requests
import stripe
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from payments import PaymentError, PaymentStatus
from payments.paypal import PaypalProvider
from payments.stripe.providers import StripeProviderV3


def _plain(obj):
    """Stripe's objects stopped being dicts in stripe-python 15; keep plain data."""
    return obj.to_dict() if isinstance(obj, stripe.StripeObject) else obj


class StripeCheckoutProvider(StripeProviderV3):
    """Stripe Checkout, as django-payments' StripeProviderV3, with these changes:

    - what Stripe returns is stored as plain data: the library json-dumps the session and
      the refund, which fails with the StripeObject of stripe-python ≥ 15;
    - a session and a refund carry an idempotency key, so that retrying one whose answer was
      lost (or whose order update failed) does not make a second one;
    - a session expires with the order's payment window (`session_expiry`), not after
      Stripe's default 24 hours, and its payment intent carries our token (the charge's
      refunds find the payment by it).

    Events are applied by our webhook (webhooks.stripe_webhook), not by process_data."""

    def create_session(self, payment):
        if payment.transaction_id:
            raise PaymentError("This payment has already been processed.")
        expires_at = session_expiry(payment)
        params = {
            "line_items": self.get_line_items(payment),
            "mode": "payment",
            "success_url": payment.get_success_url(),
            "cancel_url": payment.get_failure_url(),
            "client_reference_id": payment.token,
            "expires_at": expires_at,
            "payment_intent_data": {"metadata": {"token": payment.token}},
        }
        if payment.billing_email:
            params["customer_email"] = payment.billing_email
        name = f"{payment.billing_first_name} {payment.billing_last_name}".strip()
        if name:
            params["metadata"] = {"customer_name": name}
        try:
            session = stripe.checkout.Session.create(
                api_key=self.api_key,
                # A retry with the same expiry gets the session made already; one made
                # later (a new expiry) is a new session for the same payment.
                idempotency_key=f"checkout-{payment.token}-{expires_at}",
                **params,
            )
        except stripe.StripeError as error:
            raise PaymentError(str(error)) from error
        return _plain(session)

    def refund(self, payment, amount=None):
        if payment.status != PaymentStatus.CONFIRMED:
            raise PaymentError("Only confirmed payments can be refunded.")
        to_refund = amount or payment.total
        session = getattr(payment.attrs, "session", None)
        payment_intent = session.get("payment_intent") if isinstance(session, dict) else None
        if not payment_intent:
            raise PaymentError("This payment has no Stripe payment intent to refund.")
        cents = self.convert_amount(payment.currency, to_refund)
        # The same refund (same payment, same amount still captured, same amount) has the
        # same key: Stripe answers a retry with the refund it already made.
        captured = self.convert_amount(payment.currency, payment.captured_amount)
        key = f"refund-{payment.token}-{captured}-{cents}"
        try:
            refund = stripe.Refund.create(
                api_key=self.api_key,
                idempotency_key=key,
                payment_intent=payment_intent,
                amount=cents,
                reason="requested_by_customer",
            )
        except stripe.StripeError as error:
            raise PaymentError(str(error)) from error
        payment.attrs.refund = _plain(refund)
        payment.save(update_fields=["extra_data"])
        return to_refund


# Stripe refuses a Checkout Session that expires sooner than 30 minutes after it is made.
STRIPE_MIN_SESSION_MINUTES = 30


def session_expiry(payment, now=None) -> int:
    """When the payment's Checkout Session expires (a Unix time): the end of the order's
    payment window (settings.ORDER_PAYMENT_WINDOW_MINUTES after it was placed), so that the
    shopper cannot pay an order cancelled for being late, but never sooner than Stripe's
    minimum of 30 minutes from now. So a window shorter than 30 minutes, or a shopper who
    comes back late in it, gets a session up to 30 minutes; a payment confirmed after the
    order was cancelled flags the order (payments.services)."""
    now = now or timezone.now()
    window_end = payment.order.created_at + timedelta(minutes=settings.ORDER_PAYMENT_WINDOW_MINUTES)
    earliest = now + timedelta(minutes=STRIPE_MIN_SESSION_MINUTES, seconds=30)  # clock skew
    return int(max(window_end, earliest).timestamp())


class PaypalCheckoutProvider(PaypalProvider):
    """PayPal, as django-payments' PaypalProvider (the shopper approves at PayPal, comes back
    to our process URL with paymentId and PayerID, and the payment is executed from here),
    with these changes:

    - the return must name this payment's PayPal id, and the executed payment must say
      "approved" for this payment's amount and currency, else it does not pay the order
      (the library confirms whatever the execution answers);
    - items that do not add up to the subtotal (a discount) are sent as one item;
    - PayPal being unreachable is a PaymentError (the pay page says so), not a 500;
    - a refund keeps the payment confirmed until all of it is refunded (the library marks it
      refunded after any part), carries an idempotency key (PayPal-Request-Id), and its answer
      is kept in payment.attrs.refund for the ledger's reference."""

    def get_transactions_data(self, payment):
        """What the library sends, but PayPal refuses items that do not add up to the
        subtotal (a discount, prices including tax): then the order is one item."""
        data = super().get_transactions_data(payment)
        transaction = data["transactions"][0]
        items = transaction["item_list"]["items"]
        subtotal = Decimal(transaction["amount"]["details"]["subtotal"])
        if sum(Decimal(item["price"]) * int(item["quantity"]) for item in items) != subtotal:
            transaction["item_list"]["items"] = [
                {
                    "name": payment.description[:127],
                    "quantity": "1",
                    "price": str(subtotal),
                    "currency": payment.currency,
                    "sku": "",
                }
            ]
        return data

    def get_form(self, payment, data=None):
        try:
            return super().get_form(payment, data)
        except requests.RequestException as error:
            payment.change_status(PaymentStatus.ERROR, "PayPal could not be reached")
            raise PaymentError(f"PayPal could not be reached: {error}") from error

    def process_data(self, payment, request):
        returned_id = request.GET.get("paymentId")
        if returned_id and returned_id != payment.transaction_id:
            return HttpResponseBadRequest("This return is not for this payment.")
        if payment.status != PaymentStatus.WAITING:
            # A return seen before (a reload, a back button): executing again would fail at
            # PayPal, and the library would then mark a confirmed payment as an error.
            ok = payment.status in (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)
            return redirect(payment.get_success_url() if ok else payment.get_failure_url())
        try:
            response = super().process_data(payment, request)
        except requests.RequestException as error:
            raise PaymentError(f"PayPal could not be reached: {error}") from error
        # The library sets the payer's details but saves only the status.
        payment.save(update_fields=["extra_data"])
        return response

    def execute_payment(self, payment, payer_id):
        executed = super().execute_payment(payment, payer_id)
        problem = paypal_execution_problem(payment, executed)
        if problem:
            from .services import payment_not_paid_as_asked

            payment_not_paid_as_asked(
                payment=payment, problem=problem, paid=executed.get("state") == "approved"
            )
            raise PaymentError(problem)
        return executed

    def refund(self, payment, amount=None):
        if payment.status != PaymentStatus.CONFIRMED:
            raise PaymentError("Only confirmed payments can be refunded.")
        url = self._get_links(payment).get("refund", {}).get("href")
        if not url:
            raise PaymentError("This payment has no PayPal sale to refund.")
        to_refund = amount or Decimal(payment.captured_amount)
        # The same refund (same payment, same amount still captured, same amount) has the
        # same key: PayPal answers a retry with the refund it already made.
        key = f"refund-{payment.token}-{payment.captured_amount}-{to_refund}"
        try:
            authorization = self.get_access_token(payment)
            response = requests.post(
                url,
                json={"amount": self.get_amount_data(payment, to_refund)},
                headers={"Authorization": authorization, "PayPal-Request-Id": key},
                timeout=30,
            )
        except requests.RequestException as error:
            raise PaymentError(f"PayPal could not be reached: {error}") from error
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not response.ok:
            raise PaymentError(answer.get("message") or f"PayPal answered {response.status_code}")
        refunded = answer.get("amount") or {}
        if answer.get("state") not in ("completed", "pending"):
            raise PaymentError(f"PayPal's refund is {answer.get('state') or 'of no state'}.")
        if refunded.get("currency") != payment.currency:
            raise PaymentError(f"PayPal refunded in {refunded.get('currency')}.")
        payment.attrs.refund = answer
        payment.save(update_fields=["extra_data"])
        return Decimal(refunded["total"])


def paypal_execution_problem(payment, executed: dict) -> str:
    """Why an executed PayPal payment does not pay `payment`, or "" when it does: it must be
    approved, and its one transaction for the payment's total in its currency."""
    if executed.get("state") != "approved":
        return f"PayPal: the payment is {executed.get('state') or 'of no state'}"
    transactions = executed.get("transactions") or [{}]
    amount = transactions[0].get("amount") or {}
    try:
        total = Decimal(amount.get("total", ""))
    except InvalidOperation:
        total = None
    if (
        len(transactions) != 1
        or total != payment.total
        or amount.get("currency") != payment.currency
    ):
        return (
            f"PayPal: the payment is for {amount.get('total')} {amount.get('currency')}, "
            f"not {payment.total} {payment.currency}"
        )
    return ""
