"""Customers and their orders for the access-control launch tests (19, 26, 28, 30): each
customer has an account and a paid, delivered order with an invoice and a credit note, so
that every customer-owned URL has a real object behind it."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from payments import PaymentStatus

from apothecary.invoices.models import CreditNote
from apothecary.orders.models import Order
from apothecary.orders.refunds import order_refund
from apothecary.orders.services import order_deliver, order_ship
from apothecary.payments.services import payment_start
from tests.store import AddressData, make_cart, make_product, make_zone, place_order

PASSWORD = "a long launch password 1"


@dataclass
class Customer:
    user: object
    order: Order
    credit_note: CreditNote

    @property
    def email(self) -> str:
        return self.user.email

    def values(self) -> dict:
        """This customer's objects by URL parameter name (tests.launch.routes.url_of)."""
        return {
            "token": self.order.token,
            "order_token": self.order.token,
            "number": self.order.number,
            "reference": self.credit_note.reference,
        }


def paid_order(*, email: str, name: str, user=None, delivered=True) -> Order:
    variant = make_product(title="Launch Patch", variants=((30, "19.95", 1, 20),))
    address = AddressData(
        name=name,
        line1=f"{len(name)} Private Lane",
        city="Springfield",
        postcode="12345",
        country="US",
        region="IL",
    )
    order = place_order(
        cart=make_cart((variant.variants.get(), 2)),
        rate=make_zone(),
        email=email,
        shipping=address,
    )
    if user is not None:
        Order.objects.filter(pk=order.pk).update(user=user)
    payment = payment_start(order=order)
    payment.captured_amount = payment.total
    payment.save(update_fields=["captured_amount"])
    payment.change_status(PaymentStatus.CONFIRMED)
    order.refresh_from_db()
    if delivered:
        order_ship(order=order, carrier="USPS", tracking_number=f"1Z{order.number}")
        order_deliver(order=order)
        order.refresh_from_db()
        order.delivered_at = timezone.now()
        order.save(update_fields=["delivered_at"])
    return order


def customer(email: str, name: str) -> Customer:
    user = get_user_model().objects.create_user(email=email, password=PASSWORD)
    order = paid_order(email=email, name=name, user=user)
    refund = order_refund(order=order, amount=Decimal("1.00"))
    return Customer(user=user, order=order, credit_note=CreditNote.objects.get(refund=refund))
