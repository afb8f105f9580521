"""The pay page and django-payments' callback. Thin: the writes are in services; the
providers' webhooks are in webhooks.py."""

import logging
from urllib.error import URLError
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from payments import PaymentError, PaymentStatus, RedirectNeeded
from payments.core import provider_factory
from payments.dummy import DummyProvider
from payments.dummy.forms import DummyForm
from payments.stripe.providers import StripeProviderV3
from payments.urls import process_data

from apothecary.orders.access import may_see_details
from apothecary.orders.forms import OrderEmailForm
from apothecary.orders.models import Order, OrderStatus

from .forms import DummyVerificationForm, present_provider_form
from .models import OPEN_STATUSES, Payment
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


def _follow(request: HttpRequest, payment: Payment, target: str) -> HttpResponse:
    """Where the provider sends the shopper next. The dummy provider's simulated 3-D Secure
    step goes to our process URL: that step changes the payment, so it is a form posted
    (with its CSRF token) from a page of ours, never a link followed."""
    parts = urlsplit(target)
    if parts.path != payment.get_process_url():
        return redirect(target)
    result = parse_qs(parts.query).get("verification_result", [""])[0]
    context = {"order": payment.order, "action": parts.path, "verification_result": result}
    return render(request, "payments/verify.html", context)


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, order_token: str) -> HttpResponse:
    """The order's summary and the provider's form; the form posts back here. Only the buyer
    (orders.access) gets the form, which hands their name and email to the provider; anyone
    else with the link sees the summary and a form asking for the order's email."""
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
    if not may_see_details(request, order):
        context.update(email_form=OrderEmailForm(initial={"next": "pay"}), next_page="pay")
        status = 403 if request.method == "POST" else 200
        return render(request, "payments/pay.html", context, status=status)
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
        return _follow(request, payment, str(target))
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


def _dummy_verification(request: HttpRequest, payment: Payment) -> HttpResponse:
    """The dummy provider's simulated 3-D Secure result, posted from payments/verify.html.
    As the library's DummyProvider.process_data, but from the POST body, and only while the
    payment is still open: a payment confirmed or declined already keeps its status."""
    form = DummyVerificationForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "Invalid verification result."}, status=400)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status in OPEN_STATUSES:
            payment.change_status(form.cleaned_data["verification_result"])
    if payment.status in (PaymentStatus.CONFIRMED, PaymentStatus.PREAUTH):
        return redirect(payment.get_success_url())
    return redirect(payment.get_failure_url())


# Not csrf_exempt: the dummy provider's step is posted from our page with a CSRF token, and
# PayPal sends the shopper back with a GET.
@require_http_methods(["GET", "POST"])
def process(request: HttpRequest, token) -> HttpResponse:
    """django-payments' callback for providers that send the shopper (or their server) back
    to a per-payment URL. Stripe events go to stripe_webhook instead: they must be applied
    once each, which the library's view does not do.

    The dummy provider's callback changes the payment, so it takes a POST only (a GET is a
    405: a link, a prefetch or a crawler confirms nothing). PayPal's return is a GET, by
    PayPal's design: it pays only what PayPal's server confirms when we execute the payment
    with the payer's id (PaypalCheckoutProvider.process_data)."""
    payment = get_object_or_404(Payment, token=str(token))
    try:
        provider = provider_factory(payment.variant, payment)
    except ValueError as error:
        raise Http404("No such payment.") from error
    if isinstance(provider, StripeProviderV3):
        raise Http404("Stripe events are received at the Stripe webhook.")
    if isinstance(provider, DummyProvider):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return _dummy_verification(request, payment)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    try:
        return process_data(request, str(token), provider)
    except PaymentError as error:
        return JsonResponse({"error": str(error)}, status=400)
