"""Launch test 35, GDPR delete: one person seeded across every app (tests.privacy.seed) and
erased; then every column of every table is searched, in raw SQL, for their strings: none is
left. Orders are kept but anonymised, sessions ended, the affiliate link disabled and the
payouts handled, and a second erasure changes nothing."""

import hashlib
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection

from apothecary.affiliates.models import Affiliate, AffiliateStatus, Click, Commission, Payout
from apothecary.checkout.models import DiscountCode
from apothecary.orders.models import Order
from apothecary.privacy.erasure import email_hash, erase
from apothecary.privacy.models import ErasureRecord, ErasureVia
from apothecary.privacy.registry import Person
from tests.privacy.seed import EMAIL, PASSWORD, STRINGS, seed_person

pytestmark = pytest.mark.django_db


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def every_table() -> list[tuple[str, list[str]]]:
    with connection.cursor() as cursor:
        tables = [t.name for t in connection.introspection.get_table_list(cursor) if t.type == "t"]
        return [
            (table, [c.name for c in connection.introspection.get_table_description(cursor, table)])
            for table in tables
        ]


def hits(strings) -> list[str]:
    """'table.column: string' for every column of every table holding one of `strings`
    (case-insensitive; each column read as text)."""
    found = []
    with connection.cursor() as cursor:
        for table, columns in every_table():
            for column in columns:
                for string in strings:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quoted(table)} "
                        f"WHERE LOWER(CAST({quoted(column)} AS TEXT)) LIKE %s",
                        [f"%{string.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{table}.{column}: {string}")
    return found


def snapshot() -> str:
    """A digest of every row of every table: equal digests, nothing changed."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table, columns in every_table():
            order = ", ".join(quoted(c) for c in columns)
            cursor.execute(f"SELECT * FROM {quoted(table)} ORDER BY {order}")
            digest.update(table.encode())
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def seeded(client):
    return seed_person(client)


def test_the_seed_puts_every_string_in_the_database(seeded):
    found = {line.rsplit(": ", 1)[1] for line in hits(STRINGS)}
    assert found == set(STRINGS)  # else the search below would prove nothing


def test_after_erasure_no_table_holds_the_persons_strings(seeded):
    erase(Person.for_email(EMAIL), via=ErasureVia.STAFF, reason="launch test 35")

    assert hits(STRINGS) == []


def test_orders_are_kept_but_anonymised(seeded):
    before = {
        order.pk: (order.total, order.subtotal, order.tax_amount, order.shipping_country)
        for order in (seeded.order, seeded.guest_order)
    }
    lines = {
        o.pk: list(o.lines.values_list("sku", "quantity", "line_total"))
        for o in Order.objects.filter(pk__in=before)
    }

    erase(Person.for_email(EMAIL), via=ErasureVia.GUEST)

    for order in Order.objects.filter(pk__in=before):
        assert (order.total, order.subtotal, order.tax_amount, order.shipping_country) == before[
            order.pk
        ]
        assert list(order.lines.values_list("sku", "quantity", "line_total")) == lines[order.pk]
        assert order.user_id is None
        assert order.email.endswith("@erased.invalid")
        assert (order.shipping_name, order.shipping_line1, order.phone) == ("Erased", "Erased", "")
        assert order.billing_name == order.billing_line1 == ""
    assert Order.objects.filter(pk__in=before).count() == 2


def test_every_session_of_the_person_is_ended(client, seeded):
    assert client.get("/account/").status_code == 200
    assert Session.objects.count() >= 1

    erase(Person.for_user(seeded.user), via=ErasureVia.STAFF, reason="launch test 35")

    response = client.get("/account/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    # Nor can the person sign in again: no account has the address any more.
    client.post("/account/login/", {"username": EMAIL, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email__iexact=EMAIL).exists()


def test_the_affiliate_link_is_disabled_and_the_payouts_handled(client, seeded):
    coupon = DiscountCode.objects.create(code="QUILL10", kind="percent", value=Decimal("10"))
    seeded.affiliate.coupons.create(discount_code=coupon)
    client.logout()

    erase(Person.for_user(seeded.user), via=ErasureVia.SELF)

    affiliate = Affiliate.objects.get(pk=seeded.affiliate.pk)
    assert affiliate.status == AffiliateStatus.CLOSED
    assert affiliate.code != "quillonia" and not affiliate.is_active
    assert affiliate.paypal_email == affiliate.bank_details == ""
    assert not DiscountCode.objects.get(pk=coupon.pk).active
    # The old link no longer records a click or sets the referral cookie.
    response = client.get("/?ref=quillonia")
    assert not Click.objects.filter(affiliate=affiliate).exists()
    assert "ref" not in response.cookies and "__Host-ref" not in response.cookies
    # The paid commission and its payout stay for the accounts, without the destination.
    paid = Payout.objects.get(pk=seeded.paid_payout.pk)
    assert (paid.amount, paid.destination) == (Decimal("3.00"), "")
    assert Commission.objects.get(pk=seeded.paid_commission.pk).status == "paid"
    # Unpaid commissions are forfeited, as the program's rule for an erased affiliate says.
    for commission in Commission.objects.filter(pk__in=[c.pk for c in seeded.unpaid_commissions]):
        assert commission.status == "rejected"
        assert "erased" in commission.note


def test_a_second_erasure_is_a_no_op(seeded):
    erase(Person.for_email(EMAIL), via=ErasureVia.STAFF, reason="first")
    before = snapshot()

    summary = erase(Person.for_email(EMAIL), via=ErasureVia.STAFF, reason="again")

    assert not summary.changed
    assert snapshot() == before
    assert ErasureRecord.objects.count() == 1


def test_the_record_says_who_when_and_why_and_holds_no_personal_data(admin_user, seeded):
    erase(Person.for_email(EMAIL), via=ErasureVia.STAFF, staff_user=admin_user, reason="Ticket 12")

    record = ErasureRecord.objects.get()
    assert (record.staff_user, record.reason, record.via) == (admin_user, "Ticket 12", "staff")
    assert record.email_hash == email_hash(EMAIL) and EMAIL not in record.email_hash
    assert record.created_at is not None
    assert record.counts["orders: anonymised"] == 2


def test_an_account_whose_address_is_not_verified_erases_only_what_is_tied_to_it(seeded):
    """Anyone can open an account with someone else's address: without a verified address
    (registry.register_email_check) the guest order of that address is not the account's."""
    erase(Person.for_user(seeded.user), via=ErasureVia.SELF)

    guest = Order.objects.get(pk=seeded.guest_order.pk)
    assert guest.email.lower() == EMAIL and guest.shipping_name == "Quillonia Guest"
    assert Order.objects.get(pk=seeded.order.pk).email.endswith("@erased.invalid")


def test_with_a_verified_address_the_account_erases_the_guest_orders_too(seeded):
    EmailAddress.objects.filter(user=seeded.user).update(verified=True)  # confirmed (allauth)
    person = Person.for_user(seeded.user)
    assert person.email_proven

    erase(person, via=ErasureVia.SELF)

    assert hits(STRINGS) == []
