"""The "Affiliates" back office: applications and decisions on affiliates, commissions and
their history, payout batches through the admin, and who may see any of it (the report:
test_report.py)."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.utils import timezone

from apothecary.affiliates.models import (
    Affiliate,
    AffiliateCoupon,
    AffiliateStatus,
    Click,
    Commission,
    CommissionEvent,
    CommissionStatus,
    PayoutBatch,
    PayoutBatchStatus,
    PayoutMethod,
)
from apothecary.checkout.models import DiscountCode
from apothecary.orders.models import Order

from .builders import make_affiliate, make_commission, make_referral, set_program

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


def seen(client, url, action) -> str:
    html = client.get(url).content.decode()
    match = re.search(rf'name="{action}-seen" value="([^"]*)"', html)
    assert match, f"no {action} form on {url}"
    return match.group(1)


def offered(client, url) -> list[str]:
    html = client.get(url).content.decode()
    return re.findall(r'<form method="post" action="/admin/[a-z/-]+/\d+/([a-z-]+)/"', html)


# --- Applications and affiliates -------------------------------------------------------------


def test_applications_lists_pending_affiliates_oldest_first(admin):
    now = timezone.now()
    newer = make_affiliate(code="newer", status=AffiliateStatus.PENDING, applied_at=now)
    older = make_affiliate(
        code="older", status=AffiliateStatus.PENDING, applied_at=now - timedelta(days=3)
    )
    make_affiliate(code="approved")

    response = admin.get("/admin/affiliates/applications/")

    assert response.status_code == 200
    links = re.findall(r'href="/admin/affiliates/(\d+)/"', response.content.decode())
    assert [int(pk) for pk in links] == [older.pk, newer.pk]


def test_approving_an_application_from_its_page(admin, mailoutbox):
    applicant = make_affiliate(code="anna", status=AffiliateStatus.PENDING)
    url = f"/admin/affiliates/{applicant.pk}/"
    assert offered(admin, url) == ["approve", "reject"]

    response = admin.post(f"{url}approve/", {"approve-seen": seen(admin, url, "approve")})

    assert response.status_code == 302 and response["Location"] == url
    applicant.refresh_from_db()
    assert applicant.status == AffiliateStatus.APPROVED
    assert applicant.decided_at is not None
    assert said(response) == ["Anna is approved: their links and code count from now on."]
    assert offered(admin, url) == ["suspend"]


def test_rejecting_needs_a_note_and_keeps_it(admin):
    applicant = make_affiliate(code="anna", status=AffiliateStatus.PENDING)
    url = f"/admin/affiliates/{applicant.pk}/"
    state = seen(admin, url, "reject")

    refused = admin.post(f"{url}reject/", {"reject-seen": state, "reject-note": ""})

    assert refused.status_code == 400
    applicant.refresh_from_db()
    assert applicant.status == AffiliateStatus.PENDING

    response = admin.post(
        f"{url}reject/", {"reject-seen": state, "reject-note": "No audience we can see."}
    )

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.status, applicant.decision_note) == (
        AffiliateStatus.REJECTED,
        "No audience we can see.",
    )


def test_suspend_then_reactivate(admin):
    affiliate = make_affiliate(code="anna")
    url = f"/admin/affiliates/{affiliate.pk}/"

    admin.post(
        f"{url}suspend/",
        {"suspend-seen": seen(admin, url, "suspend"), "suspend-note": "Spam on forums."},
    )
    affiliate.refresh_from_db()
    assert affiliate.status == AffiliateStatus.SUSPENDED
    assert offered(admin, url) == ["reactivate"]

    admin.post(f"{url}reactivate/", {"reactivate-seen": seen(admin, url, "reactivate")})
    affiliate.refresh_from_db()
    assert affiliate.status == AffiliateStatus.APPROVED


def test_a_stale_page_or_an_impossible_action_changes_nothing(admin):
    applicant = make_affiliate(code="anna", status=AffiliateStatus.PENDING)
    url = f"/admin/affiliates/{applicant.pk}/"
    state = seen(admin, url, "approve")
    admin.post(f"{url}approve/", {"approve-seen": state})

    again = admin.post(f"{url}approve/", {"approve-seen": state})
    stale = admin.post(f"{url}suspend/", {"suspend-seen": state, "suspend-note": "x"})
    unknown = admin.post(f"{url}explode/", {})

    assert again.status_code == 409
    assert said(again)[-1] == (
        "Approve is not possible: affiliate Anna (anna) is approved. Nothing was changed."
    )
    assert stale.status_code == 409
    assert "changed since this page was opened" in said(stale)[-1]
    assert unknown.status_code == 404
    applicant.refresh_from_db()
    assert applicant.status == AffiliateStatus.APPROVED


def test_the_affiliate_list_filters_by_status_and_searches(admin):
    make_affiliate(code="anna", name="Anna Lee")
    make_affiliate(code="ben", name="Ben Ode", status=AffiliateStatus.SUSPENDED)

    suspended = admin.get("/admin/affiliates/?status=suspended").content.decode()
    found = admin.get("/admin/affiliates/?q=lee").content.decode()

    assert "Ben Ode" in suspended and "Anna Lee" not in suspended
    assert "Anna Lee" in found and "Ben Ode" not in found


def test_the_edit_form_changes_terms_and_payout_details_but_not_the_status(admin):
    affiliate = make_affiliate(code="anna")
    url = f"/admin/affiliates/{affiliate.pk}/edit/"
    page = admin.get(url).content.decode()
    assert 'name="commission_rate"' in page and 'name="status"' not in page

    response = admin.post(
        url,
        {
            "commission_rate": "20.00",
            "cookie_days": "60",
            "payout_method": "bank",
            "paypal_email": "",
            "bank_details": "Anna Lee, IBAN GB00 0000",
            "staff_note": "Top blogger",
            "status": "suspended",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/affiliates/{affiliate.pk}/"
    affiliate.refresh_from_db()
    assert affiliate.commission_rate == Decimal("20.00")
    assert (affiliate.cookie_days, affiliate.payout_method) == (60, PayoutMethod.BANK)
    assert (affiliate.bank_details, affiliate.staff_note) == (
        "Anna Lee, IBAN GB00 0000",
        "Top blogger",
    )
    assert affiliate.status == AffiliateStatus.APPROVED


def test_the_affiliate_page_shows_totals_and_hashes_never_ips(admin, shop):
    affiliate = make_affiliate(code="anna")
    Click.objects.create(affiliate=affiliate, landing_url="/order/", ip_hash="abcdef0123456789xyz")
    commission = make_commission(shop, affiliate, "7.50", status=CommissionStatus.APPROVED)
    # A referred order counts once paid (selectors.affiliate_totals, as on the dashboard).
    make_referral(order=commission.order, affiliate=affiliate)
    Order.objects.filter(pk=commission.order_id).update(status="paid", paid_at=timezone.now())

    page = admin.get(f"/admin/affiliates/{affiliate.pk}/").content.decode()
    clicks = admin.get(f"/admin/affiliates/clicks/?affiliate={affiliate.pk}").content.decode()

    assert "1 click, 1 referred order." in page
    assert "abcdef0123…" in page and "abcdef0123456789xyz" not in page
    assert "abcdef0123…" in clicks and "abcdef0123456789xyz" not in clicks
    assert "$7.50" in page


# --- Commissions -----------------------------------------------------------------------------


def test_approve_and_reject_a_commission_with_history(admin, shop):
    affiliate = make_affiliate(code="anna")
    first = make_commission(shop, affiliate)
    second = make_commission(shop, affiliate)
    url1, url2 = (
        f"/admin/affiliates/commissions/{first.pk}/",
        f"/admin/affiliates/commissions/{second.pk}/",
    )

    admin.post(f"{url1}approve/", {"approve-seen": seen(admin, url1, "approve")})
    admin.post(
        f"{url2}reject/",
        {"reject-seen": seen(admin, url2, "reject"), "reject-reason": "Order was a test"},
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (CommissionStatus.APPROVED, CommissionStatus.REJECTED)
    assert list(
        CommissionEvent.objects.filter(commission=second).values_list(
            "from_status", "to_status", "message", "actor__email"
        )
    ) == [("pending", "rejected", "Order was a test", "boss@example.com")]
    page = admin.get(url2).content.decode()
    assert "Pending → Rejected" in page and "Order was a test" in page
    assert f'href="/admin/orders/{second.order.number}/"' in page
    assert offered(admin, url2) == ["reopen"]


def test_reopen_a_rejected_commission(admin, shop):
    commission = make_commission(
        shop, make_affiliate(code="anna"), status=CommissionStatus.REJECTED
    )
    url = f"/admin/affiliates/commissions/{commission.pk}/"

    admin.post(f"{url}reopen/", {"reopen-seen": seen(admin, url, "reopen")})

    commission.refresh_from_db()
    assert commission.status == CommissionStatus.PENDING


def test_bulk_approve_approves_selected_pending_ones_and_skips_the_rest(admin, shop):
    affiliate = make_affiliate(code="anna")
    pending = [make_commission(shop, affiliate) for _ in range(2)]
    flagged = make_commission(shop, affiliate, flagged=True, flag_reason="Same IP as affiliate")
    rejected = make_commission(shop, affiliate, status=CommissionStatus.REJECTED)
    not_chosen = make_commission(shop, affiliate)

    response = admin.post(
        "/admin/affiliates/commissions/bulk/",
        {
            "ids": [c.pk for c in [*pending, flagged, rejected]],
            "next": "/admin/affiliates/commissions/?status=pending",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/affiliates/commissions/?status=pending"
    statuses = dict(Commission.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in pending] == ["approved", "approved"]
    assert [statuses[c.pk] for c in (flagged, rejected, not_chosen)] == [
        "pending",
        "rejected",
        "pending",
    ]
    assert CommissionEvent.objects.filter(commission__in=pending, to_status="approved").count() == 2
    messages = said(response)
    assert "2 commissions approved." in messages
    assert (
        f"Commission {flagged.pk} skipped: it is flagged (Same IP as affiliate); open it to decide."
        in messages
    )


def test_flagged_commissions_are_marked_in_the_list_and_on_their_page(admin, shop):
    affiliate = make_affiliate(code="anna")
    flagged = make_commission(
        shop, affiliate, flagged=True, flag_reason="Ordered 4 seconds after the click"
    )
    make_commission(shop, affiliate)

    listing = admin.get("/admin/affiliates/commissions/?flagged=true").content.decode()
    page = admin.get(f"/admin/affiliates/commissions/{flagged.pk}/").content.decode()

    assert re.findall(r'href="/admin/affiliates/commissions/(\d+)/"', listing) == [str(flagged.pk)]
    assert "Flagged" in listing
    assert "Flagged for review:</strong> Ordered 4 seconds after the click" in page


def test_the_commission_list_has_a_bounded_number_of_queries(
    admin, shop, django_assert_max_num_queries
):
    affiliates = [make_affiliate(code=f"aff{n}") for n in range(3)]
    for n in range(9):
        make_commission(shop, affiliates[n % 3])
    admin.get("/admin/affiliates/commissions/")

    with django_assert_max_num_queries(25):
        response = admin.get("/admin/affiliates/commissions/")

    assert (
        len(re.findall(r'href="/admin/affiliates/commissions/(\d+)/"', response.content.decode()))
        == 9
    )


# --- Payouts through the admin ---------------------------------------------------------------


def test_create_a_batch_download_the_csv_and_mark_it_paid(admin, shop):
    set_program(payout_threshold=Decimal("50.00"))
    anna = make_affiliate(code="anna")
    bob = make_affiliate(
        code="bob", payout_method=PayoutMethod.BANK, paypal_email="", bank_details="IBAN DE00"
    )
    for affiliate in (anna, bob):
        make_commission(shop, affiliate, "60.00", status=CommissionStatus.APPROVED)

    preview = admin.get("/admin/affiliates/payouts/new/").content.decode()
    created = admin.post("/admin/affiliates/payouts/new/")

    assert "Create the batch: 2 payouts, $120.00" in preview
    batch = PayoutBatch.objects.get()
    url = f"/admin/affiliates/payouts/{batch.pk}/"
    assert created["Location"] == url
    page = admin.get(url).content.decode()
    assert "Bank transfers (not in the CSV)" in page and "IBAN DE00" in page

    download = admin.get(f"{url}paypal.csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert [(row[0], row[1]) for row in rows] == [("anna@affiliate.example", "60.00")]

    paid = admin.post(f"{url}mark-paid/", {"pay-seen": "open", "pay-reference": "PAYOUT-42"})
    again = admin.post(f"{url}mark-paid/", {"pay-seen": "open", "pay-reference": "PAYOUT-43"})

    assert paid.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.reference) == (PayoutBatchStatus.PAID, "PAYOUT-42")
    assert set(Commission.objects.values_list("status", flat=True)) == {CommissionStatus.PAID}
    assert again.status_code == 409
    assert (
        said(again)[-1]
        == f"Payout batch {batch.pk} is already paid (reference PAYOUT-42). Nothing was changed."
    )


def test_creating_a_batch_with_nothing_due_says_so(admin):
    response = admin.post("/admin/affiliates/payouts/new/")

    assert response["Location"] == "/admin/affiliates/payouts/"
    assert said(response) == [
        "Nothing is due: no approved affiliate has approved commissions reaching the payout "
        "threshold. No batch was created."
    ]
    assert PayoutBatch.objects.count() == 0


# --- Creatives, coupons, product rates, settings -------------------------------------------------


def test_a_coupon_gives_an_existing_discount_code_to_an_affiliate(admin):
    affiliate = make_affiliate(code="anna")
    code = DiscountCode.objects.create(code="ANNA10", kind="percent", value=Decimal("10"))

    response = admin.post(
        "/admin/affiliates/coupons/new/", {"discount_code": code.pk, "affiliate": affiliate.pk}
    )

    assert response.status_code == 302
    assert AffiliateCoupon.objects.get().discount_code == code
    assert "ANNA10" in admin.get("/admin/affiliates/coupons/").content.decode()


def test_the_other_sections_open(admin):
    for url in [
        "/admin/affiliates/creatives/",
        "/admin/affiliates/creatives/new/",
        "/admin/affiliates/product-rates/",
        "/admin/affiliates/product-rates/new/",
        "/admin/affiliates/payouts/",
        "/admin/affiliates/clicks/",
        "/admin/affiliates/report/?days=365",
        "/admin/settings/affiliates/affiliateprogramsettings/",
    ]:
        assert admin.get(url, follow=True).status_code == 200, url


def test_the_menu_holds_every_section_and_the_program_settings(admin):
    html = admin.get("/admin/").content.decode()

    for url in [
        "/admin/affiliates/applications/",
        "/admin/affiliates/",
        "/admin/affiliates/clicks/",
        "/admin/affiliates/commissions/",
        "/admin/affiliates/payouts/",
        "/admin/affiliates/creatives/",
        "/admin/affiliates/coupons/",
        "/admin/affiliates/product-rates/",
        "/admin/affiliates/report/",
        "/admin/settings/affiliates/affiliateprogramsettings/",
    ]:
        assert url.replace("/", "\\/") in html or url in html, url


# --- Permissions -----------------------------------------------------------------------------


def staff(django_user_model, email, *codenames):
    user = django_user_model.objects.create_user(email=email, password="pw-123456", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="affiliates", codename__in=codenames),
    )
    return user


def test_staff_without_affiliate_permissions_see_no_menu_and_are_refused(
    client, django_user_model, shop
):
    applicant = make_affiliate(code="anna", status=AffiliateStatus.PENDING)
    commission = make_commission(shop, make_affiliate(code="ben"))
    client.force_login(staff(django_user_model, "clerk@example.com"))

    menu = client.get("/admin/").content.decode()
    assert "affiliates" not in menu.lower().replace("affiliate-program", "")
    for url in [
        "/admin/affiliates/applications/",
        "/admin/affiliates/",
        f"/admin/affiliates/{applicant.pk}/",
        f"/admin/affiliates/{applicant.pk}/edit/",
        "/admin/affiliates/clicks/",
        "/admin/affiliates/commissions/",
        f"/admin/affiliates/commissions/{commission.pk}/",
        "/admin/affiliates/payouts/",
        "/admin/affiliates/payouts/new/",
        "/admin/affiliates/creatives/",
        "/admin/affiliates/coupons/",
        "/admin/affiliates/product-rates/",
        "/admin/affiliates/report/",
    ]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == "/admin/", url
    approve = client.post(f"/admin/affiliates/{applicant.pk}/approve/", {"approve-seen": "pending"})
    bulk = client.post("/admin/affiliates/commissions/bulk/", {"ids": [commission.pk]})
    create = client.post("/admin/affiliates/payouts/new/")

    assert approve.status_code in (302, 403) and bulk.status_code in (302, 403)
    assert create.status_code in (302, 403)
    applicant.refresh_from_db()
    commission.refresh_from_db()
    assert applicant.status == AffiliateStatus.PENDING
    assert commission.status == CommissionStatus.PENDING
    assert PayoutBatch.objects.count() == 0


def test_view_permission_sees_but_cannot_decide(client, django_user_model):
    applicant = make_affiliate(code="anna", status=AffiliateStatus.PENDING)
    client.force_login(staff(django_user_model, "viewer@example.com", "view_affiliate"))
    url = f"/admin/affiliates/{applicant.pk}/"

    page = client.get(url)
    refused = client.post(f"{url}approve/", {"approve-seen": "pending"})

    assert page.status_code == 200 and offered(client, url) == []
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    applicant.refresh_from_db()
    assert applicant.status == AffiliateStatus.PENDING
    assert Affiliate.objects.filter(status=AffiliateStatus.APPROVED, code="anna").count() == 0
