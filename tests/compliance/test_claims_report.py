"""The "Claims findings" report: every live page with findings, and who may see it."""

import csv
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

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


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def put_findings_live():
    about = StandardPage.objects.get(slug="about-vitamin-b12")
    put_live(
        about,
        body=json.dumps([{"type": "paragraph", "value": "<p>Our patch prevents dementia.</p>"}]),
    )
    product = ProductPage.objects.get()
    put_live(product, short_description="=Guaranteed results, and it works for everyone.")
    return about, product


def test_the_csv_export_has_a_row_per_finding_and_defuses_formulas(admin_client):
    about, product = put_findings_live()

    response = admin_client.get(REPORT_URL + "?export=csv")
    rows = csv_rows(response)

    assert response["Content-Type"] == "text/csv"
    assert 'filename="claims-findings.csv"' in response["Content-Disposition"]
    assert rows == [
        ["Page", "Page ID", "URL", "Kind", "Phrase", "Place", "Sentence"],
        [
            "B12 Patch",
            str(product.pk),
            "/products/b12-patch/",
            "Absolute claim",
            "Guaranteed",
            "Short description",
            "'=Guaranteed results, and it works for everyone.",
        ],
        [
            "B12 Patch",
            str(product.pk),
            "/products/b12-patch/",
            "Absolute claim",
            "works for everyone",
            "Short description",
            "'=Guaranteed results, and it works for everyone.",
        ],
        [
            "About Vitamin B12",
            str(about.pk),
            "/about-vitamin-b12/",
            "Disease claim",
            "prevents dementia",
            "Body › paragraph 1",
            "Our patch prevents dementia.",
        ],
    ]


def test_the_xlsx_export_has_the_same_rows(admin_client):
    put_findings_live()

    response = admin_client.get(REPORT_URL + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert rows[0] == ["Page", "Page ID", "URL", "Kind", "Phrase", "Place", "Sentence"]
    assert [row[4] for row in rows[1:]] == ["Guaranteed", "works for everyone", "prevents dementia"]


def test_the_report_filters_by_kind_of_finding_and_page_type(admin_client):
    put_findings_live()
    product_type = ContentType.objects.get_for_model(ProductPage)

    by_kind = admin_client.get(REPORT_URL + "?kind=disease_claim").content.decode()
    by_type = admin_client.get(REPORT_URL + f"?content_type={product_type.pk}")
    exported = csv_rows(admin_client.get(REPORT_URL + "?kind=disease_claim&export=csv"))

    assert "1 finding on 1 page." in by_kind and "“Guaranteed”" not in by_kind
    assert "2 findings on 1 page." in by_type.content.decode()
    assert [row[4] for row in exported[1:]] == ["prevents dementia"]
