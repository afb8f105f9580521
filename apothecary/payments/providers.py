"""Payment providers: django-payments' own, adjusted where they need it."""

import stripe
from payments import PaymentError, PaymentStatus
from payments.stripe.providers import StripeProviderV3


def _plain(obj):
    """Stripe's objects stopped being dicts in stripe-python 15; keep plain data."""
    return obj.to_dict() if isinstance(obj, stripe.StripeObject) else obj


class StripeCheckoutProvider(StripeProviderV3):
    """Stripe Checkout, as django-payments' StripeProviderV3, with two changes:

    - what Stripe returns is stored as plain data: the library json-dumps the session and
      the refund, which fails with the StripeObject of stripe-python ≥ 15;
    - a refund carries an idempotency key, so that retrying one whose answer was lost (or
      whose order update failed) does not refund twice.

    Events are applied by our webhook (views.stripe_webhook), not by process_data."""

    def create_session(self, payment):
        return _plain(super().create_session(payment))

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
