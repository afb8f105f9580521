"""Retention: apply_retention (command and task) removes what is past the periods of
settings.PRIVACY_RETENTION_DAYS and says what it did; the demo's privacy policy states the
same periods."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from apothecary.affiliates.models import Click
from apothecary.cart.models import Cart
from apothecary.consent.models import ConsentRecord
from apothecary.consent.services import consent_record
from apothecary.contact.models import ContactMessage
from apothecary.orders.models import Order
from apothecary.privacy.services import period_text
from apothecary.privacy.tasks import apply_retention
from tests.affiliates.builders import make_affiliate
from tests.contact.builders import make_message
from tests.store import make_cart, make_product, make_zone, place_order

POLICY = Path(settings.BASE_DIR) / "apothecary" / "demo" / "data" / "pages" / "privacy.html"
# Where the policy states each period: the start of its item in "How long we keep it".
POLICY_ITEMS = {
    "guest_orders": "Order and invoice records",
    "contact_messages": "Messages to our support team",
    "unpaid_carts": "Shopping carts not checked out",
    "referral_clicks": "Referral clicks",
    "consent_records": "Cookie consent choices",
}


def policy_items() -> list[str]:
    html = POLICY.read_text()
    section = html.split("<h2>How long we keep it</h2>", 1)[1].split("<h2>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li>(.*?)</li>", section, re.S)
    ]


def test_the_privacy_policy_states_the_periods_of_the_settings():
    items = policy_items()
    assert set(POLICY_ITEMS) == set(settings.PRIVACY_RETENTION_DAYS)
    for key, start in POLICY_ITEMS.items():
        [item] = [item for item in items if item.startswith(start)]
        period = period_text(settings.PRIVACY_RETENTION_DAYS[key])
        assert item.startswith(f"{start}: {period}"), item


def test_a_changed_setting_no_longer_matches_the_policy(settings):
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "contact_messages": 730}
    [item] = [item for item in policy_items() if item.startswith(POLICY_ITEMS["contact_messages"])]
    assert period_text(730) == "2 years" and ": 2 years" not in item


def test_periods_are_written_as_the_policy_writes_them():
    assert [period_text(d) for d in (1, 30, 365, 730, 2555)] == [
        "1 day",
        "30 days",
        "1 year",
        "2 years",
        "7 years",
    ]


def aged(model, row, days, field="created_at"):
    model.objects.filter(pk=row.pk).update(
        **{field: timezone.now() - datetime.timedelta(days=days)}
    )


def run() -> str:
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_apply_retention_removes_what_is_past_its_period_and_prints_a_summary():
    variant = make_product(title="Retention Patch").variants.get()
    old_cart, new_cart = make_cart((variant, 1)), make_cart((variant, 1))
    aged(Cart, old_cart, 31, field="updated_at")
    rate = make_zone()
    old_order = place_order(cart=make_cart((variant, 1)), rate=rate, email="old.guest@example.com")
    new_order = place_order(cart=make_cart((variant, 1)), rate=rate, email="new.guest@example.com")
    aged(Order, old_order, 7 * 365 + 1)
    old_message, new_message = make_message(), make_message()
    aged(ContactMessage, old_message, 366)
    affiliate = make_affiliate(code="keeper")
    old_click = Click.objects.create(affiliate=affiliate, landing_url="/", ip_hash="b" * 64)
    new_click = Click.objects.create(affiliate=affiliate, landing_url="/", ip_hash="c" * 64)
    aged(Click, old_click, 91)
    old_choice = consent_record(categories=["marketing"], source="banner", gpc=False)
    new_choice = consent_record(categories=[], source="banner", gpc=True)
    aged(ConsentRecord, old_choice, 2 * 365 + 1)

    out = run()

    assert "unpaid_carts: carts deleted: 1" in out
    assert "guest_orders: guest orders anonymised: 1" in out
    assert "contact_messages: contact messages deleted: 1" in out
    assert "referral_clicks: referral clicks deleted: 1" in out
    assert "consent_records: consent records deleted: 1" in out
    assert set(
        Cart.objects.filter(pk__in=[old_cart.pk, new_cart.pk]).values_list("pk", flat=True)
    ) == {new_cart.pk}
    old_order.refresh_from_db()
    new_order.refresh_from_db()
    assert old_order.email.endswith("@erased.invalid") and old_order.shipping_name == "Erased"
    assert old_order.total == new_order.total
    assert new_order.email == "new.guest@example.com"
    assert set(ContactMessage.objects.values_list("pk", flat=True)) == {new_message.pk}
    assert set(Click.objects.values_list("pk", flat=True)) == {new_click.pk}
    assert set(ConsentRecord.objects.values_list("pk", flat=True)) == {new_choice.pk}

    again = run()
    assert "Retention applied: 0 records changed." in again


@pytest.mark.django_db
def test_the_task_runs_the_same_rules():
    message = make_message()
    aged(ContactMessage, message, 400)

    result = apply_retention.call()

    assert result["contact_messages"] == {"contact messages deleted": 1}
    assert not ContactMessage.objects.exists()
