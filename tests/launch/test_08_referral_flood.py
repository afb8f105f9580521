"""Launch test 8: 10,000 hits on one referral link from one IP within a minute.

Past settings.REFERRAL_CLICK_HARD_LIMIT_PER_IP the flood gets 429; the clicks that get
through make one de-duplicated row; nothing earns a commission; and a click costs the same
queries whatever came before it (the audit saw each click of a burst update all the earlier
ones). Time is not asserted here: `make bench` measures speed."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from apothecary.affiliates.models import Click, Commission
from apothecary.affiliates.referrals import ip_hash
from tests.affiliates.builders import make_affiliate, set_program
from tests.helpers import give_consent
from tests.launch.invariants import check_invariants, stock_before

pytestmark = pytest.mark.django_db

FLOOD_IP = "198.51.100.7"
OTHER_IP = "203.0.113.50"
NAVIGATE = {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}


@pytest.fixture(autouse=True)
def _marketing_consent(client):
    """The visitors here accepted marketing cookies (consent is required by default)."""
    give_consent(client, "marketing")


@pytest.fixture
def anna(db):
    set_program(burst_clicks=10, burst_minutes=10, cookie_days=30)
    return make_affiliate(code="anna")


def hit(client, url="/r/anna", ip=FLOOD_IP):
    return client.get(url, REMOTE_ADDR=ip, **NAVIGATE)


def queries_of_one_hit(client) -> list[str]:
    """The SQL of one hit, copied at once: Django empties its query log at the start of
    every request, so a CaptureQueriesContext read after the next request is wrong."""
    with CaptureQueriesContext(connection) as queries:
        assert hit(client).status_code == 302
    return [query["sql"] for query in queries.captured_queries]


def test_ten_thousand_hits_from_one_ip_get_429_past_the_limit_and_make_one_click(
    client, anna, settings
):
    # The flood is counted in one window however long this machine takes to send it (the
    # cache's clock is Redis's own in the PostgreSQL pass; freezegun does not move it).
    settings.REFERRAL_CLICK_HARD_LIMIT_WINDOW = 3600
    before = stock_before()
    with freeze_time("2026-05-04 10:00:05"):
        statuses = Counter(hit(client).status_code for _ in range(10_000))

        limit = settings.REFERRAL_CLICK_HARD_LIMIT_PER_IP
        assert statuses == {302: limit, 429: 10_000 - limit}
        refused = hit(client)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "3600"
        assert "no-cache" in refused["Cache-Control"]
        assert "ref" not in refused.cookies
        # the site stays up for everyone else, and for the flooding address too
        other = hit(give_consent(Client(), "marketing"), ip=OTHER_IP)
        assert other.status_code == 302 and other.cookies["ref"].value
        assert client.get("/", REMOTE_ADDR=FLOOD_IP).status_code == 200

    click = Click.objects.get(ip_hash=ip_hash(FLOOD_IP))
    assert click.affiliate == anna
    assert Click.objects.count() == 2  # the flood's one, the other visitor's one
    assert Commission.objects.count() == 0
    check_invariants(before)


def test_the_hard_limit_is_per_address_and_lifts_after_a_minute(client, anna, settings):
    """The window is the cache entry's lifetime: on the local-memory cache freezegun moves
    its clock (Redis keeps its own)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REFERRAL_CLICK_HARD_LIMIT_PER_IP = 5
    assert settings.REFERRAL_CLICK_HARD_LIMIT_WINDOW == 60
    with freeze_time("2026-05-04 10:00:05") as frozen:
        assert [hit(client).status_code for _ in range(7)] == [302] * 5 + [429] * 2
        assert hit(give_consent(Client(), "marketing"), ip=OTHER_IP).status_code == 302
        frozen.tick(61)
        assert hit(client).status_code == 302


def test_visits_past_the_recording_cap_are_redirected_but_not_recorded(client, program_links):
    first, *others = program_links
    with freeze_time("2026-05-04 10:00:05"):
        responses = [hit(client, f"/r/{code}") for code in program_links]

    assert all(response.status_code == 302 for response in responses)
    recorded = set(Click.objects.values_list("affiliate__code", flat=True))
    assert recorded == set(program_links[:3])
    # an unrecorded visit still names its affiliate in the cookie (no click id)
    assert responses[-1].cookies["ref"].value


@pytest.fixture
def program_links(db, settings):
    settings.REFERRAL_CLICK_LIMIT_PER_IP = 3
    set_program(burst_clicks=100, burst_minutes=10)
    codes = ["anna", "bob", "cara", "dan", "eve"]
    for code in codes:
        make_affiliate(code=code)
    return codes


def test_the_500th_click_costs_the_same_queries_as_the_first_and_changes_no_earlier_row(
    client, anna, settings
):
    settings.REFERRAL_CLICK_HARD_LIMIT_PER_IP = 1000
    settings.REFERRAL_CLICK_LIMIT_PER_IP = 1000
    with freeze_time("2026-05-04 10:00:05"):
        first = queries_of_one_hit(client)
        row = Click.objects.values().get()
        for _ in range(498):
            hit(client)
        five_hundredth = queries_of_one_hit(client)

    assert len(first) == len(five_hundredth)
    assert [sql.split()[0] for sql in five_hundredth] == [sql.split()[0] for sql in first]
    assert not [sql for sql in five_hundredth if sql.startswith("UPDATE")]
    assert Click.objects.values().get() == row


def test_clicks_past_the_cap_cost_no_more_than_the_first(client, anna, settings):
    settings.REFERRAL_CLICK_LIMIT_PER_IP = 2
    with freeze_time("2026-05-04 10:00:05"):
        first = queries_of_one_hit(client)
        for _ in range(20):
            hit(client)
        capped = queries_of_one_hit(client)

    assert len(capped) < len(first)
    assert all(sql.startswith("SELECT") for sql in capped)  # no write at all


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers are tested on PostgreSQL (SQLite serialises them)",
)
def test_twenty_simultaneous_clicks_from_one_visitor_make_one_row(demo_after_flush, settings):
    settings.REFERRAL_CLICK_HARD_LIMIT_PER_IP = 1000
    make_affiliate(code="zed")
    barrier = threading.Barrier(20)
    statuses = []

    def click():
        barrier.wait()
        try:
            statuses.append(hit(give_consent(Client(), "marketing"), "/r/zed").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 20
    assert Click.objects.filter(affiliate__code="zed").count() == 1


def test_with_the_cache_down_a_referral_link_still_leads_to_the_page_unrecorded(
    client, anna, settings
):
    from unittest import mock

    from apothecary.core import ratelimit

    with mock.patch.object(
        ratelimit, "hit", side_effect=ratelimit.RateLimitUnavailable("referral-link")
    ):
        response = hit(client)

    assert response.status_code == 302
    assert settings.REFERRAL_COOKIE_NAME not in response.cookies
    assert Click.objects.count() == 0
