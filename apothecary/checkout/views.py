"""Checkout: details → review → place → pay → done. Details live in the session between steps;
every step prices the cart again from the database."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Site

from apothecary.cart.selectors import (
    cart_for_request,
    cart_subtotal,
    cart_view_lines,
    cart_weight_grams,
)
from apothecary.catalog.models import OrderPage
from apothecary.core.http import Visitor
from apothecary.core.ratelimit import client_ip
from apothecary.orders.access import may_see_details, remember_order
from apothecary.orders.forms import OrderEmailForm
from apothecary.orders.models import Order, OrderStatus
from apothecary.orders.returns import return_refusal

from .forms import CheckoutDetailsForm, initial_from_order
from .limits import place_refusal
from .pricing import totals_for_address
from .services import CheckoutError, DiscountError, SoldOut, TooManyUnpaidOrders, order_place

DETAILS = "checkout_details"  # the cleaned details form, as form data
KEY = "checkout_key"  # the idempotency key the review page handed out
PLACED = "checkout_placed"  # {idempotency key: order token} of the orders placed lately
PLACED_KEPT = 5
PLACE_FIELDS = {"csrfmiddlewaretoken", "idempotency_key"}


def payment_url(order: Order) -> str:
    return reverse("payments:pay", args=[order.token])


def _cart_lines(request):
    cart = cart_for_request(request)
    return cart, cart_view_lines(cart)


def _cart_not_ready(request, lines):
    """A redirect to the cart when it is empty or has a line that cannot be ordered."""
    if not lines:
        messages.info(request, "Your cart is empty: add a pack before you check out.")
        return redirect("cart:detail")
    if any(line.problem for line in lines):
        messages.error(request, "Some packs in your cart need your attention before checkout.")
        return redirect("cart:detail")
    return None


def _details_form(lines, data=None, **kwargs) -> CheckoutDetailsForm:
    return CheckoutDetailsForm(
        data,
        subtotal=cart_subtotal(lines),
        weight_grams=cart_weight_grams(lines),
        **kwargs,
    )


def _prefill(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    last = Order.objects.filter(user=user).order_by("-created_at", "-pk").first()
    return initial_from_order(last) if last else {"email": user.email}


def _render_details(request, form, lines, *, status=200):
    context = {"form": form, "lines": lines, "subtotal": cart_subtotal(lines)}
    return TemplateResponse(request, "checkout/details.html", context, status=status)


@require_http_methods(["GET", "POST"])
def details(request):
    """Email, addresses, shipping method and discount code; kept in the session when valid."""
    _, lines = _cart_lines(request)
    if (not_ready := _cart_not_ready(request, lines)) is not None:
        return not_ready
    if request.method == "POST":
        form = _details_form(lines, request.POST)
        if form.is_valid():
            request.session[DETAILS] = form.to_session()
            return redirect("checkout:review")
        return _render_details(request, form, lines, status=400)
    stored = request.session.get(DETAILS)
    if stored:  # bound again, so that what changed since (a rate, a code) shows as an error
        form = _details_form(lines, stored)
        form.is_valid()
    else:
        form = _details_form(lines, initial=_prefill(request))
    return _render_details(request, form, lines)


def _render_review(request, form, lines, *, error="", status=200):
    """The breakdown, priced from the database, and a Place order form with a fresh key."""
    shipping = form.shipping_address()
    totals = totals_for_address(
        lines=[line.priced() for line in lines],
        discount=form.discount,
        shipping_rate=form.rate,
        country=shipping.country,
        region=shipping.region,
    )
    key = uuid.uuid4().hex
    request.session[KEY] = key
    context = {
        "form": form,
        "details": form.cleaned_data,
        "shipping": shipping,
        "billing": form.billing_address(),
        "lines": lines,
        "totals": totals,
        "rate": form.rate,
        "tax_rate": totals.tax_rate,
        "currency": settings.STORE_CURRENCY,
        "has_problems": any(line.problem for line in lines),
        "idempotency_key": key,
        "error": error,
    }
    return TemplateResponse(request, "checkout/review.html", context, status=status)


def _valid_details(request, lines):
    """The stored details, checked again against today's cart, rates and codes; or None."""
    stored = request.session.get(DETAILS)
    if not stored:
        return None
    form = _details_form(lines, stored)
    return form if form.is_valid() else None


@require_GET
def review(request):
    _, lines = _cart_lines(request)
    if (not_ready := _cart_not_ready(request, lines)) is not None:
        return not_ready
    form = _valid_details(request, lines)
    if form is None:
        if request.session.get(DETAILS):
            messages.error(request, "Something changed since you entered your details: check them.")
        return redirect("checkout:details")
    return _render_review(request, form, lines)


def _placed_order(request, key: str) -> Order | None:
    """The order this key already made, when the key is one this session was given."""
    if not key:
        return None
    placed = request.session.get(PLACED, {})
    if key in placed:
        return Order.objects.filter(token=placed[key]).first()
    if key == request.session.get(KEY):
        return Order.objects.filter(idempotency_key=key).first()
    return None


def _remember(request, key: str, order: Order) -> None:
    placed = dict(list(request.session.get(PLACED, {}).items())[-(PLACED_KEPT - 1) :])
    placed[key] = order.token
    request.session[PLACED] = placed
    remember_order(request, order)  # this session may see the order's details
    request.session.pop(DETAILS, None)
    request.session.pop(KEY, None)


@require_POST
def place(request):
    """Place the order from the cart and the stored details; then on to payment. The form
    carries only the key from the review page: a second submit of it finds the same order."""
    key = request.POST.get("idempotency_key", "").strip()
    if (order := _placed_order(request, key)) is not None:
        return redirect(payment_url(order))
    cart, lines = _cart_lines(request)
    if not lines:  # a line that cannot be ordered is order_place's to refuse (SoldOut)
        return _cart_not_ready(request, lines)
    stored = request.session.get(DETAILS)
    if not stored:
        messages.error(request, "Enter your details to check out.")
        return redirect("checkout:details")
    form = _details_form(lines, stored)
    if not form.is_valid():
        return _render_details(request, form, lines, status=400)
    if set(request.POST) - PLACE_FIELDS:
        return _render_review(
            request,
            form,
            lines,
            error="The order form was changed, so nothing was ordered. Check your order below "
            "and place it again.",
            status=400,
        )
    if not key or key != request.session.get(KEY):
        return _render_review(
            request,
            form,
            lines,
            error="This page was out of date, so nothing was ordered. Check your order below "
            "and place it again.",
            status=400,
        )
    if refusal := place_refusal(ip=client_ip(request), email=form.cleaned_data["email"]):
        response = _render_review(
            request, form, lines, error=refusal.message, status=refusal.status
        )
        response["Retry-After"] = str(refusal.retry_after)
        return response
    try:
        order = order_place(
            cart=cart,
            email=form.cleaned_data["email"],
            shipping=form.shipping_address(),
            billing=form.billing_address(),
            phone=form.cleaned_data["phone"],
            shipping_rate=form.rate,
            discount_code=form.cleaned_data["discount_code"],
            idempotency_key=key,
            user=request.user if request.user.is_authenticated else None,
            visitor=Visitor.of(request),
        )
    except SoldOut as error:
        return _render_review(request, form, cart_view_lines(cart), error=str(error), status=409)
    except TooManyUnpaidOrders as error:
        return _render_review(request, form, lines, error=str(error), status=429)
    except DiscountError as error:
        form.add_error("discount_code", str(error))
        return _render_details(request, form, lines, status=400)
    except CheckoutError as error:
        form.add_error(None, str(error))
        return _render_details(request, form, lines, status=400)
    except IntegrityError:  # the same key, placed by a concurrent submit that won the race
        order = Order.objects.filter(idempotency_key=key).first()
        if order is None:
            raise
    _remember(request, key, order)
    return redirect(payment_url(order))


# Where an order stands, as the heading of its page says it after "Order B12-1234: ".
STATE_WORDS = {
    OrderStatus.PENDING_PAYMENT: "awaiting payment",
    OrderStatus.PAID: "paid, not shipped yet",
    OrderStatus.SHIPPED: "shipped",
    OrderStatus.DELIVERED: "delivered",
    OrderStatus.PARTIALLY_REFUNDED: "partly refunded",
    OrderStatus.REFUNDED: "refunded",
    OrderStatus.CANCELLED: "cancelled",
}


def return_note(order: Order, request) -> str:
    """What the order's page says about returns instead of the "Return items" link: nothing
    for an order that was never paid, or was cancelled or refunded in full."""
    if order.paid_at is None or order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        return ""
    return return_refusal(order, site=Site.find_for_request(request))


@require_GET
def done(request, token: str):
    """The confirmation page. Its address (the order's secret token) shows the order's status,
    number, lines and totals; the buyer's name, email and address, the documents and returns
    only to the buyer (orders.access), and to anyone else a form asking for the order's
    email. Query parameters (a provider's session_id on the way back) are ignored: only
    the provider's webhook or callback marks an order paid."""
    order = get_object_or_404(
        Order.objects.select_related("invoice").prefetch_related(
            "lines",
            "refunds__lines__order_line",
            "returns__lines__order_line",
            "returns__refunds",
        ),
        token=token,
    )
    placed_here = order.token in request.session.get(PLACED, {}).values()
    shown = may_see_details(request, order)
    order_page = OrderPage.objects.live().public().first()
    context = {
        "order": order,
        "lines": order.lines.all(),
        "awaiting_payment": order.status == OrderStatus.PENDING_PAYMENT,
        "paid": order.status == OrderStatus.PAID,
        # "Thank you!" is for the session that placed the order, right after paying; anyone
        # else (a lookup, the account, an emailed link) is told where the order stands.
        "placed_here": placed_here,
        "state": "" if placed_here else STATE_WORDS.get(order.status, ""),
        "return_note": return_note(order, request) if shown else "",
        "shop_url": (order_page.get_url(request) if order_page else None) or "/",
        "pay_url": payment_url(order),
        "details": shown,
        "email_form": OrderEmailForm(initial={"next": "order"}),
        "next_page": "order",
    }
    return TemplateResponse(request, "checkout/done.html", context)
