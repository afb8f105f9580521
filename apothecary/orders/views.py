import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.models import Site

from apothecary.accounts.forms import EmailChangeForm
from apothecary.core.ratelimit import client_ip, hit

from .forms import OrderLookupForm, ReturnRequestForm
from .models import Order
from .returns import ReturnError, return_request_create, return_window_end, returnable_quantities

logger = logging.getLogger(__name__)


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
            if order is not None:
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
    orders = Order.objects.filter(user=request.user).prefetch_related("lines")
    context = {"orders": orders, "email_change_form": EmailChangeForm(user=request.user)}
    return TemplateResponse(request, "orders/account.html", context)


def return_request(request, token):
    """Ask to return lines of a delivered order; the order's token (from the confirmation
    page, the account or a lookup) grants access."""
    order = get_object_or_404(Order.objects.prefetch_related("lines"), token=token)
    site = Site.find_for_request(request)
    form = ReturnRequestForm(request.POST or None, order=order, left=returnable_quantities(order))
    status = 200
    if request.method == "POST":
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
        "returns": order.returns.prefetch_related("lines__order_line"),
    }
    return TemplateResponse(request, "orders/return_request.html", context, status=status)
