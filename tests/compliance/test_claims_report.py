"""The "Claims findings" report: every live page with findings, and who may see it."""

import json

import pytest
from django.contrib.auth.models import Group

from apothecary.catalog.models import ProductPage
from apothecary.pages.models import StandardPage

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/compliance/claims-findings/"


def put_live(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_the_report_lists_every_live_page_with_findings(admin_client):
    about = StandardPage.objects.get(slug="about-vitamin-b12")
    put_live(
        about,
        body=json.dumps([{"type": "paragraph", "value": "<p>Our patch prevents dementia.</p>"}]),
    )
    product = ProductPage.objects.get()
    put_live(product, short_description="Guaranteed results, and it works for everyone.")
    draft = StandardPage.objects.get(slug="privacy")
    draft.body = json.dumps([{"type": "paragraph", "value": "<p>The patch cures MS.</p>"}])
    draft.save_revision()  # a draft with a claim is not live: not in the report

    response = admin_client.get(REPORT_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 findings on 2 pages." in html
    assert f'href="/admin/pages/{about.pk}/edit/">About Vitamin B12</a>' in html
    assert "“prevents dementia”" in html and "Body › paragraph 1" in html
    assert "“Guaranteed”" in html and "“works for everyone”" in html
    assert "Short description" in html
    assert "cures MS" not in html


def test_the_report_of_the_demo_site_is_empty(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = admin_client.get(REPORT_URL)

    assert response.status_code == 200
    assert "No live page has findings." in response.content.decode()


def test_the_report_is_in_the_compliance_menu(admin_client):
    html = admin_client.get("/admin/").content.decode()

    assert "Claims findings" in html and "Claim phrase lists" in html


def test_a_user_who_may_not_edit_pages_cannot_see_the_report(client, django_user_model):
    clerk = django_user_model.objects.create_user(email="clerk@example.com", password="pw-1234x")
    clerk.groups.add(Group.objects.get(name="Editors"))
    Group.objects.get(name="Editors").page_permissions.all().delete()
    client.force_login(clerk)

    response = client.get(REPORT_URL)

    assert response.status_code in (302, 403)


def test_phrase_lists_are_edited_in_the_admin(admin_client):
    listing = admin_client.get("/admin/compliance/claim-phrases/")

    assert listing.status_code == 200
    assert "Diseases and conditions" in listing.content.decode()
