"""The staff's emails about orders: a new paid order, a return asked for. Plain text with the
order's number, total, items and a link to it in the admin; each sent once per order or
return (core.notifications.notify_staff, queued after commit)."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from apothecary.core.money import format_money
from apothecary.core.notifications import StaffEvent, notify_staff

from .models import Order, ReturnRequest

logger = logging.getLogger(__name__)


def _admin_url(name: str, arg) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse(name, args=[arg])


def _money(amount, order: Order) -> str:
    return format_money(amount, order.currency)


def notify_order_paid(order: Order) -> None:
    lines = order.lines.all()
    items = "\n".join(
        f"  {line.quantity} × {line.product_title}, {line.variant_name} ({line.sku}): "
        f"{_money(line.line_total, order)}"
        for line in lines
    )
    discount = (
        f"Discount{f' ({order.discount_code})' if order.discount_code else ''}: "
        f"-{_money(order.discount_amount, order)}\n"
        if order.discount_amount
        else ""
    )
    notify_staff(
        event=StaffEvent.ORDER_PAID,
        key=f"order_paid:{order.pk}",
        subject=f"New paid order {order.number}: {_money(order.total, order)}",
        body=(
            f"Order {order.number} was paid: {_money(order.total, order)}.\n\n"
            f"Items:\n{items}\n\n"
            f"{discount}"
            f"Shipping: {_money(order.shipping_amount, order)}, {order.shipping_method}\n"
            f"Tax: {_money(order.tax_amount, order)}\n"
            f"Total: {_money(order.total, order)}\n\n"
            f"Customer: {order.shipping_name} <{order.email}>\n"
            f"Ship to: {order.shipping_city}, {order.shipping_country}\n\n"
            f"Open the order to ship it:\n{_admin_url('store_orders:inspect', order.number)}\n"
        ),
    )


def notify_return_requested(return_request: ReturnRequest) -> None:
    order = return_request.order
    items = "\n".join(
        f"  {line.quantity} × {line.order_line.product_title}, {line.order_line.variant_name} "
        f"({line.order_line.sku})"
        for line in return_request.lines.select_related("order_line")
    )
    notify_staff(
        event=StaffEvent.RETURN_REQUESTED,
        key=f"return_requested:{return_request.pk}",
        subject=f"Return requested for order {order.number}",
        body=(
            f"{order.shipping_name} <{order.email}> asks to return items of order "
            f"{order.number} (total {_money(order.total, order)}).\n\n"
            f"Items:\n{items}\n\n"
            f"Reason given:\n{return_request.reason}\n\n"
            "Approve or reject the return:\n"
            f"{_admin_url('store_returns:inspect', return_request.pk)}\n"
        ),
    )


def order_paid_receiver(sender, order, **kwargs):
    """On `orders.signals.order_paid`: a notification that fails is logged and rolled back
    alone; it never fails the payment."""
    try:
        with transaction.atomic():
            notify_order_paid(order)
    except Exception:
        logger.exception("staff not notified of paid order %s", order.number)
