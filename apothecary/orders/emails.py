"""Order emails, HTML and plain text, sent by a background task queued after commit."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task
from wagtail.models import Site

from apothecary.core.models import BrandSettings

from .models import Order, ReturnRequest

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmation": "We have your order {number}",
    "paid": "Payment received for order {number}",
    "shipped": "Order {number} is on its way",
    "refunded": "A refund for order {number}",
    "cancelled": "Order {number} was cancelled",
    "details_changed": "New shipping details for order {number}",
}


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


@task()
def send_order_email(*, order_id: int, kind: str, refund_id: int | None = None) -> None:
    """One email about the order; a refund's email tells that refund (`refund_id`)."""
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    refund = (
        order.refunds.prefetch_related("lines__order_line").filter(pk=refund_id).first()
        if refund_id
        else None
    )
    site = Site.objects.filter(is_default_site=True).first()
    brand = BrandSettings.for_site(site) if site else None
    context = {
        "order": order,
        "kind": kind,
        "refund": refund,
        "brand_name": brand.brand_name if brand else "Apothecary",
        "order_url": _base_url() + order.get_absolute_url(),
        "pay_url": _base_url() + f"/payments/pay/{order.token}/",
    }
    subject = SUBJECTS[kind].format(number=order.number)
    text = render_to_string(f"orders/email/{kind}.txt", context)
    html = render_to_string("orders/email/base.html", {**context, "body": text})
    message = EmailMultiAlternatives(
        subject=f"{context['brand_name']}: {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()
    logger.info("order %s: %s email sent", order.number, kind)


RETURN_SUBJECTS = {
    "requested": "We have your return request for order {number}",
    "approved": "Your return for order {number} is approved",
    "rejected": "About your return for order {number}",
    "received": "We received your return for order {number}",
    "refunded": "Your return for order {number} is refunded",
}


@task()
def send_return_email(*, return_id: int, status: str) -> None:
    request = ReturnRequest.objects.select_related("order").get(pk=return_id)
    order = request.order
    site = Site.objects.filter(is_default_site=True).first()
    brand_name = BrandSettings.for_site(site).brand_name if site else "Apothecary"
    context = {
        "request": request,
        "order": order,
        "status": status,
        "brand_name": brand_name,
        "order_url": _base_url() + order.get_absolute_url(),
    }
    text = render_to_string("orders/email/return.txt", context)
    html = render_to_string("orders/email/base.html", {**context, "body": text})
    subject = RETURN_SUBJECTS[status].format(number=order.number)
    message = EmailMultiAlternatives(
        subject=f"{brand_name}: {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()
