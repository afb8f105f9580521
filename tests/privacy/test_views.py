"""The person's pages: a guest's emailed request (export and erasure), the signed-in customer's
"Delete my account" and export, the staff's "Personal data" admin page, and what bad input
gets: 400 with the form again, 410 for a spent link, 429 for a flood, never a 500."""

import datetime
import io
import json
import re
import zipfile
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.utils import timezone

from apothecary.core.models import OutgoingEmail
from apothecary.orders.models import Order
from apothecary.privacy.models import ErasureRecord
from tests.contact.builders import started
from tests.store import make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db
GUEST = "guest.person@example.com"
PASSWORD = "a long customer password 1"


@pytest.fixture
def guest_order():
    variant = make_product(title="Guest Patch").variants.get()
    return place_order(cart=make_cart((variant, 1)), rate=make_zone(), email=GUEST)


def ask(client, email=GUEST, purpose="export", **fields):
    data = {"email": email, "purpose": purpose, "website": "", "started": started(), **fields}
    return client.post("/privacy/request/", data)


def emailed_link(email=GUEST) -> str:
    sent = OutgoingEmail.objects.filter(to=email).latest("pk")
    return re.search(r"https?://[^/\s]+(/privacy/link/\S+/)", sent.text).group(1)


def zip_json(response, name) -> list:
    return json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read(name))


# -- the guest -------------------------------------------------------------------------------


def test_a_guest_gets_a_one_use_link_to_their_data(client, guest_order):
    assert client.get("/privacy/request/").status_code == 200
    response = ask(client)
    assert response.status_code == 302 and response["Location"] == "/privacy/request/sent/"
    link = emailed_link()

    page = client.get(link)  # a mail scanner following the link uses nothing
    assert page.status_code == 200 and "Download my data" in page.content.decode()
    download = client.post(link)

    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert [o["number"] for o in zip_json(download, "orders-order.json")] == [guest_order.number]
    again = client.post(link)
    assert again.status_code == 410
    assert "This link no longer works" in again.content.decode()
    assert client.get(link).status_code == 410


def test_the_link_expires_after_24_hours(client, guest_order):
    ask(client)
    link = emailed_link()
    later = timezone.now() + datetime.timedelta(hours=24, seconds=1)
    with mock.patch("apothecary.privacy.links.timezone.now", return_value=later):
        assert client.get(link).status_code == 410
        assert client.post(link).status_code == 410


def test_a_guest_erases_their_data_after_confirming(client, guest_order):
    ask(client, purpose="erase")
    link = emailed_link()

    assert "Delete my data" in client.get(link).content.decode()
    guest_order.refresh_from_db()
    assert guest_order.email == GUEST  # nothing happens until the button is pressed

    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/privacy/deleted/"
    guest_order.refresh_from_db()
    assert guest_order.email.endswith("@erased.invalid") and guest_order.shipping_name == "Erased"
    assert ErasureRecord.objects.get().via == "guest"
    assert client.post(link).status_code == 410


def test_the_answer_is_the_same_for_an_address_we_do_not_know(client):
    response = ask(client, email="nobody.here@example.com")
    assert response["Location"] == "/privacy/request/sent/"
    assert OutgoingEmail.objects.filter(to="nobody.here@example.com").exists()


def test_a_link_for_export_does_not_erase_and_a_made_up_link_is_gone(client, guest_order):
    ask(client)
    token = emailed_link().rstrip("/").rsplit("/", 1)[1]
    assert client.post(f"/privacy/link/erase/{token}/").status_code == 410
    assert client.get("/privacy/link/export/not-a-token/").status_code == 410
    assert client.get(f"/privacy/link/other/{token}/").status_code == 410
    guest_order.refresh_from_db()
    assert guest_order.email == GUEST


def test_the_form_is_spam_guarded_and_keeps_what_was_typed(client):
    trap = ask(client, website="http://spam.example")
    fast = ask(client, started=started(seconds_ago=0))
    wrong = ask(client, email="not an address")

    for response in (trap, fast, wrong):
        assert response.status_code == 400
    assert 'value="guest.person@example.com"' in trap.content.decode()
    assert "Enter an email address like name@example.com." in wrong.content.decode()
    assert not OutgoingEmail.objects.filter(kind__startswith="privacy").exists()


def test_a_flood_of_requests_gets_429(client, settings):
    answers = [ask(client, email=f"flood{n}@example.com").status_code for n in range(7)]
    assert answers[: settings.PRIVACY_REQUEST_LIMIT] == [302] * settings.PRIVACY_REQUEST_LIMIT
    assert answers[-1] == 429
    assert OutgoingEmail.objects.filter(kind="privacy_export").count() == 5


# -- the signed-in customer ------------------------------------------------------------------


@pytest.fixture
def customer(client, guest_order):
    user = get_user_model().objects.create_user(email=GUEST, password=PASSWORD)
    Order.objects.filter(pk=guest_order.pk).update(user=user)
    client.force_login(user)
    return user


def test_delete_my_account_needs_a_sign_in(client):
    response = client.get("/privacy/delete-account/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post("/privacy/export/").status_code == 302


def test_a_wrong_password_shows_the_form_again_and_deletes_nothing(client, customer, guest_order):
    response = client.post("/privacy/delete-account/", {"password": "not my password"})

    assert response.status_code == 400
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert get_user_model().objects.filter(pk=customer.pk).exists()
    guest_order.refresh_from_db()
    assert guest_order.email == GUEST and guest_order.user == customer
    assert not ErasureRecord.objects.exists()


def test_delete_my_account_with_the_password_erases_and_signs_out(client, customer, guest_order):
    page = client.get("/privacy/delete-account/")
    assert "Delete my account" in page.content.decode()

    response = client.post("/privacy/delete-account/", {"password": PASSWORD})

    assert response["Location"] == "/privacy/deleted/"
    assert not get_user_model().objects.filter(pk=customer.pk).exists()
    guest_order.refresh_from_db()
    assert guest_order.email.endswith("@erased.invalid")
    assert "_auth_user_id" not in client.session
    assert "Your data is deleted" in client.get("/privacy/deleted/").content.decode()


def test_floods_of_deletion_and_export_requests_get_429(client, customer, settings):
    limit = settings.PRIVACY_REQUEST_LIMIT
    wrong = [
        client.post("/privacy/delete-account/", {"password": "x"}).status_code
        for _ in range(limit + 1)
    ]
    exports = [client.post("/privacy/export/").status_code for _ in range(limit + 1)]
    assert wrong == [400] * limit + [429]
    assert exports == [302] * limit + [429]
    assert get_user_model().objects.filter(pk=customer.pk).exists()


def test_the_account_section_links_to_export_and_deletion():
    html = render_to_string("privacy/_account_section.html")
    assert 'href="/privacy/export/"' in html and 'href="/privacy/delete-account/"' in html


# -- staff -----------------------------------------------------------------------------------


def test_staff_without_the_permission_cannot_open_the_page(client):
    staff = get_user_model().objects.create_user(email="clerk@example.com", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get("/admin/personal-data/").status_code in (302, 403)
    assert client.post(
        "/admin/personal-data/", {"email": GUEST, "action": "export"}
    ).status_code in (302, 403)


def test_staff_export_and_erase_for_an_email_address(client, admin_user, guest_order):
    client.force_login(admin_user)
    assert client.get("/admin/personal-data/").status_code == 200

    export = client.post("/admin/personal-data/", {"email": GUEST.upper(), "action": "export"})
    assert [o["number"] for o in zip_json(export, "orders-order.json")] == [guest_order.number]

    refused = client.post("/admin/personal-data/", {"email": GUEST, "action": "erase"})
    assert refused.status_code == 400
    assert "Say why the data is erased." in refused.content.decode()
    guest_order.refresh_from_db()
    assert guest_order.email == GUEST

    data = {"email": GUEST, "action": "erase", "reason": "Request by email, 3 May", "confirm": "on"}
    done = client.post("/admin/personal-data/", data)
    assert done.status_code == 200 and "orders: anonymised: 1" in done.content.decode()
    record = ErasureRecord.objects.get()
    assert (record.staff_user, record.reason) == (admin_user, "Request by email, 3 May")
    again = client.post("/admin/personal-data/", data)
    assert "nothing was changed" in again.content.decode()
    assert ErasureRecord.objects.count() == 1
