"""One affiliate_totals (selectors.py) for the affiliate's dashboard and their admin page: the
same clicks, paid referred orders and amounts by status on both, whatever became of the
orders. Orders are paid, refunded and cancelled through the real services."""

from decimal import Decimal

import pytest
from django.test import Client
from lxml import html
from payments import PaymentStatus

from apothecary.affiliates import payouts
from apothecary.affiliates.models import Click, CommissionStatus
from apothecary.affiliates.services import commission_create, commission_transition
from apothecary.checkout.models import ShippingZone
from apothecary.orders.refunds import order_refund
from apothecary.orders.services import order_cancel
from apothecary.payments.services import payment_start
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import make_affiliate, make_referral, set_program

pytestmark = pytest.mark.django_db

STATUSES = ("pending", "approved", "paid")


@pytest.fixture
def anna():
    """Anna at 15% with 40 clicks and seven referred orders: two cancelled before payment (one
    of them with a commission made by hand, reversed by the cancellation), the others paid;
    of those, one refunded in full, one in part, one approved, one approved and paid out, one
    left pending."""
    set_program(commission_rate=Decimal("15.00"), payout_threshold=Decimal("1.00"))
    ShippingZone.objects.update(active=False)
    rate = make_zone(countries="US", tax_rate="10", price="5.00")
    patch = make_product(title="Totals Patch", variants=((30, "10.00", 1, 50),)).variants.get()
    anna = make_affiliate(code="anna")
    Click.objects.bulk_create(
        Click(affiliate=anna, landing_url="/order/", ip_hash=f"visitor-{n}") for n in range(40)
    )

    def referred(quantity=1, *, paid=True):
        order = place_order(cart=make_cart((patch, quantity)), rate=rate)
        make_referral(order=order, affiliate=anna)
        if paid:
            payment_start(order=order).change_status(PaymentStatus.CONFIRMED)
            order.refresh_from_db()
        return order

    pending = referred()  # earns 1.50, still pending
    paid_out = referred()
    commission_transition(commission=paid_out.commissions.get(), to=CommissionStatus.APPROVED)
    batch = payouts.payout_batch_create(actor=None)
    payouts.payout_batch_mark_paid(batch=batch, reference="PAYOUT-1", actor=None)
    approved = referred()
    commission_transition(commission=approved.commissions.get(), to=CommissionStatus.APPROVED)
    refunded = referred()
    order_refund(order=refunded, amount=refunded.total)  # reversed
    partly = referred(2)  # earns 3.00 on 27.50; 5.50 back leaves 4/5 of it: 2.40
    order_refund(order=partly, amount=Decimal("5.50"))
    cancelled = referred(paid=False)
    order_cancel(order=cancelled, reason="Changed my mind")  # no commission, not counted
    made_early = referred(paid=False)
    commission_create(order=made_early)
    order_cancel(order=made_early, reason="Fraud")  # its commission reversed; not counted
    assert pending.commissions.get().status == CommissionStatus.PENDING
    return anna


def figures_on_the_admin_page(page) -> dict:
    tree = html.fromstring(page.content)
    (summary,) = tree.xpath("//*[@data-clicks]")
    amounts = {cell.get("data-total"): cell.text for cell in tree.xpath("//*[@data-total]")}
    return {
        "clicks": summary.get("data-clicks"),
        "orders": summary.get("data-orders"),
        **{status: amounts[status] for status in STATUSES},
    }


def figures_on_the_dashboard(page) -> dict:
    tree = html.fromstring(page.content)
    shown = {span.get("data-total"): span.text for span in tree.xpath("//*[@data-total]")}
    return {
        "clicks": shown["clicks"],
        "orders": shown["orders"],
        **{status: shown[status] for status in STATUSES},
    }


def test_the_admin_page_and_the_dashboard_show_the_same_figures(anna, django_user_model):
    staff = Client()
    staff.force_login(
        django_user_model.objects.create_superuser(email="boss@example.com", password="pw")
    )
    affiliate = Client()
    affiliate.force_login(anna.user)

    on_admin = figures_on_the_admin_page(staff.get(f"/admin/affiliates/{anna.pk}/"))
    on_dashboard = figures_on_the_dashboard(affiliate.get("/affiliates/dashboard/"))

    assert on_admin == on_dashboard
    assert on_dashboard == {
        "clicks": "40",
        "orders": "5",  # every order that was paid, the refunded ones included
        "pending": "$3.90",  # 1.50 + 2.40
        "approved": "$1.50",
        "paid": "$1.50",
    }
