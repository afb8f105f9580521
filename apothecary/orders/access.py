"""Who may see an order's personal details (the buyer's name, email and addresses) and act
on it (ask for a return, download its invoice).

An order's link carries its token (192 random bits): enough to find the order, not to read
who bought it, since links travel in emails, browser histories and access logs. The details
are shown to:

- the session that placed the order (checkout remembers it here),
- the signed-in account that owns the order,
- a session that proved the order's email address (the "enter the email you ordered with"
  form on the order's pages, or the order lookup, which asks for it too).

Anyone else with the link sees the order's status, number, lines and totals."""

from django.http import HttpRequest

from .models import Order

SESSION_KEY = "orders_confirmed"  # ids of the orders this session may see in full
KEPT = 20  # the newest ones; an older order asks for its email again


def remember_order(request: HttpRequest, order: Order) -> None:
    """Let this session see `order` in full from now on."""
    kept = [pk for pk in request.session.get(SESSION_KEY, []) if pk != order.pk]
    request.session[SESSION_KEY] = [*kept[-(KEPT - 1) :], order.pk]


def may_see_details(request: HttpRequest, order: Order) -> bool:
    user = request.user
    if order.user_id is not None and user.is_authenticated and user.pk == order.user_id:
        return True
    return order.pk in request.session.get(SESSION_KEY, [])


def email_matches(order: Order, email: str) -> bool:
    return bool(email) and email.strip().casefold() == order.email.strip().casefold()
