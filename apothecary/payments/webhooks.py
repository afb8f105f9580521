"""The providers' webhooks: Stripe's (signed with our endpoint secret) and PayPal's (verified by
asking PayPal). Thin: each event is checked here and applied, once, by a service. A refused
event writes nothing, answers 400 and is logged as a security event."""

import json
import logging
import time

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apothecary.core.ratelimit import client_ip

from .paypal_events import PaypalUnavailable, paypal_event_apply, paypal_event_verified
from .stripe_events import StripeUnavailable, stripe_event_apply

logger = logging.getLogger(__name__)
# Refused webhooks are security events (forgeries, replays, a missing secret): their own logger.
security = logging.getLogger("apothecary.security")


class BadWebhook(Exception):
    pass


def _refused(request: HttpRequest, provider: str, reason: str) -> JsonResponse:
    security.warning(
        "webhook refused: provider=%s reason=%r from=%s",
        provider,
        reason,
        client_ip(request),
    )
    return JsonResponse({"error": reason}, status=400)


def _signed_timestamp(header: str) -> int:
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        if name == "t":
            return int(value)
    raise BadWebhook("Invalid signature.")


def verified_stripe_event(body: bytes, signature: str) -> dict:
    """The event Stripe signed, as plain data; BadWebhook when it is not one, or when it was
    signed further than STRIPE_WEBHOOK_TOLERANCE_SECONDS from now, either way."""
    if not signature:
        raise BadWebhook("Missing Stripe-Signature header.")
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    try:
        # What Webhook.construct_event checks, without its parsing, which fails with an
        # AttributeError on a signed body that is JSON but not an object.
        stripe.WebhookSignature.verify_header(
            body, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=tolerance
        )
        # Stripe's library refuses old timestamps only; one from the future is refused too,
        # so that a signature leaked with a future time cannot be replayed later.
        if _signed_timestamp(signature) > time.time() + tolerance:
            raise BadWebhook("Timestamp outside the tolerance zone (in the future).")
        event = json.loads(body)
    except stripe.SignatureVerificationError as error:
        raise BadWebhook("Invalid signature.") from error
    except ValueError as error:  # not JSON, not UTF-8, or not an event
        raise BadWebhook("Invalid payload.") from error
    data = event.get("data") if isinstance(event, dict) else None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("object"), dict)
        or not isinstance(event.get("id"), str)
    ):
        raise BadWebhook("Invalid payload: not a Stripe event.")
    return event


@csrf_exempt  # Stripe's servers post here; the signature is the proof of origin
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not settings.STRIPE_WEBHOOK_SECRET:
        # A configuration error (the payments.E001 system check says so): a 500, so that Stripe
        # keeps the event and retries it once the secret is set.
        security.error("stripe webhook refused: STRIPE_WEBHOOK_SECRET is not set")
        return JsonResponse({"error": "Stripe webhooks are not configured."}, status=500)
    try:
        event = verified_stripe_event(request.body, request.headers.get("Stripe-Signature", ""))
    except BadWebhook as error:
        return _refused(request, "stripe", str(error))
    try:
        result = stripe_event_apply(event=event)
    except StripeUnavailable as error:  # nothing was applied: Stripe delivers it again
        logger.warning("stripe event %s not applied yet: %s", event["id"], error)
        return JsonResponse({"error": "Stripe could not be reached; retry."}, status=503)
    logger.info("stripe event %s (%s): %s", event["id"], event.get("type"), result)
    return JsonResponse({"status": result})


@csrf_exempt  # PayPal's servers post here; PayPal's verify-webhook-signature is the proof
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    if not settings.PAYPAL_WEBHOOK_ID or "paypal" not in settings.PAYMENT_VARIANTS:
        security.error("paypal webhook refused: PayPal or PAYPAL_WEBHOOK_ID is not set")
        return JsonResponse({"error": "PayPal webhooks are not configured."}, status=500)
    try:
        event = json.loads(request.body)
    except ValueError:
        return _refused(request, "paypal", "Invalid payload.")
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("resource"), dict)
    ):
        return _refused(request, "paypal", "Invalid payload: not a PayPal event.")
    try:
        refusal = paypal_event_verified(event=event, headers=request.headers)
    except PaypalUnavailable as error:  # PayPal delivers the event again
        logger.warning("paypal event %s not verified yet: %s", event["id"], error)
        return JsonResponse({"error": "PayPal could not be reached; retry."}, status=503)
    if refusal:
        return _refused(request, "paypal", refusal)
    result = paypal_event_apply(event=event)
    logger.info("paypal event %s (%s): %s", event["id"], event.get("event_type"), result)
    return JsonResponse({"status": result})
