"""The subscriber list in the admin, and its CSV export of confirmed subscribers for an email
service: staff only."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apothecary.newsletter.models import Subscriber

from .helpers import browser, sign_up, subscribed

pytestmark = pytest.mark.django_db
LIST = "/admin/newsletter/"


@pytest.fixture
def people():
    confirmed = subscribed(browser(), "ada@example.com")
    subscribed(browser(REMOTE_ADDR="198.51.100.2"), "=cmd@example.com")
    sign_up(browser(), "pending@example.com")
    gone = subscribed(browser(), "gone@example.com")
    Client().post(f"/newsletter/unsubscribe/{gone.unsubscribe_token}/")
    return confirmed


def test_staff_see_every_address_with_its_status(admin_client, people):
    response = admin_client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    for email in ("ada@example.com", "pending@example.com", "gone@example.com"):
        assert email in html
    assert "Waiting for confirmation" in html and "Unsubscribed" in html
    only_pending = admin_client.get(LIST, {"status": "pending"}).content.decode()
    assert "pending@example.com" in only_pending and "ada@example.com" not in only_pending
    page = admin_client.get(f"{LIST}{people.pk}/")
    assert page.status_code == 200
    assert "Send me the B12 Patch newsletter" in page.content.decode()


def test_the_export_lists_confirmed_subscribers_for_an_email_service(admin_client, people):
    response = admin_client.get(LIST, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["email", "confirmed_at", "consent_version"]
    by_email = {row[0]: row for row in rows[1:]}
    # Only the confirmed; a text a spreadsheet would run is defused.
    assert set(by_email) == {"ada@example.com", "'=cmd@example.com"}
    ada = Subscriber.objects.get(email="ada@example.com")
    assert by_email["ada@example.com"][2] == "2026-12"
    assert by_email["ada@example.com"][1].startswith(f"{ada.confirmed_at.year}-")


def test_people_without_admin_access_see_neither(people):
    customer = get_user_model().objects.create_user(email="shopper@example.com", password="x")
    client = Client()
    client.force_login(customer)
    for response in (client.get(LIST), client.get(LIST, {"export": "csv"})):
        assert response.status_code in (302, 403)
        assert b"ada@example.com" not in response.content
    anonymous = Client().get(LIST, {"export": "csv"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_there_is_no_add_or_edit_page(admin_client, people):
    assert admin_client.get(f"{LIST}add/").status_code == 404
    assert admin_client.get(f"{LIST}edit/{people.pk}/").status_code == 404
