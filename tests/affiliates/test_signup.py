"""The affiliate program's landing page and sign-up: the figures and disclosure it shows, its
cache policy, applying with a new or an existing account, every refusal (a 4xx, a message, what
was typed kept, nothing stored, nothing emailed), and the decisions staff make with their
emails."""

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from apothecary.affiliates.membership import (
    AlreadyAffiliate,
    affiliate_apply,
    affiliate_transition,
    code_from_name,
)
from apothecary.affiliates.models import (
    Affiliate,
    AffiliateProgramPage,
    AffiliateStatus,
    PayoutMethod,
    program_settings,
)
from apothecary.core.machines import InvalidTransition
from tests.helpers import started

from .builders import make_affiliate

pytestmark = pytest.mark.django_db

URL = "/affiliates/"
APPLY_URL = "/affiliates/apply/"
APPLIED_URL = "/affiliates/applied/"
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
User = get_user_model()


def application(**fields) -> dict:
    """What a visitor sends after filling the form in for half a minute."""
    data = {
        "name": "Maya Green",
        "email": "maya@example.com",
        "password": "leafy-greens-2024",
        "channels": "https://mayagreen.example, @mayagreen on Instagram",
        "promotion": "A monthly newsletter on vegan cooking.\r\nAbout 4,000 readers.",
        "payout_method": PayoutMethod.PAYPAL,
        "paypal_email": "pay.maya@example.com",
        "bank_details": "",
        "code": "",
        "accept_terms": "on",
        "website": "",
        "started": started(),
    }
    data.update(fields)
    return data


def error_summary(response) -> list[str]:
    html = response.content.decode()
    summary = re.search(r'<div class="form-errors error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", item).strip())
        for item in re.findall(r"<li>(.*?)</li>", summary[0], re.S)
    ]


def applicants():
    """Affiliates but the demo's own."""
    return Affiliate.objects.exclude(code="b12friend")


def assert_nothing_happened(users_before: int):
    assert applicants().count() == 0
    assert User.objects.count() == users_before
    assert mail.outbox == []


def assert_refilled(response, data):
    html = response.content.decode()
    assert f'value="{data["name"]}"' in html
    assert f'value="{data["email"]}"' in html
    assert f'value="{data["channels"]}"' in html
    if data["promotion"]:
        assert "A monthly newsletter on vegan cooking." in html
    assert data["password"] not in html  # a password is never sent back


# The landing page.


def test_the_demo_page_is_the_program_page_with_the_settings_figures_terms_and_disclosure(client):
    set_to = {
        "commission_rate": Decimal("12.50"),
        "cookie_days": 45,
        "payout_threshold": Decimal("75.00"),
        "payout_schedule": "Every quarter, in its first week.",
        "disclosure": "I get paid a commission when you buy through this link.",
        "terms": "<p>Term one: be honest with your readers.</p>",
    }
    program = program_settings()
    for name, value in set_to.items():
        setattr(program, name, value)
    program.save()

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert isinstance(response.context["page"], AffiliateProgramPage)
    assert "<h1>Affiliate Program</h1>" in html
    assert '<span class="fact-figure" data-fact="rate">12.50%</span>' in html
    assert '<span class="fact-figure" data-fact="cookie-days">45 days</span>' in html
    assert '<span class="fact-figure" data-fact="threshold">$75.00</span>' in html
    assert "Every quarter, in its first week." in html
    assert "I get paid a commission when you buy through this link." in html
    assert "Term one: be honest with your readers." in html
    assert 'action="/affiliates/apply/"' in html
    assert "Sign-up opening soon" not in html  # the placeholder's copy is gone


def test_the_demo_program_has_terms_a_disclosure_and_no_disease_claims(client):
    html = client.get(URL).content.decode()

    program = program_settings()
    assert program.terms and "commission" in program.disclosure
    assert program.disclosure in html
    assert '<h2 id="terms-heading">Program terms</h2>' in html
    assert not re.search(r"patch\W+(\w+\W+){0,4}(cures?|treats?|prevents?)\b", html, re.I)


def test_the_page_is_never_cached_for_visitors_or_customers(client):
    first = client.get(URL)
    User.objects.create_user(email="cust@example.com", password="x")
    client.force_login(User.objects.get(email="cust@example.com"))
    second = client.get(URL)

    assert first["Cache-Control"] == NEVER_CACHE
    assert second["Cache-Control"] == NEVER_CACHE
    assert 'name="csrfmiddlewaretoken"' in first.content.decode()


def test_an_anonymous_visitor_is_asked_for_a_password_a_customer_is_not(client):
    anonymous = client.get(URL).content.decode()
    User.objects.create_user(
        email="cust@example.com", password="x", first_name="Cass", last_name="Tomer"
    )
    client.force_login(User.objects.get(email="cust@example.com"))
    customer = client.get(URL).content.decode()

    assert 'name="password"' in anonymous
    assert "Sign in first" in anonymous
    assert 'name="password"' not in customer
    assert 'value="Cass Tomer"' in customer
    assert 'value="cust@example.com"' in customer
    assert "You are signed in as <strong>cust@example.com</strong>" in customer


def test_an_affiliate_sees_where_they_stand_instead_of_the_form(client):
    affiliate = make_affiliate(code="anna", status=AffiliateStatus.PENDING)
    client.force_login(affiliate.user)

    html = client.get(URL).content.decode()

    assert "You are in the program" in html
    assert 'action="/affiliates/apply/"' not in html
    assert 'href="/affiliates/dashboard/"' in html


def test_the_apply_page_shows_the_form_on_its_own(client):
    response = client.get(APPLY_URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == NEVER_CACHE
    assert "<h1>Apply to the affiliate program</h1>" in response.content.decode()


def test_the_page_takes_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    client.get(URL)
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


# Applying.


def test_a_visitor_applies_gets_an_account_is_signed_in_and_told_we_have_it(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, application())

    assert response.status_code == 302
    assert response["Location"] == APPLIED_URL
    affiliate = applicants().get()
    assert affiliate.status == AffiliateStatus.PENDING
    assert (affiliate.name, affiliate.email, affiliate.code) == (
        "Maya Green",
        "maya@example.com",
        "maya-green",
    )
    assert affiliate.website == "https://mayagreen.example, @mayagreen on Instagram"
    assert affiliate.promotion == "A monthly newsletter on vegan cooking.\nAbout 4,000 readers."
    assert (affiliate.payout_method, affiliate.paypal_email, affiliate.bank_details) == (
        "paypal",
        "pay.maya@example.com",
        "",
    )
    assert affiliate.terms_accepted_at is not None
    user = affiliate.user
    assert user.email == "maya@example.com"
    assert user.check_password("leafy-greens-2024")
    assert (user.first_name, user.last_name) == ("Maya", "Green")
    thanks = client.get(APPLIED_URL)
    assert thanks.status_code == 200  # signed in
    assert "Thank you, we have your application" in thanks.content.decode()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["maya@example.com"]
    assert email.subject == "B12 Patch: We have your affiliate application"
    assert "maya-green" in email.body
    assert "http://127.0.0.1:8000/affiliates/dashboard/" in email.body
    assert email.alternatives[0][1] == "text/html"


def test_a_signed_in_customer_applies_with_their_account(
    client, django_capture_on_commit_callbacks
):
    customer = User.objects.create_user(email="cust@example.com", password="x")
    client.force_login(customer)
    users = User.objects.count()
    data = application(name="Cass Tomer", email="cass.news@example.com", code="CassEats")
    del data["password"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, data)

    assert response.status_code == 302
    affiliate = applicants().get()
    assert affiliate.user == customer
    assert affiliate.email == "cass.news@example.com"
    assert affiliate.code == "casseats"  # codes are lower case
    assert User.objects.count() == users
    assert [m.to for m in mail.outbox] == [["cass.news@example.com"]]


def test_bank_transfer_keeps_the_bank_details_and_no_paypal_address(client):
    client.post(
        APPLY_URL,
        application(payout_method="bank", paypal_email="x@example.com", bank_details="IBAN X"),
    )

    affiliate = applicants().get()
    assert (affiliate.payout_method, affiliate.bank_details, affiliate.paypal_email) == (
        "bank",
        "IBAN X",
        "",
    )


@pytest.mark.parametrize(
    "change,message",
    [
        ({"accept_terms": ""}, "Accept the program's terms to apply."),
        ({"email": "maya-at-example"}, "Enter an email address like name@example.com."),
        ({"paypal_email": ""}, "Enter the PayPal email address we should pay."),
        (
            {"payout_method": "bank", "paypal_email": ""},
            "Enter the bank details we should pay.",
        ),
        ({"code": "no spaces!"}, "Use 3 to 32 lower-case letters, digits and hyphens"),
        ({"promotion": ""}, "Tell us how you will promote us."),
        ({"password": "12345678"}, "This password is entirely numeric."),
    ],
)
def test_a_wrong_field_is_refused_with_its_message_and_the_form_as_typed(client, change, message):
    users = User.objects.count()
    data = application(**change)

    response = client.post(APPLY_URL, data)

    assert response.status_code == 400
    assert any(item.startswith(message) for item in error_summary(response)), error_summary(
        response
    )
    assert response.content.decode().count("<h1>") == 1
    if "email" not in change:
        assert_refilled(response, data)
    assert_nothing_happened(users)


def test_a_code_taken_in_any_case_is_refused(client):
    make_affiliate(code="maya")
    users = User.objects.count()

    response = client.post(APPLY_URL, application(code="MAYA"))

    assert response.status_code == 400
    assert "This code is taken. Please choose another." in error_summary(response)
    assert 'value="MAYA"' in response.content.decode()
    assert applicants().count() == 1
    assert User.objects.count() == users
    assert mail.outbox == []


def test_a_visitor_with_an_existing_account_is_asked_to_sign_in_first(client):
    User.objects.create_user(email="maya@example.com", password="x")
    users = User.objects.count()

    response = client.post(APPLY_URL, application(email="MAYA@example.com"))

    assert response.status_code == 400
    assert error_summary(response) == [
        "An account with this email address already exists. Sign in first, then apply with "
        "your account."
    ]
    assert_nothing_happened(users)


def test_an_affiliate_cannot_apply_twice(client):
    affiliate = make_affiliate(code="anna", status=AffiliateStatus.REJECTED)
    client.force_login(affiliate.user)
    data = application()
    del data["password"]

    response = client.post(APPLY_URL, data)

    assert response.status_code == 400
    assert error_summary(response) == [
        "This account is already in the affiliate program: see your dashboard."
    ]
    assert applicants().count() == 1
    with pytest.raises(AlreadyAffiliate):
        affiliate_apply(
            user=affiliate.user,
            name="Anna",
            email="anna@example.com",
            website="x",
            promotion="y",
            payout_method="paypal",
            paypal_email="anna@example.com",
        )
    assert client.get(APPLY_URL)["Location"] == "/affiliates/dashboard/"


def test_the_honeypot_refuses_a_bot_and_stores_nothing(client):
    users = User.objects.count()

    response = client.post(APPLY_URL, application(website="https://spam.example"))

    assert response.status_code == 400
    assert error_summary(response) == ["Your message looks automated. Please try again."]
    assert "https://spam.example" not in response.content.decode()  # the trap comes back empty
    assert_nothing_happened(users)


def test_a_form_sent_at_once_is_refused_as_too_fast(client):
    users = User.objects.count()

    response = client.post(APPLY_URL, application(started=started(0)))

    assert response.status_code == 400
    assert error_summary(response) == [
        "That was quicker than a person can type. Please wait a moment and send again."
    ]
    assert_nothing_happened(users)


def test_applications_from_one_address_are_limited_per_hour(client, settings):
    settings.AFFILIATE_LIMIT_PER_IP = 2
    for n in range(2):
        client.logout()
        assert client.post(APPLY_URL, application(email=f"a{n}@example.com")).status_code == 302
    client.logout()
    users = User.objects.count()

    response = client.post(APPLY_URL, application(email="a3@example.com", name="Third One"))

    assert response.status_code == 429
    assert error_summary(response)[0].startswith(
        "We have had several applications from your network in the last hour."
    )
    assert 'value="Third One"' in response.content.decode()
    assert applicants().count() == 2
    assert User.objects.count() == users


def test_codes_made_from_names_are_unique():
    make_affiliate(code="anna-lee")
    make_affiliate(code="anna-lee-2")

    assert code_from_name("Anna Lee") == "anna-lee-3"
    assert code_from_name("Zoë Ångström") == "zoe-angstrom"
    assert code_from_name("李") == "partner"
    assert code_from_name("Al") == "al-partner"


# Decisions.


def test_approving_emails_the_dashboard_link_the_code_and_the_disclosure(
    django_capture_on_commit_callbacks, admin_user
):
    affiliate = make_affiliate(code="anna", status=AffiliateStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        affiliate_transition(affiliate=affiliate, to=AffiliateStatus.APPROVED, actor=admin_user)

    affiliate.refresh_from_db()
    assert affiliate.status == AffiliateStatus.APPROVED
    assert affiliate.decided_at is not None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["anna@affiliate.example"]
    assert email.subject == "B12 Patch: Welcome to the affiliate program"
    assert "Your referral code: anna" in email.body
    assert "http://127.0.0.1:8000/affiliates/dashboard/" in email.body
    assert "http://127.0.0.1:8000/?ref=anna" in email.body
    assert program_settings().disclosure in email.body
    assert "You earn 15% of the products' price" in email.body
    html = email.alternatives[0][0]
    assert 'href="http://127.0.0.1:8000/affiliates/dashboard/"' in html


def test_rejecting_emails_the_reason(django_capture_on_commit_callbacks):
    affiliate = make_affiliate(code="anna", status=AffiliateStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        affiliate_transition(
            affiliate=affiliate,
            to=AffiliateStatus.REJECTED,
            note="Your site mostly reviews prescription drugs.",
        )

    affiliate.refresh_from_db()
    assert affiliate.status == AffiliateStatus.REJECTED
    assert affiliate.decision_note == "Your site mostly reviews prescription drugs."
    assert [m.subject for m in mail.outbox] == ["B12 Patch: About your affiliate application"]
    assert "Your site mostly reviews prescription drugs." in mail.outbox[0].body
    assert "Your site mostly reviews prescription drugs." in mail.outbox[0].alternatives[0][0]


def test_suspending_emails_the_reason_and_approving_again_welcomes_back(
    django_capture_on_commit_callbacks,
):
    affiliate = make_affiliate(code="anna")

    with django_capture_on_commit_callbacks(execute=True):
        affiliate_transition(affiliate=affiliate, to="suspended", note="Fake reviews.")
    with django_capture_on_commit_callbacks(execute=True):
        affiliate_transition(affiliate=affiliate, to="approved")

    assert [m.subject for m in mail.outbox] == [
        "B12 Patch: Your affiliate account is suspended",
        "B12 Patch: Welcome to the affiliate program",
    ]
    assert "Fake reviews." in mail.outbox[0].body


def test_a_decision_undone_before_its_email_went_out_is_not_announced(
    django_capture_on_commit_callbacks,
):
    affiliate = make_affiliate(code="anna", status=AffiliateStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        affiliate_transition(affiliate=affiliate, to="approved")
        affiliate_transition(affiliate=affiliate, to="suspended", note="Oops.")
    for callback in callbacks:
        callback()

    assert [m.subject for m in mail.outbox] == ["B12 Patch: Your affiliate account is suspended"]


@pytest.mark.parametrize(
    "status,to",
    [
        (AffiliateStatus.APPROVED, AffiliateStatus.APPROVED),
        (AffiliateStatus.PENDING, AffiliateStatus.SUSPENDED),
        (AffiliateStatus.REJECTED, AffiliateStatus.SUSPENDED),
        (AffiliateStatus.APPROVED, AffiliateStatus.PENDING),
        (AffiliateStatus.SUSPENDED, AffiliateStatus.REJECTED),
        (AffiliateStatus.PENDING, "nonsense"),
    ],
)
def test_an_invalid_transition_is_refused_and_changes_nothing(
    status, to, django_capture_on_commit_callbacks
):
    affiliate = make_affiliate(code="anna", status=status)
    decided_at = affiliate.decided_at

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        affiliate_transition(affiliate=affiliate, to=to, note="why")

    affiliate.refresh_from_db()
    assert (affiliate.status, affiliate.decided_at, affiliate.decision_note) == (
        status,
        decided_at,
        "",
    )
    assert mail.outbox == []
