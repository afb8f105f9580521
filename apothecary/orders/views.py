import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Site

from apothecary.accounts.hooks import account_links
from apothecary.core.ratelimit import client_ip, hit

from .access import email_matches, may_see_details, remember_order
from .accounts import used_addresses
from .forms import OrderEmailForm, OrderLookupForm, ReturnRequestForm
from .models import Order
from .returns import (
    ReturnError,
    return_refusal,
    return_request_create,
    return_window_end,
    returnable_quantities,
)

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def lookup(request):
    """A guest finds an order by its number and email; rate limited per address."""
    form = OrderLookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not hit(
            scope="order-lookup",
            key=client_ip(request),
            limit=settings.ORDER_LOOKUP_LIMIT,
            window_seconds=600,
        ):
            form.add_error(None, "Too many attempts. Please wait ten minutes and try again.")
            status = 429
        elif form.is_valid():
            order = Order.objects.filter(
                number=form.cleaned_data["number"], email__iexact=form.cleaned_data["email"]
            ).first()
            if order is not None:  # the number and the email: this is the buyer
                remember_order(request, order)
                return redirect(order.get_absolute_url())
            logger.info("order lookup: no match for %s", form.cleaned_data["number"])
            form.add_error(
                None,
                "We found no order with that number and email address. "
                "Check both against your confirmation email.",
            )
            status = 404
        else:
            status = 400
    return TemplateResponse(request, "orders/lookup.html", {"form": form}, status=status)


@login_required
def account(request):
    """The customer's orders (their own, and a guest's earlier ones once the address is
    confirmed: orders.accounts), the addresses those orders went to, and the sign-in links."""
    orders = list(Order.objects.filter(user=request.user).prefetch_related("lines"))
    context = {
        "orders": orders,
        "addresses": used_addresses(orders),
        "elsewhere": account_links(request),  # e.g. the affiliate dashboard (accounts.hooks)
    }
    return TemplateResponse(request, "orders/account.html", context)


def page_of(order: Order, page: str) -> str:
    """The address of one of the order's own pages, by the names OrderEmailForm.next takes."""
    if page == "pay":
        return reverse("payments:pay", args=[order.token])
    if page == "return":
        return reverse("orders:return_request", args=[order.token])
    return order.get_absolute_url()


def render_confirm_email(request, order: Order, *, next_page: str, form=None, status=200):
    """The page that asks for the order's email before its details (or a return) are shown."""
    form = form or OrderEmailForm(initial={"next": next_page})
    context = {"order": order, "email_form": form, "next_page": next_page}
    return TemplateResponse(request, "orders/confirm_email.html", context, status=status)


def _email_attempt_allowed(request, order: Order) -> bool:
    """Per visitor address, and per order (however many addresses guess at one order)."""
    limit = settings.ORDER_LOOKUP_LIMIT
    return hit(
        scope="order-email", key=client_ip(request), limit=limit, window_seconds=600
    ) and hit(scope="order-email-order", key=str(order.pk), limit=limit, window_seconds=600)


@require_POST
def confirm_email(request, token):
    """The buyer proves the order is theirs with the email they ordered with; this session
    then sees its details (orders.access) and goes back to the order's page it came from."""
    order = get_object_or_404(Order, token=token)
    form = OrderEmailForm(request.POST)
    next_page = request.POST.get("next", "order")
    if next_page not in OrderEmailForm.NEXT_PAGES:
        next_page = "order"
    if not _email_attempt_allowed(request, order):
        form.is_valid()
        form.add_error(None, "Too many attempts. Please wait ten minutes and try again.")
        return render_confirm_email(request, order, next_page=next_page, form=form, status=429)
    if not form.is_valid():
        return render_confirm_email(request, order, next_page=next_page, form=form, status=400)
    if not email_matches(order, form.cleaned_data["email"]):
        logger.info("order %s: the email given does not match", order.number)
        form.add_error(
            "email", "This is not the email address of this order. Check your confirmation email."
        )
        return render_confirm_email(request, order, next_page=next_page, form=form, status=403)
    remember_order(request, order)
    return redirect(page_of(order, form.cleaned_data["next"] or next_page))


@require_http_methods(["GET", "POST"])
def return_request(request, token):
    """Ask to return lines of a delivered order: the buyer's session, their account, or a
    session that gave the order's email (orders.access) may; the token alone may not."""
    order = get_object_or_404(Order.objects.prefetch_related("lines"), token=token)
    if not may_see_details(request, order):
        status = 403 if request.method == "POST" else 200
        return render_confirm_email(request, order, next_page="return", status=status)
    site = Site.find_for_request(request)
    form = ReturnRequestForm(request.POST or None, order=order, left=returnable_quantities(order))
    status = 200
    refusal = return_refusal(order, site=site)  # said before the form, which is not shown
    if request.method == "POST" and refusal:
        logger.info("order %s: return refused: %s", order.number, refusal)
        status = 400
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                return_request_create(
                    order=order,
                    quantities=form.quantities(),
                    reason=form.cleaned_data["reason"],
                    site=site,
                )
            except ReturnError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    "Thank you: we have your return request and have "
                    "sent you an email about the next steps.",
                )
                return redirect(order.get_absolute_url())
    context = {
        "order": order,
        "form": form,
        "window_end": return_window_end(order, site=site),
        "refusal": refusal,
        "returns": order.returns.prefetch_related("lines__order_line"),
    }
    return TemplateResponse(request, "orders/return_request.html", context, status=status)
