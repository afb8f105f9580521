"""Staff actions on money and stock are logged with who did them and what they sent."""

import logging

import pytest

from .builders import make_order, make_store, paid
from .test_order_detail import refund, seen, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    variant, rate = make_store(stock=10)
    return paid(make_order(variant, rate, quantity=2, email="grace@example.com"), with_payment=True)


def test_a_refund_is_logged_with_the_staff_member_and_the_amount(
    admin_client, admin_user, order, caplog
):
    with caplog.at_level(logging.INFO, logger="apothecary.audit"):
        response = refund(admin_client, order, amount="5.00")

    assert response.status_code == 302
    [record] = [r for r in caplog.records if r.name == "apothecary.audit"]
    message = record.getMessage()
    who = f"{admin_user.get_username()} (user {admin_user.pk})"
    assert message.startswith(f"admin order refund: Order {order.number} by {who}: ")
    assert "amount=5.00, reason=Asked for, restock=False, shipping=False" in message
    assert "seen=" not in message and "plan=" not in message


def test_a_refused_action_is_logged_as_a_warning(admin_client, order, caplog):
    stale = seen(admin_client, order, "refund")
    refund(admin_client, order, amount="5.00")
    caplog.clear()

    with caplog.at_level(logging.INFO, logger="apothecary.audit"):
        response = admin_client.post(
            url(order, "refund"),
            {"refund-seen": stale, "refund-amount": "1.00", "refund-reason": "Again"},
        )

    assert response.status_code == 409
    [record] = [r for r in caplog.records if r.name == "apothecary.audit"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("admin order refund: refused 409 to admin@")
