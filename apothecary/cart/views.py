"""The cart page, the add-to-cart endpoint of the product and order pages, and the header's
count. Views parse with a form and call a service; all rules live in services and selectors."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apothecary.catalog.models import OrderPage
from apothecary.core.http import same_origin_only

from .forms import AddToCartForm, CartRemoveForm, CartUpdateForm
from .selectors import cart_count, cart_for_request, cart_subtotal, cart_view_lines
from .services import CartError, cart_add, cart_remove, cart_update


def _wants_json(request) -> bool:
    return request.accepts("application/json") and not request.accepts("text/html")


def _render(request, *, lines, form=None, error="", status=200):
    order_page = OrderPage.objects.live().public().first()
    context = {
        "lines": lines,
        "form": form or CartUpdateForm(lines=lines),
        "subtotal": cart_subtotal(lines),
        "has_problems": any(line.problem for line in lines),
        "error": error,
        "continue_url": (order_page.get_url(request) if order_page else None) or "/",
    }
    return TemplateResponse(request, "cart/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def detail(request):
    """GET shows the cart; POST updates its quantities or removes a line."""
    cart = cart_for_request(request)
    lines = cart_view_lines(cart)
    if request.method == "GET":
        return _render(request, lines=lines)
    if not lines:
        return _render(request, lines=lines, error="Your cart is empty.", status=400)
    if "remove" in request.POST:
        remove_form = CartRemoveForm(request.POST, lines=lines)
        if not remove_form.is_valid():
            return _render(request, lines=lines, error=remove_form.errors["remove"][0], status=400)
        variant = remove_form.cleaned_data["remove"]
        try:
            cart_remove(cart=cart, variant=variant)
        except CartError as error:
            return _render(request, lines=lines, error=str(error), status=400)
        messages.success(request, f"Removed {variant.product.title}, {variant.name}.")
        return redirect("cart:detail")
    form = CartUpdateForm(request.POST, lines=lines)
    if form.is_valid():
        try:
            cart_update(cart=cart, quantities=form.quantities())
        except CartError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your cart was updated.")
            return redirect("cart:detail")
    return _render(request, lines=lines, form=form, status=400)


def _add_refused(request, message: str):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=400)
    cart = cart_for_request(request)
    return _render(request, lines=cart_view_lines(cart), error=message, status=400)


@csrf_exempt  # the form is on cached public pages; same_origin_only checks where it came from
@same_origin_only
@require_POST
def add(request):
    """Add a pack (POST variant, quantity) and go to the cart, with a message."""
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        return _add_refused(request, form.first_error())
    variant, quantity = form.cleaned_data["variant"], form.cleaned_data["quantity"]
    cart = cart_for_request(request, create=True)
    try:
        cart_add(cart=cart, variant=variant, quantity=quantity)
    except CartError as error:
        return _add_refused(request, str(error))
    message = f"Added {quantity} × {variant.product.title}, {variant.name} to your cart."
    if _wants_json(request):
        return JsonResponse({"count": cart_count(request), "message": message})
    messages.success(request, message)
    return redirect("cart:detail")


@require_GET
def count(request):
    """{"count": units in the cart}, for the header's cart link."""
    return JsonResponse({"count": cart_count(request)})
