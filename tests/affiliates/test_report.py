"""The report of the top affiliates: its two rankings (reports.py), the report page with its
period and ranking filters, and its CSV and XLSX downloads."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from lxml import html as lxml_html
from openpyxl import load_workbook

from apothecary.affiliates import reports
from apothecary.affiliates.models import Click, CommissionKind, CommissionStatus

from .builders import make_affiliate, make_commission

pytestmark = pytest.mark.django_db

URL = "/admin/affiliates/report/"


def test_report_ranks_by_revenue_and_by_conversion_with_a_minimum_of_clicks(
    admin, shop, django_assert_max_num_queries
):
    now = timezone.now()
    big = make_affiliate(code="big", name="Big Blog")
    small = make_affiliate(code="small", name="Small Shop")
    lucky = make_affiliate(code="lucky", name="Lucky One")
    for _ in range(2):
        make_commission(shop, big, base_amount=Decimal("100.00"), status=CommissionStatus.APPROVED)
    make_commission(shop, big, base_amount=Decimal("500.00"), status=CommissionStatus.REVERSED)
    make_commission(shop, small, base_amount=Decimal("150.00"))
    make_commission(shop, lucky, base_amount=Decimal("20.00"))
    make_commission(
        shop,
        small,
        base_amount=Decimal("900.00"),
        kind=CommissionKind.COMMISSION,
        created_at=now - timedelta(days=40),
    )
    clicks = {big: 100, small: 20, lucky: 1}
    Click.objects.bulk_create(
        Click(affiliate=a, landing_url="/", ip_hash=f"h{n}", created_at=now - timedelta(days=1))
        for a, count in clicks.items()
        for n in range(count)
    )

    by_revenue = reports.top_by_revenue(days=30, now=now)
    by_conversion = reports.top_by_conversion(days=30, now=now)
    by_revenue_90 = reports.top_by_revenue(days=90, now=now)

    assert [(r.affiliate.code, r.orders, r.revenue) for r in by_revenue] == [
        ("big", 2, Decimal("200.00")),
        ("small", 1, Decimal("150.00")),
        ("lucky", 1, Decimal("20.00")),
    ]
    assert [(r.affiliate.code, r.clicks, r.orders, r.percent) for r in by_conversion] == [
        ("small", 20, 1, "5.0%"),
        ("big", 100, 2, "2.0%"),
    ]
    assert by_revenue_90[0].affiliate.code == "small"
    with django_assert_max_num_queries(20):
        page = admin.get("/admin/affiliates/report/?days=30")
    html = page.content.decode()
    assert html.index("Big Blog") < html.index("Small Shop")
    assert "5.0%" in html


def test_report_queries_do_not_grow_with_affiliates(shop, django_assert_num_queries):
    for n in range(6):
        affiliate = make_affiliate(code=f"aff{n}")
        make_commission(shop, affiliate, base_amount=Decimal(10 + n))
        Click.objects.bulk_create(
            Click(affiliate=affiliate, landing_url="/", ip_hash=f"{n}-{i}") for i in range(25)
        )

    with django_assert_num_queries(2):
        reports.top_by_revenue(days=30)
    with django_assert_num_queries(1):
        rows = reports.top_by_conversion(days=30)

    assert len(rows) == 6


@pytest.fixture
def ranked(shop):
    """Big Blog: 2 orders for 200.00 from 100 clicks; "=Small Shop" (a name a spreadsheet
    would run): 1 order for 150.00 from 20 clicks; Lucky One: 1 order for 20.00 from 1
    click, too few to rank by conversion."""
    now = timezone.now()
    big = make_affiliate(code="big", name="Big Blog")
    small = make_affiliate(code="small", name="=Small Shop")
    lucky = make_affiliate(code="lucky", name="Lucky One")
    for _ in range(2):
        make_commission(shop, big, base_amount=Decimal("100.00"), status=CommissionStatus.APPROVED)
    make_commission(shop, small, base_amount=Decimal("150.00"))
    make_commission(shop, lucky, base_amount=Decimal("20.00"))
    Click.objects.bulk_create(
        Click(affiliate=a, landing_url="/", ip_hash=f"h{n}", created_at=now - timedelta(days=1))
        for a, count in {big: 100, small: 20, lucky: 1}.items()
        for n in range(count)
    )
    return {"big": big, "small": small, "lucky": lucky}


def table(response) -> list[list[str]]:
    """The report's rows as the page shows them, cell texts without surrounding space."""
    tree = lxml_html.fromstring(response.content)
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
        for row in tree.xpath("//table[contains(@class, 'listing')]/tbody/tr")
    ]


def subtitle(response) -> str:
    tree = lxml_html.fromstring(response.content)
    return " ".join(tree.xpath("//h1")[0].text_content().split())


def test_the_report_lists_the_chosen_ranking_with_every_figure(admin, ranked):
    by_revenue = admin.get(URL)
    by_conversion = admin.get(f"{URL}?rank=conversion&days=90")

    assert subtitle(by_revenue) == "Top affiliates: By revenue: last 30 days"
    assert table(by_revenue) == [
        ["1", "Big Blog (big)", "100", "2", "$200.00", "2.0%"],
        ["2", "=Small Shop (small)", "20", "1", "$150.00", "5.0%"],
        ["3", "Lucky One (lucky)", "1", "1", "$20.00", "100.0%"],
    ]
    assert subtitle(by_conversion) == "Top affiliates: By conversion: last 90 days"
    assert table(by_conversion) == [
        ["1", "=Small Shop (small)", "20", "1", "$150.00", "5.0%"],
        ["2", "Big Blog (big)", "100", "2", "$200.00", "2.0%"],
    ]
    tree = lxml_html.fromstring(by_conversion.content)
    assert tree.xpath("//table//a/@href")[0] == f"/admin/affiliates/{ranked['small'].pk}/"


def test_the_filters_reload_the_results_and_unknown_choices_show_the_default(admin, ranked):
    results = admin.get(f"{URL}results/?rank=conversion&days=365")
    unknown = admin.get(f"{URL}?rank=loudest&days=7")
    one_unknown = admin.get(f"{URL}?rank=conversion&days=7")

    assert results.status_code == 200
    assert [row[1] for row in table(results)] == ["=Small Shop (small)", "Big Blog (big)"]
    assert unknown.status_code == 200
    assert subtitle(unknown) == "Top affiliates: By revenue: last 30 days"
    assert [row[1] for row in table(unknown)] == [
        "Big Blog (big)",
        "=Small Shop (small)",
        "Lucky One (lucky)",
    ]
    assert subtitle(one_unknown) == "Top affiliates: By conversion: last 30 days"


def test_the_report_says_when_nobody_ranks(admin):
    revenue = lxml_html.fromstring(admin.get(URL).content)
    conversion = lxml_html.fromstring(admin.get(f"{URL}?rank=conversion").content)

    assert "No referred orders in this period." in revenue.text_content()
    assert "Nobody had 20 clicks or more in this period." in conversion.text_content()


def test_the_csv_download_is_the_ranking_with_formulas_defused(admin, ranked):
    response = admin.get(f"{URL}?rank=conversion&days=90&export=csv")

    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == (
        'attachment; filename="top-affiliates-by-conversion-90-days.csv"'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["Rank", "Affiliate", "Code", "Clicks", "Orders", "Revenue", "Currency", "Conversion"],
        ["1", "'=Small Shop", "small", "20", "1", "150.00", "USD", "5.0%"],
        ["2", "Big Blog", "big", "100", "2", "200.00", "USD", "2.0%"],
    ]


def test_the_xlsx_download_keeps_numbers_as_numbers(admin, ranked):
    response = admin.get(f"{URL}?export=xlsx")

    assert response["Content-Disposition"] == (
        'attachment; filename="top-affiliates-by-revenue-30-days.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Rank", "Affiliate", "Code", "Clicks", "Orders", "Revenue", "Currency", "Conversion"),
        (1, "Big Blog", "big", 100, 2, 200, "USD", "2.0%"),
        (2, "'=Small Shop", "small", 20, 1, 150, "USD", "5.0%"),
        (3, "Lucky One", "lucky", 1, 1, 20, "USD", "100.0%"),
    ]


def test_staff_who_may_not_see_affiliates_get_no_results_and_no_download(
    client, django_user_model, ranked
):
    clerk = django_user_model.objects.create_user(
        email="clerk@example.com", password="pw-123456", is_staff=True
    )
    clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(clerk)

    for url in [f"{URL}results/", f"{URL}?export=csv", f"{URL}?export=xlsx"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
