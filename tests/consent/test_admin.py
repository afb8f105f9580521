"""Consent records in the Wagtail admin: a read-only list with the counts per choice."""

import re

import pytest

from apothecary.consent.models import ConsentRecord
from apothecary.consent.services import consent_record

pytestmark = pytest.mark.django_db

LIST = "/admin/consent-records/"


@pytest.fixture
def records():
    return [
        consent_record(categories=[], source="banner", gpc=False),
        consent_record(categories=[], source="js", gpc=True),
        consent_record(
            categories=["marketing", "analytics", "preferences"], source="js", gpc=False
        ),
    ]


def test_the_list_is_in_the_compliance_menu(admin_client):
    assert LIST in admin_client.get("/admin/").content.decode()


def test_the_list_shows_each_record_and_the_counts_per_choice(admin_client, records):
    html = admin_client.get(LIST).content.decode()
    counts = re.search(r'<div class="nice-padding" id="consent-counts">(.*?)</div>', html, re.S)
    assert "<li>necessary: 2</li>" in counts.group(1)
    assert "<li>necessary, preferences, analytics, marketing: 1</li>" in counts.group(1)
    for record in records:
        assert f"/admin/consent-records/{record.pk}/" in html
    assert "Banner (script)" in html and "Banner (form)" in html


def test_a_record_has_its_page_and_nothing_can_be_added_changed_or_deleted(admin_client, records):
    record = records[0]
    page = admin_client.get(f"{LIST}{record.pk}/")
    assert page.status_code == 200 and str(record.pk) in page.content.decode()
    html = admin_client.get(LIST).content.decode()
    assert f"{LIST}add/" not in html
    for suffix in ("add/", f"{record.pk}/edit/", f"{record.pk}/delete/"):
        assert admin_client.get(LIST + suffix).status_code == 404, suffix
    assert admin_client.post(f"{LIST}{record.pk}/delete/").status_code == 404
    assert ConsentRecord.objects.count() == 3


def test_the_list_needs_a_staff_sign_in(client, records):
    response = client.get(LIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
