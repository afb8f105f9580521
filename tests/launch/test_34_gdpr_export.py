"""Launch test 34, GDPR export: the registry of personal data covers every text-like field of
our models (a new one fails the test), lists each personal field with what export and erasure
do with it, and every one of them is in the export or waived with a reason; the customer's
download needs their sign-in and its link expires."""

import io
import json
import time
import zipfile
from unittest import mock

import pytest
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps

from apothecary.privacy import audit, registry
from apothecary.privacy.export import collect
from apothecary.privacy.registry import Person
from tests.privacy.seed import EMAIL, seed_person


def test_every_text_email_ip_and_json_field_of_our_models_is_declared():
    assert audit.undeclared() == []
    assert audit.stale() == []


@isolate_apps("apothecary.privacy")
def test_a_new_model_with_an_undeclared_field_fails_the_check():
    class ShippingLabel(models.Model):  # a model someone adds without declaring it
        recipient = models.CharField(max_length=100)
        weight_grams = models.PositiveIntegerField()
        sender_ip = models.GenericIPAddressField(null=True)

        class Meta:
            app_label = "privacy"

    assert audit.undeclared([ShippingLabel]) == [
        "privacy.ShippingLabel.recipient",
        "privacy.ShippingLabel.sender_ip",
    ]


def test_a_new_field_on_a_declared_model_fails_the_check():
    from apothecary.orders.models import Order

    field = models.CharField(max_length=50, name="gift_message")
    field.set_attributes_from_name("gift_message")
    with mock.patch.object(Order._meta, "local_fields", [*Order._meta.local_fields, field]):
        assert audit.undeclared([Order]) == ["orders.Order.gift_message"]


def test_the_registry_lists_each_personal_field_exported_or_waived_with_a_reason(capsys):
    rows = audit.table()
    with capsys.disabled():
        print("\nPersonal data registry:")  # noqa: T201 (the listing is the test's output)
        for name, exported, erased, _ in rows:
            print(f"  {name:45} {exported:60.60} {erased}")  # noqa: T201
    labels = {name for name, *_ in rows}
    for expected in (
        "accounts.User.email",
        "orders.Order.shipping_line1",
        "orders.Order.phone",
        "payments.Payment.billing_email",
        "reviews.Review.display_name",
        "contact.ContactMessage.text",
        "affiliates.Affiliate.bank_details",
        "affiliates.Payout.destination",
        "sessions.Session.session_data",
        "axes.AccessAttempt.ip_address",
    ):
        assert expected in labels
    for entry in registry.entries():
        columns = set(entry.export_columns())
        for name, rule in entry.personal.items():
            field = entry.model._meta.get_field(name)
            assert (field.attname in columns) == rule.exported, f"{entry.label}.{name}"
            if not rule.exported:
                assert rule.export_waiver.strip(), f"{entry.label}.{name} waived without a reason"
            if rule.erase == registry.KEEP:
                assert rule.reason.strip(), f"{entry.label}.{name} kept without a reason"


@pytest.mark.django_db
def test_the_export_holds_every_exported_personal_field_of_the_persons_rows():
    seed_person()
    data = collect(Person.for_email(EMAIL))  # an address proven by its emailed link

    for entry in registry.entries():
        rows = data.get(entry.label, [])
        for name, rule in entry.personal.items():
            attname = entry.model._meta.get_field(name).attname
            for row in rows:
                assert (attname in row) == rule.exported, f"{entry.label}.{name}"
    assert {
        "accounts.User",
        "orders.Order",
        "orders.OrderLine",
        "orders.ReturnRequest",
        "payments.Payment",
        "reviews.Review",
        "contact.ContactMessage",
        "affiliates.Affiliate",
        "affiliates.Click",
        "affiliates.Commission",
        "affiliates.Payout",
        "cart.Cart",
        "axes.AccessAttempt",
    } <= set(data)


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


@pytest.mark.django_db
def test_the_download_needs_the_sign_in_and_its_link_expires(client):
    seeded = seed_person(client)
    link = client.post("/privacy/export/")["Location"]
    assert link.startswith("/privacy/export/download/")

    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zip_of(response)
    orders = json.loads(archive.read("orders-order.json"))
    # The account's order; not the guest order of the same address, as long as nothing
    # proves the account's address is the person's (registry.register_email_check).
    assert [order["number"] for order in orders] == [seeded.order.number]
    assert "orders-order.csv" in archive.namelist()

    client.logout()  # signed out: the link leads to the sign-in page, never to the data
    response = client.get(link)
    assert response.status_code == 302 and "/login/" in response["Location"]

    client.force_login(seeded.user)
    later = time.time() + settings.PRIVACY_DOWNLOAD_LINK_SECONDS + 1
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.get(link)
    assert response.status_code == 410
    assert "This link no longer works" in response.content.decode()
