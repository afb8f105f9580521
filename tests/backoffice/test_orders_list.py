"""The orders list: filters, search, CSV export, bounded queries, and no generic editing."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apothecary.orders.models import Order

from .builders import delivered, make_order, make_store, paid, shipped

pytestmark = pytest.mark.django_db

LISTED = re.compile(r'href="/admin/orders/([2-9A-Z]{8})/"')


def listed(response) -> set[str]:
    assert response.status_code == 200
    return set(LISTED.findall(response.content.decode()))


@pytest.fixture
def store():
    return make_store()


@pytest.fixture
def orders(store):
    """Four orders: pending (US), paid (GB), shipped (DE), delivered (US)."""
    variant, rate = store
    return {
        "pending": make_order(variant, rate, email="pending@example.com", name="Pat Pending"),
        "paid": paid(
            make_order(variant, rate, email="grace@example.com", name="Grace Hopper", country="GB")
        ),
        "shipped": shipped(
            make_order(variant, rate, email="emmy@example.com", name="Emmy Noether", country="DE")
        ),
        "delivered": delivered(
            make_order(variant, rate, email="alan@example.com", name="Alan Turing")
        ),
    }


def numbers(orders, *names):
    return {orders[name].number for name in names}


def test_the_list_shows_every_order_with_its_columns(admin_client, orders):
    response = admin_client.get("/admin/orders/")

    html = response.content.decode()
    assert listed(response) == numbers(orders, "pending", "paid", "shipped", "delivered")
    assert "Grace Hopper (grace@example.com)" in html
    assert "United Kingdom" in html
    assert "$15.00" in html
    assert "Pending payment" in html
    assert f'href="/admin/orders/{orders["paid"].number}/packing-slip/"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=paid", {"paid"}),
        ("status=shipped&status=delivered", {"shipped", "delivered"}),
        ("status=cancelled", set()),
        ("shipping_country=US", {"pending", "delivered"}),
        ("shipping_country=DE", {"shipped"}),
        ("status=delivered&shipping_country=US", {"delivered"}),
    ],
)
def test_filters_find_exactly_the_right_orders(admin_client, orders, query, expected):
    response = admin_client.get(f"/admin/orders/?{query}")

    assert listed(response) == numbers(orders, *expected)


def test_the_placed_date_range_filter_keeps_the_days_asked_for(admin_client, orders):
    today = timezone.localdate()
    Order.objects.filter(pk=orders["paid"].pk).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    Order.objects.filter(pk=orders["shipped"].pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    old, recent = today - timedelta(days=15), today - timedelta(days=5)

    between = admin_client.get(f"/admin/orders/?created_at_from={old}&created_at_to={recent}")
    since = admin_client.get(f"/admin/orders/?created_at_from={recent}")

    assert listed(between) == numbers(orders, "paid")
    assert listed(since) == numbers(orders, "pending", "delivered")


def test_the_country_filter_offers_the_countries_orders_go_to(admin_client, orders):
    html = admin_client.get("/admin/orders/").content.decode()

    assert 'value="DE"' in html
    assert "Germany (DE)" in html
    assert 'value="FR"' not in html


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("grace@EXAMPLE", {"paid"}),
        ("noether", {"shipped"}),
        ("example.com", {"pending", "paid", "shipped", "delivered"}),
        ("nobody-by-this-name", set()),
    ],
)
def test_search_finds_orders_by_email_and_name(admin_client, orders, term, expected):
    response = admin_client.get("/admin/orders/", {"q": term})

    assert listed(response) == numbers(orders, *expected)


def test_search_finds_an_order_by_its_number(admin_client, orders):
    number = orders["shipped"].number

    response = admin_client.get("/admin/orders/", {"q": number.lower()})

    assert listed(response) == {number}


def test_search_finds_an_order_by_its_shipping_or_billing_city_and_postcode(admin_client, orders):
    Order.objects.filter(pk=orders["paid"].pk).update(
        shipping_city="Bletchley", shipping_postcode="MK3 6EB"
    )
    Order.objects.filter(pk=orders["shipped"].pk).update(
        billing_city="Erlangen", billing_postcode="91054"
    )

    by_postcode = admin_client.get("/admin/orders/", {"q": "mk3 6eb"})
    by_city = admin_client.get("/admin/orders/", {"q": "Bletchley"})
    by_billing_postcode = admin_client.get("/admin/orders/", {"q": "91054"})
    by_billing_city = admin_client.get("/admin/orders/", {"q": "erlangen"})

    assert listed(by_postcode) == numbers(orders, "paid")
    assert listed(by_city) == numbers(orders, "paid")
    assert listed(by_billing_postcode) == numbers(orders, "shipped")
    assert listed(by_billing_city) == numbers(orders, "shipped")


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="orders.csv"'
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_csv_export_has_the_filtered_orders(admin_client, orders):
    response = admin_client.get("/admin/orders/?status=shipped&status=delivered&export=csv")

    rows = read_csv(response)
    assert sorted(row["Order"] for row in rows) == sorted(numbers(orders, "shipped", "delivered"))
    by_number = {row["Order"]: row for row in rows}
    row = by_number[orders["shipped"].number]
    assert row["Status"] == "Shipped"
    assert row["Email"] == "emmy@example.com"
    assert row["Name"] == "Emmy Noether"
    assert row["Country"] == "DE"
    assert row["Total"] == "15.00"
    assert row["Carrier"] == "USPS"
    assert row["Tracking number"] == "9400 1000"
    assert row["Placed"].startswith(str(timezone.localdate()))


def test_the_csv_export_follows_the_search_too(admin_client, orders):
    rows = read_csv(admin_client.get("/admin/orders/", {"q": "turing", "export": "csv"}))

    assert [row["Order"] for row in rows] == [orders["delivered"].number]


def test_a_name_that_looks_like_a_formula_is_exported_as_text(admin_client, store):
    variant, rate = store
    make_order(variant, rate, name="=HYPERLINK(1)")

    rows = read_csv(admin_client.get("/admin/orders/?export=csv"))

    assert [row["Name"] for row in rows] == ["'=HYPERLINK(1)"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_bounded_number_of_queries(
    admin_client, store, django_assert_max_num_queries, count
):
    variant, rate = store
    for n in range(count):
        make_order(variant, rate, email=f"buyer{n}@example.com", country="GB" if n % 2 else "US")
    admin_client.get("/admin/")  # the session and the admin's first-visit writes

    with django_assert_max_num_queries(10):
        response = admin_client.get("/admin/orders/?status=pending_payment")

    assert len(listed(response)) == count


def test_orders_cannot_be_added_edited_or_deleted_as_a_model_form(admin_client, orders):
    pk = orders["paid"].pk

    html = admin_client.get("/admin/orders/").content.decode()

    assert "Add order" not in html
    assert admin_client.get("/admin/orders/new/").status_code == 404
    assert admin_client.get(f"/admin/orders/edit/{pk}/").status_code == 404
    assert admin_client.post(f"/admin/orders/delete/{pk}/").status_code == 404
    assert Order.objects.filter(pk=pk).exists()


def test_the_list_also_exports_to_a_spreadsheet(admin_client, orders):
    response = admin_client.get("/admin/orders/?status=paid&export=xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="orders.xlsx"'
