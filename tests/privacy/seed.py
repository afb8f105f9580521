"""One person with their data in every app, written through the apps' own services where
there are some, each value made of distinctive strings that appear nowhere else: after an
erasure, a search of every table for them must find nothing (launch test 35)."""

import dataclasses
import datetime
import uuid
from decimal import Decimal

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Site

from apothecary.affiliates.models import (
    Affiliate,
    AffiliateLogin,
    AffiliateStatus,
    Click,
    Commission,
    CommissionStatus,
    Payout,
    PayoutBatch,
    PayoutBatchStatus,
    PayoutMethod,
)
from apothecary.cart.models import Cart, CartLine
from apothecary.checkout.models import DiscountRedemption
from apothecary.consent.services import consent_record
from apothecary.contact.services import message_submit
from apothecary.newsletter import services as newsletter
from apothecary.newsletter.consent import CURRENT_VERSION
from apothecary.orders.models import Order
from apothecary.orders.returns import return_request_create
from apothecary.orders.services import order_edit
from apothecary.payments.models import Payment
from apothecary.reviews.models import ReviewRequest
from apothecary.reviews.services import review_submit
from tests.launch.customers import paid_order
from tests.store import make_cart, make_discount, make_zone, place_order

PASSWORD = "a long privacy password 1"
EMAIL = "zyxwquux.person@privacy-seed.example"
FIRST, LAST = "Quillonia", "Zarnowski"
# Every string below is the person's; none of them occurs in the demo or in other tests.
STRINGS = (
    "zyxwquux",
    "quillonia",
    "zarnowski",
    "xylograph",
    "vorrmouth",
    "qz98xy",
    "5550199",
    "jorvikbank",
    "203.0.113.77",
    "quilloniabrowser",
)


@dataclasses.dataclass
class Seeded:
    user: object
    order: Order
    guest_order: Order
    affiliate: Affiliate
    paid_commission: Commission
    unpaid_commissions: list
    paid_payout: Payout


def _orders(user):
    order = paid_order(email=EMAIL, name=f"{FIRST} {LAST}", user=user)
    Order.objects.filter(pk=order.pk).update(
        shipping_line1="77 Xylograph Street",
        shipping_city="Vorrmouth",
        shipping_postcode="QZ98XY",
        phone="+1 5550199",
        billing_same_as_shipping=False,
        billing_name=f"{LAST} Billing",
        billing_line1="8 Xylograph Yard",
        billing_city="Vorrmouth",
        billing_postcode="QZ98XY",
        billing_country="US",
        staff_note=f"{FIRST} asked for plain packaging",
    )
    order.refresh_from_db()
    Payment.objects.filter(order=order).update(
        billing_first_name=FIRST,
        billing_last_name=LAST,
        billing_address_1="77 Xylograph Street",
        billing_city="Vorrmouth",
        billing_postcode="QZ98XY",
        billing_email=EMAIL,
        billing_phone="+15550199",
        customer_ip_address="203.0.113.77",
        description=f"Order for {FIRST}",
    )
    guest = paid_order(email=EMAIL.upper(), name=f"{FIRST} Guest", delivered=False)
    # An address change by staff: the history keeps old → new (orders.services.order_edit).
    Order.objects.filter(pk=guest.pk).update(status="pending_payment")  # still editable
    order_edit(order=guest, changes={"shipping_line1": "90 Xylograph Road"})
    Order.objects.filter(pk=guest.pk).update(status="paid")
    guest.refresh_from_db()
    return order, guest


def _affiliate(user, order):
    affiliate = Affiliate.objects.create(
        user=user,
        code="quillonia",
        name=f"{FIRST} {LAST}",
        email=EMAIL,
        website="https://quillonia-zarnowski.example",
        promotion=f"{FIRST}'s newsletter about plant food",
        payout_method=PayoutMethod.BANK,
        paypal_email=f"quillonia.pay@{LAST.lower()}.example",
        bank_details=f"{FIRST} {LAST}, JorvikBank, QZ00 1234",
        terms_accepted_at=timezone.now(),
    )
    Affiliate.objects.filter(pk=affiliate.pk).update(status=AffiliateStatus.APPROVED)
    affiliate.refresh_from_db()
    AffiliateLogin.objects.create(affiliate=affiliate, ip_hash="quillonia-login-hash")
    Click.objects.create(
        affiliate=affiliate,
        landing_url="/?ref=quillonia",
        referrer="https://quillonia-zarnowski.example/post",
        ip_hash="a" * 64,
        user_agent="QuilloniaBrowser/1.0",
    )

    variant = order.lines.get().variant

    def commission(status, amount):
        # On an order of someone else, referred by the person.
        referred = place_order(
            cart=make_cart((variant, 1)), rate=make_zone(), email="buyer@example.com"
        )
        return Commission.objects.create(
            affiliate=affiliate,
            order=referred,
            base_amount=Decimal("10.00"),
            original_amount=Decimal(amount),
            amount=Decimal(amount),
            currency="USD",
            status=status,
        )

    paid = commission(CommissionStatus.PAID, "3.00")
    batch = PayoutBatch.objects.create(status=PayoutBatchStatus.PAID, paid_at=timezone.now())
    payout = Payout.objects.create(
        batch=batch,
        affiliate=affiliate,
        amount=Decimal("3.00"),
        currency="USD",
        method=PayoutMethod.BANK,
        destination=f"{FIRST} {LAST}, JorvikBank, QZ00 1234",
        reference="BATCH-1",
        paid_at=timezone.now(),
    )
    Commission.objects.filter(pk=paid.pk).update(payout=payout)
    unpaid = [
        commission(CommissionStatus.APPROVED, "2.00"),
        commission(CommissionStatus.PENDING, "1.50"),
    ]
    return affiliate, paid, unpaid, payout


def seed_person(client=None) -> Seeded:
    """The person, signed in on `client` when one is given (a session in the database)."""
    user = get_user_model().objects.create_user(
        email=EMAIL, password=PASSWORD, first_name=FIRST, last_name=LAST
    )
    # As if they signed up and have not confirmed their address yet: nothing proves the
    # address is theirs (tests that need it proven confirm it).
    EmailAddress.objects.filter(user=user).update(verified=False)
    order, guest = _orders(user)
    return_request_create(
        order=order,
        quantities={order.lines.get().pk: 1},
        reason=f"{FIRST}: the box arrived crushed",
    )
    product = order.lines.get().variant.product
    review_submit(
        product=product,
        rating=5,
        title="Sticks well all day",
        text="It stayed on through a run and a shower, and the box was easy to recycle.",
        display_name=f"{FIRST} Z.",
        country="US",
        email=EMAIL,
        user=user,
    )
    ReviewRequest.objects.create(order_line=guest.lines.get(), email=EMAIL)
    message_submit(
        name=f"{FIRST} {LAST}",
        email=EMAIL,
        subject="Order question",
        order_number="",
        text=f"Hello, this is {FIRST} from Vorrmouth: can the patch go in the sea?",
        submission_key=uuid.uuid4(),
        site=Site.objects.get(is_default_site=True),
        ip="203.0.113.77",
    )
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, variant=order.lines.get().variant, quantity=1)
    DiscountRedemption.objects.create(code=make_discount(code="QZSEED"), email=EMAIL, order=order)
    affiliate, paid, unpaid, payout = _affiliate(user, order)
    for model in (AccessAttempt, AccessLog):
        model.objects.create(
            username=EMAIL,
            ip_address="203.0.113.77",
            user_agent="QuilloniaBrowser/1.0",
            http_accept="*/*",
            path_info="/account/login/",
            attempt_time=timezone.now() - datetime.timedelta(days=1),
            **({"failures_since_start": 1} if model is AccessAttempt else {}),
        )
    subscriber = newsletter.subscribe(
        email=EMAIL,
        wording_version=CURRENT_VERSION,
        source="page",
        source_page="/blog/xylograph-notes/",
        site=Site.objects.get(is_default_site=True),
        ip="203.0.113.77",
    )
    newsletter.confirm(token=newsletter.confirm_token(subscriber))
    consent_record(categories=["marketing"], source="banner", gpc=False, user=user)
    if client is not None:
        client.force_login(user)
    return Seeded(
        user=user,
        order=order,
        guest_order=guest,
        affiliate=affiliate,
        paid_commission=paid,
        unpaid_commissions=unpaid,
        paid_payout=payout,
    )
