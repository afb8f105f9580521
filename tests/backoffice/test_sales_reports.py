"""The sales report's figures, checked by hand on a few orders around day, week and month
ends, in a store whose time zone is New York (UTC-5 in winter).

The store: a 30-patch pack at 10.00 (SKU REPORT-PATCH-30) and a 90-patch pack at 27.00
(REPORT-PATCH-90), shipping 5.00 to the US, the UK and Germany, no tax.

    order  bought          ships  paid (UTC)         paid (New York)     total  refunded
    A      1 × 30          US     Thu 29 Jan 15:00   Thu 29 Jan 10:00    15.00
    B      2 × 30          GB     Sat 31 Jan 03:30   Fri 30 Jan 22:30    25.00
    C      1 × 90          US     Sun  1 Feb 04:59   Sat 31 Jan 23:59    32.00
    D      3 × 30, SAVE10  DE     Mon  2 Feb 12:00   Mon  2 Feb 07:00    32.00   5.00
    E      1 × 30          US     Tue  3 Feb 10:00   Tue  3 Feb 05:00    15.00  15.00 (all)
    outside the range 29 Jan - 3 Feb (New York), or not counted:
    F      pending, G cancelled, H paid Wed 4 Feb 00:00 New York, I paid Wed 28 Jan 23:59 New York

D: 3 × 10.00 = 30.00, 10 % off = 3.00, + 5.00 shipping = 32.00. B and D (and H) came through
the affiliate "anna", earning 2.00 (approved) and 2.70 (pending) (and 1.00).
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from apothecary.affiliates.models import Commission, CommissionStatus
from apothecary.backoffice.reports import figures
from apothecary.backoffice.reports.ranges import ReportRange, ReportRangeForm, preset_dates
from apothecary.checkout.services import AddressData, order_place
from apothecary.orders.models import Order, OrderStatus
from apothecary.orders.services import order_cancel, order_mark_paid, order_transition
from tests.affiliates.builders import make_affiliate, make_referral
from tests.store import make_cart, make_discount, make_product, make_zone

pytestmark = pytest.mark.django_db

D = Decimal
UTC = datetime.UTC
FIRST, LAST = datetime.date(2026, 1, 29), datetime.date(2026, 2, 3)


@pytest.fixture
def new_york(settings):
    settings.TIME_ZONE = "America/New_York"


def utc(month, day, hour, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def place(packs, *, country="US", code=""):
    """An order of `packs` ((variant, quantity) pairs) shipped to `country`."""
    variants, rate = packs[0], packs[1]
    address = AddressData(
        name="Ada Reader", line1="1 Main St", city="Springfield", postcode="12345",
        country=country, region="",
    )  # fmt: skip
    return order_place(
        cart=make_cart(*variants),
        email="ada@example.com",
        shipping=address,
        billing=None,
        phone="",
        shipping_rate=rate,
        discount_code=code,
        idempotency_key=uuid.uuid4().hex,
    )


def paid_at(order, when):
    order = order_mark_paid(order=order)
    Order.objects.filter(pk=order.pk).update(paid_at=when)
    order.refresh_from_db()
    return order


def scenario():
    """The orders of the module's docstring; returns them by letter."""
    product = make_product(
        title="Report Patch",
        slug="report-patch",
        variants=((30, "10.00", 1, 100), (90, "27.00", 3, 100)),
    )
    small, large = product.variants.order_by("price")
    rate = make_zone(countries="US, GB, DE", price="5.00")
    make_discount(code="SAVE10", kind="percent", value="10")
    anna = make_affiliate(code="anna", name="Anna Blog")

    def order(lines, **kwargs):
        return place((lines, rate), **kwargs)

    orders = {
        "A": paid_at(order([(small, 1)]), utc(1, 29, 15)),
        "B": paid_at(order([(small, 2)], country="GB"), utc(1, 31, 3, 30)),
        "C": paid_at(order([(large, 1)]), utc(2, 1, 4, 59)),
        "D": paid_at(order([(small, 3)], country="DE", code="SAVE10"), utc(2, 2, 12)),
        "E": paid_at(order([(small, 1)]), utc(2, 3, 10)),
        "F": order([(small, 1)]),
        "G": order_cancel(order=order([(small, 1)])),
        "H": paid_at(order([(small, 1)]), utc(2, 4, 5)),
        "I": paid_at(order([(small, 1)]), utc(1, 29, 4, 59)),
    }
    orders["D"] = order_transition(
        order=orders["D"], to=OrderStatus.PARTIALLY_REFUNDED, refunded_amount=D("5.00")
    )
    orders["E"] = order_transition(
        order=orders["E"], to=OrderStatus.REFUNDED, refunded_amount=D("15.00")
    )
    for letter, amount, status in (
        ("B", "2.00", CommissionStatus.APPROVED),
        ("D", "2.70", CommissionStatus.PENDING),
    ):
        make_referral(order=orders[letter], affiliate=anna)
        Commission.objects.create(
            affiliate=anna,
            order=orders[letter],
            base_amount=D("20.00"),
            original_amount=D(amount),
            amount=D(amount),
            currency="USD",
            status=status,
        )
    # A commission on an order outside the range does not count.
    make_referral(order=orders["H"], affiliate=anna)
    Commission.objects.create(
        affiliate=anna, order=orders["H"], base_amount=D("10.00"), original_amount=D("1.00"),
        amount=D("1.00"), currency="USD",
    )  # fmt: skip
    return orders


def figures_of(rows):
    return [(row.period.first, row.orders, row.revenue, row.refunds, row.net) for row in rows]


def test_the_orders_are_as_the_docstring_says(new_york):
    orders = scenario()

    totals = {letter: (order.total, order.refunded_amount) for letter, order in orders.items()}
    assert totals["A"] == (D("15.00"), D("0.00"))
    assert totals["B"] == (D("25.00"), D("0.00"))
    assert totals["C"] == (D("32.00"), D("0.00"))
    assert totals["D"] == (D("32.00"), D("5.00"))
    assert totals["E"] == (D("15.00"), D("15.00"))
    assert orders["D"].discount_amount == D("3.00")


def test_by_day_in_the_stores_time_zone(new_york):
    scenario()

    rows = figures.sales_by_period(ReportRange(FIRST, LAST, "day"))

    day = datetime.date
    assert figures_of(rows) == [
        (day(2026, 1, 29), 1, D("15.00"), D("0.00"), D("15.00")),  # A
        (day(2026, 1, 30), 1, D("25.00"), D("0.00"), D("25.00")),  # B: still the 30th in NY
        (day(2026, 1, 31), 1, D("32.00"), D("0.00"), D("32.00")),  # C: a minute before midnight
        (day(2026, 2, 1), 0, D("0.00"), D("0.00"), D("0.00")),
        (day(2026, 2, 2), 1, D("32.00"), D("5.00"), D("27.00")),  # D
        (day(2026, 2, 3), 1, D("15.00"), D("15.00"), D("0.00")),  # E, refunded in full
    ]
    assert [row.label for row in rows[:2]] == ["Thu 29 Jan 2026", "Fri 30 Jan 2026"]
    assert rows[4].average == D("32.00")
    assert rows[3].average == D("0.00")


def test_by_day_in_utc_the_same_orders_fall_on_other_days(settings):
    settings.TIME_ZONE = "UTC"
    scenario()

    rows = figures.sales_by_period(ReportRange(FIRST, LAST, "day"))

    # I (04:59 UTC on the 29th) now counts; B moves to the 31st, C to 1 Feb.
    assert [(row.period.first.day, row.orders, row.revenue) for row in rows] == [
        (29, 2, D("30.00")),
        (30, 0, D("0.00")),
        (31, 1, D("25.00")),
        (1, 1, D("32.00")),
        (2, 1, D("32.00")),
        (3, 1, D("15.00")),
    ]


def test_by_week_weeks_start_on_monday_and_are_cut_to_the_range(new_york):
    scenario()

    rows = figures.sales_by_period(ReportRange(FIRST, LAST, "week"))

    assert [(row.period.first, row.period.last) for row in rows] == [
        (datetime.date(2026, 1, 29), datetime.date(2026, 2, 1)),  # Thu to Sun
        (datetime.date(2026, 2, 2), datetime.date(2026, 2, 3)),  # Mon to Tue
    ]
    assert [row.label for row in rows] == ["29 Jan – 1 Feb 2026", "2–3 Feb 2026"]
    assert figures_of(rows) == [
        (datetime.date(2026, 1, 29), 3, D("72.00"), D("0.00"), D("72.00")),  # A B C
        (datetime.date(2026, 2, 2), 2, D("47.00"), D("20.00"), D("27.00")),  # D E
    ]
    assert rows[0].average == D("24.00")
    assert rows[1].average == D("23.50")


def test_by_month_c_is_january_in_new_york(new_york):
    scenario()

    rows = figures.sales_by_period(ReportRange(FIRST, LAST, "month"))

    assert [row.label for row in rows] == ["29–31 Jan 2026", "1–3 Feb 2026"]
    assert figures_of(rows) == [
        (datetime.date(2026, 1, 29), 3, D("72.00"), D("0.00"), D("72.00")),
        (datetime.date(2026, 2, 1), 2, D("47.00"), D("20.00"), D("27.00")),
    ]
    total = figures.total_row(rows, ReportRange(FIRST, LAST, "month"))
    assert (total.orders, total.revenue, total.average, total.refunds, total.net) == (
        5,
        D("119.00"),
        D("23.80"),
        D("20.00"),
        D("99.00"),
    )


def test_a_whole_month_is_named_by_its_name(new_york):
    rows = figures.sales_by_period(
        ReportRange(datetime.date(2026, 1, 1), datetime.date(2026, 2, 28), "month")
    )

    assert [row.label for row in rows] == ["January 2026", "February 2026"]


def test_by_pack(new_york):
    scenario()

    rows = figures.sales_by_pack(ReportRange(FIRST, LAST, "day"))

    assert [
        (r.sku, r.product, r.pack, r.orders, r.units, r.units_refunded, r.revenue) for r in rows
    ] == [
        # A 1 + B 2 + D 3 + E 1 units at 10.00, before D's discount
        ("REPORT-PATCH-30", "Report Patch", "30 patches", 4, 7, 0, D("70.00")),
        ("REPORT-PATCH-90", "Report Patch", "90 patches", 1, 1, 0, D("27.00")),
    ]


def test_by_discount_code(new_york):
    scenario()

    rows = figures.sales_by_discount_code(ReportRange(FIRST, LAST, "day"))

    assert [(r.code, r.uses, r.discount, r.revenue) for r in rows] == [
        ("SAVE10", 1, D("3.00"), D("32.00"))
    ]


def test_by_country(new_york):
    scenario()

    rows = figures.sales_by_country(ReportRange(FIRST, LAST, "day"))

    assert [(r.code, r.name, r.orders, r.revenue, r.refunds) for r in rows] == [
        ("US", "United States", 3, D("62.00"), D("15.00")),  # A C E
        ("DE", "Germany", 1, D("32.00"), D("5.00")),
        ("GB", "United Kingdom", 1, D("25.00"), D("0.00")),
    ]


def test_by_affiliate_counts_only_orders_in_the_range(new_york):
    scenario()

    rows = figures.sales_by_affiliate(ReportRange(FIRST, LAST, "day"))

    assert [(r.name, r.code, r.orders, r.revenue, r.commission) for r in rows] == [
        ("Anna Blog", "anna", 2, D("57.00"), D("4.70"))  # B and D; not H
    ]


def test_rejected_and_reversed_commissions_do_not_count(new_york):
    orders = scenario()
    Commission.objects.filter(order=orders["D"]).update(status=CommissionStatus.REVERSED)

    (row,) = figures.sales_by_affiliate(ReportRange(FIRST, LAST, "day"))

    assert (row.orders, row.commission) == (2, D("2.00"))


def test_an_empty_range_has_every_period_at_zero():
    rows = figures.sales_by_period(
        ReportRange(datetime.date(2026, 3, 1), datetime.date(2026, 3, 3), "day")
    )

    assert figures_of(rows) == [
        (datetime.date(2026, 3, d), 0, D("0.00"), D("0.00"), D("0.00")) for d in (1, 2, 3)
    ]
    assert figures.sales_by_pack(ReportRange(FIRST, LAST, "day")) == []


@pytest.mark.parametrize(
    "preset, first, last",
    [
        ("last_7", datetime.date(2026, 3, 4), datetime.date(2026, 3, 10)),
        ("last_30", datetime.date(2026, 2, 9), datetime.date(2026, 3, 10)),
        ("last_90", datetime.date(2025, 12, 11), datetime.date(2026, 3, 10)),
        ("this_month", datetime.date(2026, 3, 1), datetime.date(2026, 3, 10)),
        ("last_month", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
    ],
)
def test_presets(preset, first, last):
    assert preset_dates(preset, datetime.date(2026, 3, 10)) == (first, last)


def test_last_month_in_january_is_last_december():
    assert preset_dates("last_month", datetime.date(2026, 1, 15)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 31),
    )


def test_a_preset_wins_over_the_dates():
    form = ReportRangeForm(
        {"preset": "last_7", "date_from": "2020-01-01", "date_to": "2020-01-02", "group": "week"},
        today=datetime.date(2026, 3, 10),
    )

    assert form.is_valid()
    assert form.range == ReportRange(datetime.date(2026, 3, 4), datetime.date(2026, 3, 10), "week")


def test_no_parameters_is_the_last_30_days_by_day():
    form = ReportRangeForm({}, today=datetime.date(2026, 3, 10))

    assert form.is_valid()
    assert form.range == ReportRange(datetime.date(2026, 2, 9), datetime.date(2026, 3, 10), "day")


def test_the_range_is_midnight_to_midnight_where_the_store_is(new_york):
    report_range = ReportRange(FIRST, LAST, "day")

    assert report_range.start == utc(1, 29, 5)
    assert report_range.end == utc(2, 4, 5)
    assert timezone.get_default_timezone_name() == "America/New_York"
