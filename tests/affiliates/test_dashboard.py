"""The affiliate dashboard: who may see what (each affiliate only their own clicks, orders and
payouts; never a customer's details), the figures and the 90-day series, the link maker,
changing the code, and the data download."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from apothecary.affiliates.models import (
    AffiliateStatus,
    Click,
    Commission,
    Payout,
    PayoutBatch,
    Referral,
)
from apothecary.affiliates.selectors import affiliate_series, affiliate_totals
from apothecary.orders.models import Order
from tests.store import make_cart, make_product, make_zone, place_order

from .builders import make_affiliate

pytestmark = pytest.mark.django_db

URL = "/affiliates/dashboard/"
CODE_URL = "/affiliates/dashboard/code/"
DATA_URL = "/affiliates/dashboard/data/"
User = get_user_model()


@pytest.fixture
def store():
    product = make_product(title="Dashboard Patch", variants=((30, "40.00", 1, 500),))
    return product.variants.get(), make_zone(countries="US")


def referred_order(
    store, affiliate, *, email, amount, status="pending", days_ago=0, quantity=1
) -> Order:
    """A paid order of `email` attributed to `affiliate`, with its commission."""
    variant, rate = store
    order = place_order(cart=make_cart((variant, quantity)), rate=rate, email=email)
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Order.objects.filter(pk=order.pk).update(status="paid", created_at=when, paid_at=when)
    order.refresh_from_db()
    Referral.objects.create(order=order, affiliate=affiliate, source="link", created_at=when)
    Commission.objects.create(
        affiliate=affiliate,
        order=order,
        base_amount=order.subtotal,
        original_amount=Decimal(amount),
        amount=Decimal(amount),
        currency="USD",
        status=status,
        created_at=when,
    )
    return order


def clicks(affiliate, n, *, days_ago=0, landing="/order/"):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Click.objects.bulk_create(
        Click(
            affiliate=affiliate,
            created_at=when,
            landing_url=f"{landing}?ref={affiliate.code}",
            referrer="https://news.example/",
            ip_hash=f"hash-{affiliate.code}-{i}",
            user_agent="TestBrowser/1.0",
        )
        for i in range(n)
    )


@pytest.fixture
def two_affiliates(store):
    """Anna (signed in in the tests) and Ben, each with clicks, orders, commissions; Ben also
    with a payout. Nothing of Ben's may show on Anna's pages."""
    anna = make_affiliate(code="anna")
    ben = make_affiliate(code="ben-partner")
    clicks(anna, 8, days_ago=1)
    clicks(anna, 2, days_ago=40)
    clicks(ben, 31, days_ago=2, landing="/blog/ben-secret-post/")
    anna_orders = [
        referred_order(store, anna, email="buyer.one@example.com", amount="6.00", days_ago=1),
        referred_order(
            store,
            anna,
            email="buyer.two@example.com",
            amount="12.00",
            status="approved",
            days_ago=40,
            quantity=2,
        ),
    ]
    ben_order = referred_order(
        store, ben, email="ben.buyer@example.com", amount="77.77", status="paid", days_ago=3
    )
    batch = PayoutBatch.objects.create()
    Payout.objects.create(
        batch=batch,
        affiliate=ben,
        amount=Decimal("77.77"),
        currency="USD",
        method="paypal",
        destination="ben-pay@example.com",
    )
    return {"anna": anna, "ben": ben, "anna_orders": anna_orders, "ben_order": ben_order}


# Access.


@pytest.mark.parametrize("url", [URL, DATA_URL, "/affiliates/applied/"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={url}"


def test_an_anonymous_visitor_cannot_change_a_code(client, two_affiliates):
    response = client.post(CODE_URL, {"code": "stolen"})

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    two_affiliates["anna"].refresh_from_db()
    assert two_affiliates["anna"].code == "anna"


def test_a_customer_who_is_no_affiliate_is_invited_to_apply_and_sees_no_figures(
    client, two_affiliates
):
    customer = User.objects.create_user(email="cust@example.com", password="x")
    client.force_login(customer)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "is not in our affiliate program yet" in html
    assert 'href="/affiliates/#apply"' in html
    assert "anna" not in html.replace("cust@example.com", "")
    assert "data-total" not in html
    assert client.get(DATA_URL).status_code == 404
    assert client.post(CODE_URL, {"code": "mine"}).status_code == 404


@pytest.mark.parametrize(
    "status,note,shown",
    [
        (AffiliateStatus.PENDING, "", "Your application is under review"),
        (AffiliateStatus.REJECTED, "We only work with food writers.", "We only work with food"),
        (AffiliateStatus.SUSPENDED, "Links on a coupon site.", "Links on a coupon site."),
    ],
)
def test_an_affiliate_not_approved_sees_where_they_stand_and_no_figures(
    client, status, note, shown
):
    affiliate = make_affiliate(code="anna", status=status, decision_note=note)
    clicks(affiliate, 3)
    client.force_login(affiliate.user)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert shown in html
    assert f'data-status="{status}"' in html
    assert "data-total" not in html
    assert "Make my link" not in html
    assert client.post(CODE_URL, {"code": "anna-2"}).status_code == 404
    assert client.get(DATA_URL).status_code == 200  # their data is theirs in any status


def test_an_approved_affiliate_sees_their_own_figures_and_nobody_elses(client, two_affiliates):
    anna, ben = two_affiliates["anna"], two_affiliates["ben"]
    client.force_login(anna.user)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert '<span class="stat-value" data-total="clicks">10</span>' in html
    assert '<span class="stat-value" data-total="orders">2</span>' in html
    assert '<span class="stat-value" data-total="conversion">20.0%</span>' in html
    assert '<span class="stat-value" data-total="pending">$6.00</span>' in html
    assert '<span class="stat-value" data-total="approved">$12.00</span>' in html
    assert '<span class="stat-value" data-total="paid">$0.00</span>' in html
    assert "No payouts yet." in html
    assert "http://testserver/?ref=anna" in html
    # Ben's code, clicks, commission and payout are nowhere on Anna's page.
    assert ben.code not in html
    assert "77.77" not in html
    assert "ben-secret-post" not in html
    assert "ben-pay@example.com" not in html


def test_no_customer_personal_data_is_shown_to_the_affiliate(client, two_affiliates):
    anna = two_affiliates["anna"]
    client.force_login(anna.user)

    html = client.get(URL).content.decode()

    assert "40.00" in html and "80.00" in html  # the products' net amounts
    for order in two_affiliates["anna_orders"]:
        assert order.email not in html
        assert order.number not in html
        assert order.token not in html
        assert order.shipping_name not in html  # "Ada Reader"
        assert order.shipping_line1 not in html
        assert order.shipping_city not in html
        assert order.get_absolute_url() not in html


def test_the_dashboard_lists_commissions_with_date_net_amount_commission_and_status(
    client, two_affiliates
):
    client.force_login(two_affiliates["anna"].user)

    html = client.get(URL).content.decode()

    rows = re.findall(
        r'<tr><td class="date">([^<]+)</td><td class="num">([^<]+)</td><td class="num">([^<]+)</td>'
        r"<td>([^<]+)</td></tr>",
        html,
    )
    today = timezone.localdate()
    assert rows == [
        ((today - datetime.timedelta(days=1)).strftime("%-d %b %Y"), "40.00", "6.00", "Pending"),
        (
            (today - datetime.timedelta(days=40)).strftime("%-d %b %Y"),
            "80.00",
            "12.00",
            "Approved",
        ),
    ]


def test_the_90_day_series_adds_up_to_the_totals(two_affiliates):
    anna = two_affiliates["anna"]

    series = affiliate_series(anna)
    totals = affiliate_totals(anna)

    assert len(series) == 90
    assert series[-1].day == timezone.localdate()
    assert sum(d.clicks for d in series) == totals.clicks == 10
    assert sum(d.orders for d in series) == totals.orders == 2
    assert sum((d.earnings for d in series), Decimal("0")) == totals.earned == Decimal("18.00")
    by_day = {d.day: d for d in series}
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert (by_day[yesterday].clicks, by_day[yesterday].orders, by_day[yesterday].earnings) == (
        8,
        1,
        Decimal("6.00"),
    )


def test_the_series_leaves_out_what_is_older_than_90_days_and_rejected_earnings(store):
    anna = make_affiliate(code="anna")
    clicks(anna, 4, days_ago=120)
    referred_order(store, anna, email="old@example.com", amount="5.00", days_ago=120)
    referred_order(store, anna, email="new@example.com", amount="9.00", status="rejected")

    series = affiliate_series(anna)

    assert sum(d.clicks for d in series) == 0
    assert sum(d.orders for d in series) == 1
    assert sum((d.earnings for d in series), Decimal("0")) == 0
    assert affiliate_totals(anna).pending == Decimal("5.00")


def test_the_chart_is_drawn_as_svg_with_a_table_alternative(client, two_affiliates):
    client.force_login(two_affiliates["anna"].user)

    html = client.get(URL).content.decode()

    assert html.count("<svg ") == 3
    assert html.count('role="img"') == 3
    assert "Clicks by day from" in html
    assert "The same figures as a table, day by day" in html
    table = html.split("The same figures as a table", 1)[1].split("</table>", 1)[0]
    assert table.count('<tr><th scope="row">') == 90


def test_the_dashboard_takes_a_bounded_number_of_queries(
    client, two_affiliates, store, django_assert_max_num_queries
):
    anna = two_affiliates["anna"]
    client.force_login(anna.user)
    client.get(URL)
    with django_assert_max_num_queries(28) as few:
        assert client.get(URL).status_code == 200
    clicks(anna, 200, days_ago=3)
    for n in range(12):
        referred_order(store, anna, email=f"more{n}@example.com", amount="1.00", days_ago=n)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200


# The link maker.


@pytest.mark.parametrize(
    "typed,link",
    [
        ("/blog/", "http://testserver/blog/?ref=anna"),
        ("blog/", "http://testserver/blog/?ref=anna"),
        ("http://testserver/order/?pack=90", "http://testserver/order/?pack=90&amp;ref=anna"),
        ("https://testserver/faq/#shipping", "http://testserver/faq/?ref=anna#shipping"),
        ("/order/?ref=someone-else", "http://testserver/order/?ref=anna"),
        ("testserver/research/", "http://testserver/research/?ref=anna"),
    ],
)
def test_the_link_maker_turns_a_page_of_this_site_into_a_referral_link(client, typed, link):
    client.force_login(make_affiliate(code="anna").user)

    response = client.get(URL, {"url": typed})

    assert response.status_code == 200
    assert f"data-made-link>{link}</textarea>" in response.content.decode()


@pytest.mark.parametrize(
    "typed,message",
    [
        ("https://other-shop.example/b12/", "Links can only lead to pages of this site"),
        ("//other-shop.example/", "Links can only lead to pages of this site"),
        ("javascript:alert(1)", "Enter a web address starting with https://"),
        ("", "Enter the address of a page of this site."),
    ],
)
def test_the_link_maker_refuses_other_sites(client, typed, message):
    client.force_login(make_affiliate(code="anna").user)

    response = client.get(URL, {"url": typed})

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html.replace("&#x27;", "'")
    assert "data-made-link" not in html


# The code.


def test_an_affiliate_changes_their_code_and_is_told_old_links_stop(client):
    affiliate = make_affiliate(code="anna")
    client.force_login(affiliate.user)

    response = client.post(CODE_URL, {"code": "Anna-Eats"})

    assert response.status_code == 302
    assert response["Location"] == "/affiliates/dashboard/#code"
    affiliate.refresh_from_db()
    assert affiliate.code == "anna-eats"
    page = client.get(URL).content.decode()
    assert "Your code is now anna-eats. Links with your old code no longer count" in page
    assert "http://testserver/?ref=anna-eats" in page
    assert "Links with your current code stop working once you change it" in page


@pytest.mark.parametrize(
    "typed,message",
    [
        ("BEN-PARTNER", "This code is taken. Please choose another."),
        ("a", "Use 3 to 32 lower-case letters"),
        ("spaces in it", "Use 3 to 32 lower-case letters"),
        ("anna", "This is already your code."),
    ],
)
def test_a_code_that_cannot_be_theirs_is_refused(client, typed, message):
    make_affiliate(code="ben-partner")
    affiliate = make_affiliate(code="anna")
    client.force_login(affiliate.user)

    response = client.post(CODE_URL, {"code": typed})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'value="{typed}"' in response.content.decode()
    affiliate.refresh_from_db()
    assert affiliate.code == "anna"


# The data download.


def test_the_data_download_is_a_json_file_of_their_own_data_without_customers(
    client, two_affiliates
):
    anna = two_affiliates["anna"]
    client.force_login(anna.user)

    response = client.get(DATA_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="affiliate-data-anna.json"'
    data = json.loads(response.content)
    assert data["profile"]["code"] == "anna"
    assert data["profile"]["email"] == "anna@affiliate.example"
    assert data["profile"]["paypal_email"] == "anna@affiliate.example"
    assert len(data["clicks"]) == 10
    assert set(data["clicks"][0]) == {"time", "landing_url", "referrer", "user_agent"}
    assert data["clicks"][0]["landing_url"] == "/order/?ref=anna"
    assert len(data["referred_orders"]) == 2
    assert [c["amount"] for c in data["commissions"]] == ["12.00", "6.00"]
    assert [c["products_net_amount"] for c in data["commissions"]] == ["80.00", "40.00"]
    assert data["payouts"] == []
    text = response.content.decode()
    for order in [*two_affiliates["anna_orders"], two_affiliates["ben_order"]]:
        assert order.email not in text
        assert order.number not in text
        assert order.token not in text
    assert "Ada Reader" not in text
    assert "ben-partner" not in text
    assert "77.77" not in text


def test_the_data_download_holds_their_payouts(client, two_affiliates):
    client.force_login(two_affiliates["ben"].user)

    data = json.loads(client.get(DATA_URL).content)

    assert data["payouts"] == [
        {
            "created_at": data["payouts"][0]["created_at"],
            "amount": "77.77",
            "currency": "USD",
            "method": "paypal",
            "destination": "ben-pay@example.com",
            "reference": "",
            "paid_at": None,
        }
    ]
    assert len(data["clicks"]) == 31
