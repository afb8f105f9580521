"""Order and return emails, plain text and HTML, queued in the outbox (core.outbox) inside
the transaction that changes the order, and sent after commit.

Each kind has one template, `orders/email/<kind>.txt`, written once: the plain-text part
renders it with autoescape off, the HTML part includes the same template inside
`orders/email/base.html` with autoescape on, so what a customer typed (name, address, notes)
is always text in the HTML, never markup."""

from django.conf import settings
from wagtail.models import Site

from apothecary.core.models import BrandSettings
from apothecary.core.outbox import queue_email, render_html, render_text

from .models import Order, ReturnRequest

SUBJECTS = {
    "confirmation": "We have your order {number}",
    "paid": "Payment received for order {number}",
    "shipped": "Order {number} is on its way",
    "refunded": "A refund for order {number}",
    "cancelled": "Order {number} was cancelled",
    "details_changed": "New shipping details for order {number}",
}

RETURN_SUBJECTS = {
    "requested": "We have your return request for order {number}",
    "approved": "Your return for order {number} is approved",
    "rejected": "About your return for order {number}",
    "received": "We received your return for order {number}",
    "refunded": "Your return for order {number} is refunded",
}


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _brand_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return BrandSettings.for_site(site).brand_name if site else "Apothecary"


def _queue(*, key: str, kind: str, to: str, subject: str, template: str, context: dict) -> None:
    context = {**context, "body_template": template}
    queue_email(
        key=key,
        kind=kind,
        to=to,
        subject=f"{context['brand_name']}: {subject}",
        text=render_text(template, context),
        html=render_html("orders/email/base.html", context),
    )


def queue_order_email(*, order: Order, kind: str, event: int | None = None) -> None:
    """Queue the `kind` email of `order`, once per order and kind (and per `event` where a
    kind can happen more than once: a refund's id, an edit's history row)."""
    order = Order.objects.prefetch_related("lines").get(pk=order.pk)
    refund = None
    if kind == "refunded" and event is not None:
        refund = order.refunds.prefetch_related("lines__order_line").filter(pk=event).first()
    context = {
        "order": order,
        "kind": kind,
        "refund": refund,
        "brand_name": _brand_name(),
        "order_url": _base_url() + order.get_absolute_url(),
        "pay_url": _base_url() + f"/payments/pay/{order.token}/",
    }
    _queue(
        key=f"order:{order.pk}:{kind}" + (f":{event}" if event is not None else ""),
        kind=f"order_{kind}",
        to=order.email,
        subject=SUBJECTS[kind].format(number=order.number),
        template=f"orders/email/{kind}.txt",
        context=context,
    )


def queue_return_email(*, request: ReturnRequest) -> None:
    """The email of the return's current status, once per return and status."""
    request = ReturnRequest.objects.select_related("order").get(pk=request.pk)
    order = request.order
    context = {
        "request": request,
        "order": order,
        "status": request.status,
        "brand_name": _brand_name(),
        "order_url": _base_url() + order.get_absolute_url(),
    }
    _queue(
        key=f"return:{request.pk}:{request.status}",
        kind=f"return_{request.status}",
        to=order.email,
        subject=RETURN_SUBJECTS[request.status].format(number=order.number),
        template="orders/email/return.txt",
        context=context,
    )
