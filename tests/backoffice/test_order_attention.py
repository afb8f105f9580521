"""Orders that need attention: the flag, its staff email, the list's filter and count, the
detail page's notice and its "Mark resolved" action."""

import re

import pytest
from django.core import mail

from apothecary.core.notifications import StaffNotification
from apothecary.orders.attention import AttentionError, order_clear_flag, order_flag
from apothecary.orders.models import AttentionReason, Order

from .builders import make_order, make_store, paid

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staff_email(settings):
    settings.STAFF_NOTIFICATION_EMAIL = "shop@example.com"


@pytest.fixture
def order():
    variant, rate = make_store()
    return paid(make_order(variant, rate, email="grace@example.com", name="Grace Hopper"))


def flag(order, reason=AttentionReason.DUPLICATE_PAYMENT, note="Payment 7 paid it again."):
    return order_flag(order=order, reason=reason, note=note, actor_label="payment provider")


def attention_subjects():
    return [m.subject for m in mail.outbox if "needs attention" in m.subject]


def test_a_flag_marks_the_order_writes_its_history_and_emails_the_staff_once(
    order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert flag(order) is True
        assert flag(order) is False  # the same anomaly applied twice

    order.refresh_from_db()
    assert order.needs_attention
    assert order.attention_reason == AttentionReason.DUPLICATE_PAYMENT
    assert order.attention_note == "Payment 7 paid it again."
    assert order.attention_at is not None
    assert list(order.events.filter(to_status="").values_list("message", flat=True)) == [
        "Needs attention: Duplicate payment. Payment 7 paid it again."
    ]
    assert attention_subjects() == [f"Order {order.number} needs attention: duplicate payment"]
    assert f"/admin/orders/{order.number}/" in mail.outbox[-1].body
    assert Order.objects.filter(needs_attention=True).count() == 1


def test_another_reason_replaces_the_first_and_emails_again(
    order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flag(order)
        flag(order, AttentionReason.REFUND_AT_PROVIDER, "Refunded 5.00 in Stripe.")

    order.refresh_from_db()
    assert order.attention_reason == AttentionReason.REFUND_AT_PROVIDER
    assert len(attention_subjects()) == 2


def test_resolving_clears_the_flag_and_a_later_flag_emails_again(
    order, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flag(order)
        order_clear_flag(order=order, actor=admin_user, note="Refunded in Stripe")
        flag(order)

    assert len(attention_subjects()) == 2
    assert StaffNotification.objects.filter(event="needs_attention").count() == 2
    messages = list(order.events.filter(to_status="").values_list("message", "actor"))
    assert messages[1] == ("Resolved: Duplicate payment. Refunded in Stripe", admin_user.pk)


def test_resolving_an_order_that_needs_nothing_is_refused(order):
    with pytest.raises(AttentionError, match="does not need attention"):
        order_clear_flag(order=order)


def test_a_flag_needs_a_known_reason(order):
    with pytest.raises(ValueError):
        order_flag(order=order, reason="something else")
    order.refresh_from_db()
    assert not order.needs_attention


# The admin


def test_the_list_counts_and_filters_the_orders_that_need_attention(
    admin_client, order, django_assert_max_num_queries
):
    variant, rate = make_store(countries="CA")
    calm = paid(make_order(variant, rate, email="calm@example.com", country="CA"))
    flag(order)

    with django_assert_max_num_queries(30):
        everything = admin_client.get("/admin/orders/")
    filtered = admin_client.get("/admin/orders/?needs_attention=true")

    html = everything.content.decode()
    assert "1 order needs attention" in html
    assert 'href="/admin/orders/?needs_attention=true"' in html
    assert "Duplicate payment" in html
    numbers = set(re.findall(r'href="/admin/orders/([2-9A-Z]{8})/"', filtered.content.decode()))
    assert numbers == {order.number}
    assert calm.number not in numbers


def test_the_list_says_nothing_when_no_order_needs_attention(admin_client, order):
    html = admin_client.get("/admin/orders/").content.decode()
    assert "needs attention" not in html and "need attention" not in html


def test_the_detail_shows_the_reason_and_resolving_clears_it(admin_client, order):
    flag(order)
    page = admin_client.get(f"/admin/orders/{order.number}/").content.decode()
    assert "Needs attention: Duplicate payment" in page
    assert "Payment 7 paid it again." in page
    seen = re.search(r'name="resolve-seen" value="([^"]*)"', page).group(1)

    response = admin_client.post(
        f"/admin/orders/{order.number}/resolve/",
        {"resolve-seen": seen, "resolve-note": "Refunded the second payment"},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert not order.needs_attention and order.attention_reason == ""
    page = admin_client.get(f"/admin/orders/{order.number}/").content.decode()
    assert 'id="order-attention"' not in page
    assert "Resolved: Duplicate payment. Refunded the second payment" in page
    assert f'action="/admin/orders/{order.number}/resolve/"' not in page


def test_mark_resolved_is_not_offered_without_a_flag_and_refused_when_posted(admin_client, order):
    page = admin_client.get(f"/admin/orders/{order.number}/").content.decode()
    assert "Mark resolved" not in page

    response = admin_client.post(
        f"/admin/orders/{order.number}/resolve/", {"resolve-seen": "paid|0.00||None"}
    )

    assert response.status_code == 409


def test_a_new_flag_after_the_page_was_opened_makes_resolving_stale(admin_client, order):
    flag(order)
    page = admin_client.get(f"/admin/orders/{order.number}/").content.decode()
    seen = re.search(r'name="resolve-seen" value="([^"]*)"', page).group(1)
    flag(order, AttentionReason.REFUND_AT_PROVIDER, "Refunded 5.00 in Stripe.")

    response = admin_client.post(f"/admin/orders/{order.number}/resolve/", {"resolve-seen": seen})

    assert response.status_code == 409
    order.refresh_from_db()
    assert order.attention_reason == AttentionReason.REFUND_AT_PROVIDER
