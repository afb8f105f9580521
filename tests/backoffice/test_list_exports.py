"""The back office's lists export what they list: reviews, packs, returns and discount codes
link "Download CSV" on their page and the file holds their rows; a list with no export
columns answers its export address with 404, never an empty file."""

import csv
import io

import pytest
from bs4 import BeautifulSoup

from apothecary.orders.returns import return_request_create
from tests.orders.test_customer_views import delivered
from tests.reviews.builders import make_review
from tests.store import make_cart, make_discount, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(email="boss@example.com"))
    return client


def csv_rows(response, filename) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}.csv"'
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def download_links(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        a["href"] for a in soup.find_all("a", href=True) if a.get_text(strip=True) == "Download CSV"
    ]


def test_reviews_export_their_rows(admin):
    product = make_product(title="Export Patch")
    make_review(product, rating=5, title="=HYPERLINK(1)", display_name="Ada")

    listed = admin.get("/admin/reviews/")
    rows = csv_rows(admin.get("/admin/reviews/?export=csv"), "reviews")

    assert download_links(listed) == ["/admin/reviews/?export=csv"]
    [row] = [row for row in rows if row["Product"] == "Export Patch"]
    assert row["Title"] == "'=HYPERLINK(1)"  # formula-safe
    assert (row["Stars"], row["Name"], row["Status"]) == ("5", "Ada", "Approved")


def test_packs_export_their_rows(admin):
    make_product(title="Export Patch", variants=((30, "19.95", 1, 7),))

    listed = admin.get("/admin/packs/")
    rows = csv_rows(admin.get("/admin/packs/?export=csv"), "packs")

    assert download_links(listed) == ["/admin/packs/?export=csv"]
    [row] = [row for row in rows if row["Product"] == "Export Patch"]
    assert (row["Price"], row["Stock"], row["Active"]) == ("19.95", "7", "True")


def test_returns_export_their_rows(admin):
    variant = make_product(variants=((30, "19.95", 1, 10),)).variants.get()
    order = delivered(place_order(cart=make_cart((variant, 2)), rate=make_zone()))
    line = order.lines.get()
    return_request_create(order=order, quantities={line.pk: 1}, reason="Too many patches")

    listed = admin.get("/admin/returns/")
    rows = csv_rows(admin.get("/admin/returns/?export=csv"), "returns")

    assert download_links(listed) == ["/admin/returns/?export=csv"]
    [row] = [row for row in rows if row["Order"] == order.number]
    assert (row["Status"], row["Reason"], row["Customer email"]) == (
        "Requested",
        "Too many patches",
        order.email,
    )
    assert row["Amount"] == "19.95"


def test_discount_codes_export_their_rows(admin):
    make_discount(code="EXPORT10", value="10")

    listed = admin.get("/admin/discount-codes/")
    rows = csv_rows(admin.get("/admin/discount-codes/?export=csv"), "discount-codes")

    assert download_links(listed) == ["/admin/discount-codes/?export=csv"]
    [row] = [row for row in rows if row["Code"] == "EXPORT10"]
    assert (row["Value"], row["Times used"], row["Active"]) == ("10.00", "0", "True")


@pytest.mark.parametrize("url", ["/admin/shipping-zones/", "/admin/consent-records/"])
def test_a_list_without_export_columns_has_no_export(admin, url):
    listed = admin.get(url)

    assert listed.status_code == 200
    assert download_links(listed) == []
    assert admin.get(f"{url}?export=csv").status_code == 404
    assert admin.get(f"{url}?export=xlsx").status_code == 404
