"""The pay page and django-payments' callback. Thin: the writes are in services; the
providers' webhooks are in webhooks.py."""

import logging
from urllib.error import URLError

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from payments import PaymentError, PaymentStatus, RedirectNeeded
from payments.core import provider_factory
from payments.dummy.forms import DummyForm
from payments.stripe.providers import StripeProviderV3
from payments.urls import process_data

from apothecary.orders.models import Order, OrderStatus

from .forms import present_provider_form
from .models import Payment
from .services import OrderNotPayable, payment_form, payment_start

logger = logging.getLogger(__name__)

FAILED_STATUSES = (PaymentStatus.REJECTED, PaymentStatus.ERROR)


def _closed(request: HttpRequest, order: Order) -> HttpResponse:
    return render(request, "payments/closed.html", {"order": order}, status=409)


def payment_choices() -> list[tuple[str, str]]:
    """The ways to pay the pay page offers, as (variant, label): the default provider alone,
    or the card and PayPal when PayPal is configured beside it."""
    default = settings.PAYMENT_VARIANT
    if "paypal" in settings.PAYMENT_VARIANTS and default != "paypal":
        return [(default, "Pay by card"), ("paypal", "Pay with PayPal")]
    return [(default, "")]


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, order_token: str) -> HttpResponse:
    """The order's summary and the provider's form; the form posts back here."""
    order = get_object_or_404(Order, token=order_token)
    if order.status == OrderStatus.CANCELLED:
        return _closed(request, order)
    if not order.is_payable:
        return redirect(order.get_absolute_url())
    last = order.payments.first()
    context = {
        "order": order,
        "lines": order.lines.all(),
        "declined": last is not None and last.status in FAILED_STATUSES,
        "form": None,
        "provider_error": "",
    }
    choices = payment_choices()
    chosen = request.POST.get("method") if request.method == "POST" else None
    if len(choices) > 1 and chosen not in dict(choices):
        # The shopper picks a way to pay first; a choice not offered is said so.
        context["choices"] = choices
        if chosen is not None:
            context["choice_error"] = "Please choose one of the ways to pay below."
        return render(request, "payments/pay.html", context, status=400 if chosen else 200)
    try:
        payment = payment_start(order=order, variant=chosen or settings.PAYMENT_VARIANT)
    except OrderNotPayable:  # paid or cancelled since the lines above: show which
        return redirect(request.path)
    context["method"] = chosen or ""
    # The choice itself binds no provider form; a provider form posted back does.
    posted = request.method == "POST" and "choose" not in request.POST
    data = request.POST if posted else None
    try:
        form = payment_form(payment=payment, data=data)
    except RedirectNeeded as target:
        return redirect(str(target))
    except (PaymentError, URLError) as error:
        logger.warning("payment %s of order %s failed: %s", payment.pk, order.number, error)
        context["provider_error"] = (
            "The payment provider could not take the payment just now. Nothing was charged; "
            "please try again in a moment."
        )
        return render(request, "payments/pay.html", context, status=502)
    present_provider_form(form)
    context["form"] = form
    context["posts_here"] = not form.action
    context["test_mode"] = isinstance(form, DummyForm)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "payments/pay.html", context, status=status)


@csrf_exempt
def process(request: HttpRequest, token) -> HttpResponse:
    """django-payments' callback for providers that send the shopper (or their server) back
    to a per-payment URL. Stripe events go to stripe_webhook instead: they must be applied
    once each, which the library's view does not do."""
    payment = get_object_or_404(Payment, token=str(token))
    try:
        provider = provider_factory(payment.variant, payment)
    except ValueError as error:
        raise Http404("No such payment.") from error
    if isinstance(provider, StripeProviderV3):
        raise Http404("Stripe events are received at the Stripe webhook.")
    try:
        return process_data(request, str(token), provider)
    except PaymentError as error:
        return JsonResponse({"error": str(error)}, status=400)
