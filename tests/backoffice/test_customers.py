"""The customers in the admin: one row per email from orders and accounts, the figures of
their paid orders, search, sort, exports, a customer's page, and who may see them."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apothecary.contact.models import ContactMessage
from apothecary.orders.models import Order, OrderStatus
from apothecary.orders.returns import return_request_create
from apothecary.orders.services import order_transition
from apothecary.reviews.models import Review
from tests.affiliates.builders import make_affiliate
from tests.contact.builders import make_message
from tests.reviews.builders import make_review

from .builders import delivered, make_order, make_store, paid

pytestmark = pytest.mark.django_db

URL = "/admin/customers/"


@pytest.fixture
def store():
    return make_store()


def order_for(store, email, *, name="Ada Reader", quantity=1, user=None, pay=True):
    variant, rate = store
    order = make_order(variant, rate, email=email, name=name, quantity=quantity)
    if user is not None:
        Order.objects.filter(pk=order.pk).update(user=user)
    return paid(order) if pay else order


@pytest.fixture
def customers(store, django_user_model):
    """Orders of 15.00 (one pack) or 25.00 (two) at shop.test, and two accounts."""
    grace = [order_for(store, "grace@shop.test", name="Grace Hopper") for _ in range(2)]
    order_transition(
        order=grace[1], to=OrderStatus.PARTIALLY_REFUNDED, refunded_amount=Decimal("4.00")
    )
    order_for(store, "grace@shop.test", name="Grace Hopper", pay=False)  # never paid
    order_for(store, "Bob@Shop.test", name="Bob Old Name", quantity=2)
    order_for(store, "bob@shop.test", name="Bob Builder")  # the same guest, newer name
    carol = django_user_model.objects.create_user(email="carol@shop.test", first_name="Carol")
    order_for(store, "carol.work@shop.test", name="Carol King", user=carol)  # signed in
    django_user_model.objects.create_user(
        email="dave@shop.test", first_name="Dave", last_name="Doe"
    )  # no order yet
    django_user_model.objects.create_user(email="staff@shop.test", is_staff=True)
    return grace


def export(client, query="") -> list[list[str]]:
    response = client.get(f"{URL}?export=csv&q=shop.test{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def test_the_export_has_one_row_per_customer_with_the_figures_of_their_paid_orders(
    admin_client, customers
):
    rows = export(admin_client, "&ordering=key")

    assert rows[0] == [
        "Name",
        "Email",
        "Account",
        "Orders",
        "Spent",
        "Refunded",
        "First order",
        "Last order",
    ]
    body = [row[:6] for row in rows[1:]]
    assert body == [
        ["Bob Builder", "bob@shop.test", "no", "2", "40.00", "0.00"],
        ["Carol King", "carol@shop.test", "yes", "1", "15.00", "0.00"],
        ["Dave Doe", "dave@shop.test", "yes", "0", "0.00", "0.00"],
        ["Grace Hopper", "grace@shop.test", "no", "2", "30.00", "4.00"],
    ]
    first, last = (Order.objects.get(pk=order.pk).created_at for order in customers)
    local = [timezone.localtime(t).isoformat(timespec="seconds") for t in (first, last)]
    assert rows[4][6:] == local  # Grace: the unpaid order, newer, is not her last order
    assert rows[3][6:] == ["", ""]  # Dave: no order


def test_the_list_shows_each_customer_with_a_link_to_their_page(admin_client, customers):
    response = admin_client.get(f"{URL}?q=shop.test")

    html = response.content.decode()
    assert response.status_code == 200
    grace = Order.objects.filter(email="grace@shop.test").order_by("number").last()
    assert f'href="/admin/customers/order/{grace.number}/"' in html
    assert re.search(r'href="/admin/customers/account/\d+/"[^>]*>\s*Dave Doe', html)
    assert "$30.00" in html and "$4.00" in html
    assert "staff@shop.test" not in html


def test_a_guest_who_later_opened_an_account_is_one_customer_with_an_account(
    admin_client, store, django_user_model
):
    order_for(store, "erin@shop.test", name="Erin")
    django_user_model.objects.create_user(email="erin@shop.test")

    assert [row[:4] for row in export(admin_client)[1:]] == [["Erin", "erin@shop.test", "yes", "1"]]


def test_search_finds_a_part_of_the_email_or_the_name(admin_client, customers):
    by_name = admin_client.get(f"{URL}?export=csv&q=hopper").getvalue().decode()
    by_email = admin_client.get(f"{URL}?export=csv&q=dave@").getvalue().decode()

    assert [r[1] for r in list(csv.reader(io.StringIO(by_name)))[1:]] == ["grace@shop.test"]
    assert [r[1] for r in list(csv.reader(io.StringIO(by_email)))[1:]] == ["dave@shop.test"]


def test_the_list_sorts_by_spent_and_filters_by_account(admin_client, customers):
    by_spent = [row[1] for row in export(admin_client, "&ordering=-spent")[1:]]
    guests = [row[1] for row in export(admin_client, "&account=no&ordering=key")[1:]]
    accounts = [row[1] for row in export(admin_client, "&account=yes&ordering=key")[1:]]

    assert by_spent == ["bob@shop.test", "grace@shop.test", "carol@shop.test", "dave@shop.test"]
    assert guests == ["bob@shop.test", "grace@shop.test"]
    assert accounts == ["carol@shop.test", "dave@shop.test"]


def test_the_newest_order_comes_first_by_default(admin_client, customers):
    assert [row[1] for row in export(admin_client)[1:]] == [
        "carol@shop.test",
        "bob@shop.test",
        "grace@shop.test",
        "dave@shop.test",  # no order: last
    ]


def test_the_xlsx_export_holds_the_same_rows(admin_client, customers):
    response = admin_client.get(f"{URL}?export=xlsx&q=shop.test&ordering=key")

    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = [[cell.value for cell in row][:4] for row in sheet.iter_rows()]
    assert rows[0] == ["Name", "Email", "Account", "Orders"]
    assert rows[1] == ["Bob Builder", "bob@shop.test", "no", 2]


def test_a_name_that_looks_like_a_formula_is_exported_as_text(admin_client, store):
    order_for(store, "mallory@shop.test", name="=HYPERLINK(1)")

    assert export(admin_client)[1][0] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("customers_count", [3, 30])
def test_the_list_and_the_export_take_the_same_queries_for_any_number_of_customers(
    admin_client, store, django_assert_max_num_queries, customers_count
):
    for n in range(customers_count):
        order_for(store, f"c{n}@shop.test", name=f"Customer {n}")

    with django_assert_max_num_queries(12):
        assert admin_client.get(URL).status_code == 200
    with django_assert_max_num_queries(8):
        assert len(export(admin_client)) == customers_count + 1


def test_the_customer_page_shows_their_orders_returns_reviews_messages_and_affiliate(
    admin_client, store
):
    variant, rate = store
    first = delivered(make_order(variant, rate, email="hana@shop.test", name="Hana Ito"))
    second = paid(make_order(variant, rate, email="HANA@shop.test", name="Hana Ito"))
    return_request_create(
        order=first, quantities={first.lines.get().pk: 1}, reason="The pack arrived damaged."
    )
    make_review(variant.product, email="hana@shop.test", title="Stays on all day")
    make_message(name="Hana Ito", email="hana@shop.test", subject="Question about the patch")
    make_affiliate(code="hana", email="hana@shop.test")
    make_order(variant, rate, email="other@shop.test", name="Someone Else")
    make_message(email="other@shop.test")

    response = admin_client.get(f"/admin/customers/order/{second.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Customer Hana Ito" in html
    assert re.search(r'data-figure="orders">2<', html)
    assert re.search(r'data-figure="spent">\$30.00<', html)
    orders = re.findall(r'href="/admin/orders/([2-9A-Z]+)/"', html)
    assert orders == [second.number, first.number]  # newest first
    assert f'href="/admin/returns/{first.returns.get().pk}/"' in html
    review = Review.objects.get(email="hana@shop.test")
    assert f'href="/admin/reviews/{review.pk}/"' in html and "Stays on all day" in html
    message = ContactMessage.objects.get(email="hana@shop.test")
    assert f'href="/admin/inbox/edit/{message.pk}/"' in html
    assert "Hana (hana)" in html
    assert "Someone Else" not in html
    assert "Yes, since" in html  # the affiliate's account has this email


def test_the_customer_page_of_an_account_without_orders(admin_client, django_user_model):
    user = django_user_model.objects.create_user(email="ivy@shop.test", first_name="Ivy")

    html = admin_client.get(f"/admin/customers/account/{user.pk}/").content.decode()

    assert "No orders yet." in html
    assert "No returns." in html and "No reviews." in html and "No messages." in html


def test_an_unknown_customer_is_not_found(admin_client):
    assert admin_client.get("/admin/customers/order/ZZZZZZZZ/").status_code == 404
    assert admin_client.get("/admin/customers/account/999999/").status_code == 404


def test_the_customer_page_takes_a_bounded_number_of_queries(
    admin_client, store, django_assert_max_num_queries
):
    orders = [order_for(store, "jo@shop.test", name="Jo") for _ in range(12)]

    with django_assert_max_num_queries(25):
        response = admin_client.get(f"/admin/customers/order/{orders[0].number}/")
    assert len(re.findall(r'href="/admin/orders/[2-9A-Z]+/"', response.content.decode())) == 12


def staff(django_user_model, email, *codenames):
    user = django_user_model.objects.create_user(email=email, password="pw-123456", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(codename__in=codenames),
    )
    return user


def test_only_staff_who_may_see_orders_see_the_customers(client, django_user_model, store):
    order = order_for(store, "kim@shop.test")
    pages = [URL, f"{URL}?export=csv", f"/admin/customers/order/{order.number}/"]

    client.force_login(staff(django_user_model, "editor@shop.test", "change_review"))
    for url in pages:
        assert client.get(url).status_code == 302  # Wagtail's refusal: back to the dashboard
    assert '"/admin/customers/"' not in client.get("/admin/").content.decode()  # the menu

    client.force_login(staff(django_user_model, "clerk@shop.test", "view_order"))
    for url in pages:
        assert client.get(url).status_code == 200
    assert '"/admin/customers/"' in client.get("/admin/").content.decode()
