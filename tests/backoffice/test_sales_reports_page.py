"""The sales report page in the admin: what a manager reads on it, its downloads (the same
figures as the tables, numbers as numbers), a bounded number of queries whatever the range,
bad input answered with a message and 400, and who may see it."""

import csv
import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from freezegun import freeze_time
from lxml import html as lxml_html
from openpyxl import load_workbook

from apothecary.affiliates.models import Commission, Referral, ReferralSource
from apothecary.orders.models import Order, OrderLine, OrderStatus
from tests.affiliates.builders import make_affiliate

from .test_sales_reports import scenario
from .test_store_admin import menu_items

pytestmark = pytest.mark.django_db

URL = "/admin/reports/sales/"
RANGE = "date_from=2026-01-29&date_to=2026-02-03"
TABLES = ("periods", "packs", "codes", "countries", "affiliates")


@pytest.fixture
def new_york(settings):
    settings.TIME_ZONE = "America/New_York"


def page(response):
    return lxml_html.fromstring(response.content.decode())


def table_rows(doc, key) -> list[list[str]]:
    """The heading and body rows of the report's table `key`, as the page shows them."""
    (table,) = doc.xpath(f'//section[@data-report-table="{key}"]//table')
    head = [cell.text_content().strip() for cell in table.xpath("./thead/tr/th")]
    body = [
        [cell.text_content().strip() for cell in row.xpath("./th|./td")]
        for row in table.xpath("./tbody/tr")
    ]
    return [head, *body]


def totals(doc) -> dict[str, str]:
    return {
        dd.get("data-total"): dd.text_content().strip()
        for dd in doc.xpath("//dl[@data-report-totals]//dd")
    }


def test_the_report_by_week_shows_the_totals_the_chart_and_the_tables(admin_client, new_york):
    scenario()

    response = admin_client.get(f"{URL}?{RANGE}&group=week")

    assert response.status_code == 200
    doc = page(response)
    assert doc.xpath("string(//h1)").strip().startswith("Sales report")
    assert totals(doc) == {
        "revenue": "$119.00",
        "orders": "5",
        "average": "$23.80",
        "refunds": "$20.00",
        "net": "$99.00",
    }
    assert table_rows(doc, "periods") == [
        ["Week", "From", "To", "Orders", "Revenue (USD)", "Average order (USD)",
         "Refunds (USD)", "Net (USD)"],
        ["29 Jan – 1 Feb 2026", "29 Jan 2026", "1 Feb 2026", "3", "72.00", "24.00", "0.00",
         "72.00"],
        ["2–3 Feb 2026", "2 Feb 2026", "3 Feb 2026", "2", "47.00", "23.50", "20.00", "27.00"],
    ]  # fmt: skip
    foot = doc.xpath('//section[@data-report-table="periods"]//tfoot/tr/*')
    assert [cell.text_content().strip() for cell in foot][3:] == [
        "5", "119.00", "23.80", "20.00", "99.00",
    ]  # fmt: skip
    assert table_rows(doc, "countries") == [
        ["Country", "Code", "Orders", "Revenue (USD)", "Refunds (USD)"],
        ["United States", "US", "3", "62.00", "15.00"],
        ["Germany", "DE", "1", "32.00", "5.00"],
        ["United Kingdom", "GB", "1", "25.00", "0.00"],
    ]
    assert table_rows(doc, "codes")[1:] == [["SAVE10", "1", "3.00", "32.00"]]
    assert table_rows(doc, "affiliates")[1:] == [["Anna Blog", "anna", "2", "57.00", "4.70"]]
    assert [row[0] for row in table_rows(doc, "packs")[1:]] == [
        "REPORT-PATCH-30",
        "REPORT-PATCH-90",
    ]
    # The rule of which orders count is on the page.
    assert "partially refunded or refunded; pending and cancelled" in doc.text_content()
    assert "America/New_York" in doc.text_content()


def test_the_chart_has_a_bar_per_period_with_its_figures_and_no_script(admin_client, new_york):
    scenario()

    response = admin_client.get(f"{URL}?{RANGE}&group=day")

    (svg,) = page(response).xpath("//figure[@data-report-chart]/svg")
    assert svg.get("role") == "img"
    assert svg.xpath("string(./title)") == "Revenue by day, 29 Jan – 3 Feb 2026"
    bars = svg.xpath("./g")
    assert len(bars) == 6
    assert [bar.xpath("string(./title)") for bar in bars][4] == (
        "Mon 2 Feb 2026: $32.00 in 1 orders, $5.00 refunded"
    )
    # The highest bar (C and D, 32.00) fills the height; an empty day has no height.
    heights = [float(bar.xpath("./rect")[0].get("height")) for bar in bars]
    assert heights[2] == heights[4] == max(heights) > 0
    assert heights[3] == 0
    assert len(bars[5].xpath("./rect")) == 2  # E: revenue, and its refund over it
    assert b"<script" not in response.content.split(b"<svg")[1].split(b"</svg>")[0]


def test_a_preset_link_shows_its_dates_in_the_form_and_is_marked_current(admin_client):
    today = timezone.localdate()

    doc = page(admin_client.get(f"{URL}?preset=last_7&group=week"))

    assert doc.xpath("string(//input[@name='date_from']/@value)") == (
        f"{today - datetime.timedelta(days=6):%Y-%m-%d}"
    )
    assert doc.xpath("string(//input[@name='date_to']/@value)") == f"{today:%Y-%m-%d}"
    (current,) = doc.xpath("//nav[@aria-label='Periods']//a[@aria-current='true']")
    assert current.text_content() == "Last 7 days"
    links = doc.xpath("//nav[@aria-label='Periods']//a/@href")
    assert f"{URL}?preset=last_month&group=week" in links
    # The form does not send the preset back: a changed date is what it says.
    assert not doc.xpath("//form//*[@name='preset']")


@pytest.mark.parametrize(
    ("preset", "label"), [("last_7", "Last 7 days"), ("this_month", "This month")]
)
def test_on_the_seventh_two_presets_cover_the_same_days_and_only_the_asked_one_is_current(
    admin_client, preset, label
):
    with freeze_time("2026-12-07 12:00"):
        doc = page(admin_client.get(f"{URL}?preset={preset}&group=day"))

    assert doc.xpath("string(//input[@name='date_from']/@value)") == "2026-12-01"
    (current,) = doc.xpath("//nav[@aria-label='Periods']//a[@aria-current='true']")
    assert current.text_content() == label


def test_the_page_without_parameters_shows_the_last_30_days_by_day(admin_client):
    doc = page(admin_client.get(URL))

    (current,) = doc.xpath("//nav[@aria-label='Periods']//a[@aria-current='true']")
    assert current.text_content() == "Last 30 days"
    assert len(table_rows(doc, "periods")) == 30 + 1
    assert table_rows(doc, "periods")[0][0] == "Day"


@pytest.mark.parametrize("key", TABLES)
def test_the_csv_download_is_the_table(admin_client, new_york, key):
    scenario()
    query = f"{RANGE}&group=week"
    shown = table_rows(page(admin_client.get(f"{URL}?{query}")), key)

    response = admin_client.get(f"{URL}?{query}&export=csv&table={key}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert f"sales-{key}-2026-01-29-to-2026-02-03-by-week.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    if key == "periods":  # the page writes dates for people, the file as ISO dates
        shown = [row[:1] + row[3:] for row in shown]
        assert [row[1:3] for row in rows[1:]] == [
            ["2026-01-29", "2026-02-01"],
            ["2026-02-02", "2026-02-03"],
        ]
        rows = [row[:1] + row[3:] for row in rows]
    assert rows == shown


def test_the_xlsx_download_keeps_numbers_as_numbers_and_dates_as_dates(admin_client, new_york):
    scenario()

    response = admin_client.get(f"{URL}?{RANGE}&group=week&export=xlsx&table=periods")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Week", "From", "To", "Orders", "Revenue (USD)", "Average order (USD)",
        "Refunds (USD)", "Net (USD)",
    ]  # fmt: skip
    assert rows[1] == [
        "29 Jan – 1 Feb 2026",
        datetime.date(2026, 1, 29),
        datetime.date(2026, 2, 1),
        3,
        72,
        24,
        0,
        72,
    ]
    assert rows[2][3:] == [2, 47, 23.5, 20, 27]


def test_a_code_that_looks_like_a_formula_is_downloaded_as_text(admin_client, new_york):
    orders = scenario()
    Order.objects.filter(pk=orders["D"].pk).update(discount_code="=HYPERLINK(1)")

    response = admin_client.get(f"{URL}?{RANGE}&export=csv&table=codes")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"


# Query counts: the same whatever the number of days, orders, packs, codes, countries.

# Session, user and profile; the report's six (periods, packs, codes, countries, affiliates
# and their commissions); the admin's locale and pages for its menu.
QUERIES = 12
DOWNLOAD_QUERIES = 5  # session, user, profile, and one table's one or two


def spread(order: Order, *, days: int, today: datetime.date, affiliates) -> None:
    """Copies of `order` (with its line), one paid on each of the last `days` days, each with
    another SKU, code, country and affiliate, so that every table grows with the range."""
    line = order.lines.get()
    noon = datetime.time(12)
    countries = ["US", "GB", "DE", "FR", "CA", "AU", "NL"]
    for n in range(days):
        paid_day = today - datetime.timedelta(days=n)
        copy = Order.objects.create(
            **{
                field.name: getattr(order, field.name)
                for field in Order._meta.concrete_fields
                if field.name not in ("id", "number", "token", "idempotency_key", "created_at")
            }
            | {
                "idempotency_key": uuid.uuid4().hex,
                "status": OrderStatus.PAID,
                "paid_at": timezone.make_aware(datetime.datetime.combine(paid_day, noon)),
                "shipping_country": countries[n % len(countries)],
                "discount_code": f"CODE{n}",
            }
        )
        OrderLine.objects.create(
            order=copy,
            product_title=line.product_title,
            variant_name=line.variant_name,
            sku=f"SKU-{n}",
            unit_price=line.unit_price,
            quantity=line.quantity,
            line_total=line.line_total,
        )
        affiliate = affiliates[n % len(affiliates)]
        Referral.objects.create(order=copy, affiliate=affiliate, source=ReferralSource.LINK)
        Commission.objects.create(
            affiliate=affiliate,
            order=copy,
            base_amount=Decimal("10.00"),
            original_amount=Decimal("1.00"),
            amount=Decimal("1.00"),
            currency="USD",
        )


@pytest.mark.parametrize("days", [3, 90])
def test_the_page_makes_as_many_queries_for_90_days_as_for_3(
    admin_client, django_assert_max_num_queries, days
):
    orders = scenario()
    affiliates = [make_affiliate(code=f"aff{n}") for n in range(4)]
    today = timezone.localdate()
    spread(orders["A"], days=days, today=today, affiliates=affiliates)
    query = "preset=last_90&group=day"
    admin_client.get(f"{URL}?{query}")  # the admin's caches warm

    with django_assert_max_num_queries(QUERIES):
        response = admin_client.get(f"{URL}?{query}")

    doc = page(response)
    assert totals(doc)["orders"] == str(days)
    assert len(table_rows(doc, "packs")) == days + 1
    assert len(table_rows(doc, "affiliates")) == min(days, 4) + 1
    assert len(table_rows(doc, "periods")) == 90 + 1


@pytest.mark.parametrize("days", [3, 90])
def test_a_download_makes_as_many_queries_for_90_days_as_for_3(
    admin_client, django_assert_max_num_queries, days
):
    orders = scenario()
    affiliates = [make_affiliate(code="bob")]
    spread(orders["A"], days=days, today=timezone.localdate(), affiliates=affiliates)

    for key in TABLES:
        with django_assert_max_num_queries(DOWNLOAD_QUERIES):
            response = admin_client.get(f"{URL}?preset=last_90&export=csv&table={key}")
            rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        if key in ("packs", "codes"):
            assert len(rows) == days + 1


# Bad input: a message on the page, what was typed kept, 400; never a 500.


@pytest.mark.parametrize(
    "query, message",
    [
        ("date_from=2026-02-03&date_to=2026-01-29", "The to date is before the from date."),
        ("date_from=2026-13-45&date_to=2026-01-29", "Enter a valid date."),
        ("date_from=yesterday&date_to=today", "Enter a valid date."),
        ("date_from=2023-01-01&date_to=2025-12-31", "731 days (two years); this one has 1096."),
        ("date_from=2026-01-01", "Choose a period, or both a from and a to date."),
        ("date_from=0001-01-01&date_to=0001-01-02", "Choose dates between 01 Jan 2000"),
        ("date_from=9999-12-30&date_to=9999-12-31", "Choose dates between 01 Jan 2000"),
        ("preset=last_1000", "Select a valid choice."),
        (f"{RANGE}&group=year", "Select a valid choice."),
        (f"{RANGE}&export=csv&table=customers", "There is no such table to download."),
    ],
)  # fmt: skip
def test_bad_input_gets_a_message_and_400(admin_client, query, message):
    response = admin_client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    doc = page(response)
    (problem,) = doc.xpath("//*[@data-report-problem]")
    assert message in problem.text_content()
    assert not doc.xpath("//*[@data-report-table]")


def test_bad_dates_stay_in_the_form_as_typed(admin_client):
    response = admin_client.get(f"{URL}?date_from=2026-02-30&date_to=2026-03-01&group=week")

    doc = page(response)
    assert response.status_code == 400
    assert doc.xpath("string(//input[@name='date_from']/@value)") == "2026-02-30"
    assert doc.xpath("string(//input[@name='date_to']/@value)") == "2026-03-01"
    assert doc.xpath("string(//select[@name='group']/option[@selected]/@value)") == "week"


def test_a_bad_range_is_not_downloaded(admin_client):
    response = admin_client.get(f"{URL}?date_from=2026-02-03&date_to=2026-01-29&export=xlsx")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# Who may see it.


def staff(django_user_model, email, *codenames):
    user = django_user_model.objects.create_user(email=email, password="pw-123456", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="orders", codename__in=codenames),
    )
    return user


@pytest.mark.parametrize("codename", ["view_order", "change_order"])
def test_staff_who_may_see_orders_see_the_report_and_its_menu_item(
    client, django_user_model, codename
):
    client.force_login(staff(django_user_model, "clerk@example.com", codename))

    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}?export=csv").status_code == 200
    menu = dict(menu_items(client.get("/admin/").content.decode()))
    assert ("Sales report", URL) in menu["Reports"]


def test_staff_without_order_permissions_get_neither_the_report_nor_its_menu_item(
    client, django_user_model
):
    client.force_login(staff(django_user_model, "editor@example.com"))

    for url in (URL, f"{URL}?export=csv&table=periods"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    menu = dict(menu_items(client.get("/admin/").content.decode()))
    assert ("Sales report", URL) not in menu.get("Reports", [])


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(f"{URL}?export=csv")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
