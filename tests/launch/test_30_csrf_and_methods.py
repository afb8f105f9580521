"""Launch test 30: CSRF and methods.

- Every state-changing POST without a CSRF token is refused (403): a client that enforces
  CSRF posts to every route of the project (the Wagtail admin's too) and to a page of
  every page type.
- Only webhooks (GET -> 405) and an explicit allow-list, each with its reason, are
  csrf_exempt; each one on the allow-list refuses a cross-site POST and a POST naming no
  page; every `@csrf_exempt` in the code says why on its line.
- No GET changes state: every route is crawled with GET, as a stranger, as the buyer's
  session, as the signed-in owner and as an affiliate, with the database compared before
  and after (ASVS 3.5.3)."""

import re
from pathlib import Path

import pytest
from django.test import Client
from payments import PaymentStatus
from wagtail.models import Page

from apothecary.payments.models import Payment
from apothecary.payments.services import payment_start
from tests.affiliates.builders import make_affiliate
from tests.launch.customers import customer
from tests.launch.routes import changed_tables, database_snapshot, project_routes, url_of
from tests.store import as_buyer, make_cart, make_product, make_zone, place_order

pytestmark = pytest.mark.django_db

# csrf_exempt views that are not webhooks, and why each is safe. Webhooks (signed by their
# sender, no cookie trusted) are recognised by answering 405 to a GET.
ALLOWED_EXEMPT = {
    "cart:add": "its form is on cached public pages (no token); core.http.same_origin_only "
    "checks Origin/Referer and Sec-Fetch-Site instead",
    "newsletter:signup": "the sign-up form is in the footer of cached public pages (no "
    "token); core.http.same_origin_only checks Origin/Referer and Sec-Fetch-Site instead",
    "consent:choice": "the cookie banner's form is on cached public pages (no token); "
    "core.http.same_origin_only checks Origin/Referer and Sec-Fetch-Site instead",
    **{
        f"wagtailadmin_api:{kind}:{view}": "Django REST framework marks its views exempt and "
        "enforces CSRF itself for session logins (SessionAuthentication)"
        for kind in ("pages", "documents", "images")
        for view in ("listing", "detail", "find", "action")
    },
}
# csrf_exempt views whose proof is a secret token in their address, posted from anywhere.
TOKEN_EXEMPT = {
    "newsletter:unsubscribe": "RFC 8058 one-click unsubscribe: mail providers POST from their "
    "servers (no Origin, no cookie); the unguessable token of the address is the proof, and "
    "the POST can only take that address off the list",
}
EVIL = "https://evil.example"
APP = Path(__file__).resolve().parents[2] / "apothecary"


@pytest.fixture
def ada():
    return customer("ada@example.com", "Ada Reader")


@pytest.fixture
def staff_client(django_user_model):
    admin = django_user_model.objects.create_superuser(email="boss@example.com", password="pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    return client


def test_only_webhooks_and_the_justified_allow_list_are_csrf_exempt(client, staff_client):
    exempt = [route for route in project_routes() if route.exempt]
    assert exempt, "the walk found no csrf_exempt view: it is broken"
    for route in exempt:
        url = url_of(route)
        assert url, f"cannot build the address of csrf_exempt route {route.path}"
        if route.name in ALLOWED_EXEMPT:
            browser = staff_client if route.admin else Client(enforce_csrf_checks=True)
            foreign = browser.post(url, {}, HTTP_ORIGIN=EVIL)
            nameless = browser.post(url, {})
            assert (foreign.status_code, nameless.status_code) == (403, 403), route.name
        elif route.name in TOKEN_EXEMPT:
            unknown = Client(enforce_csrf_checks=True).post(url, {}, HTTP_ORIGIN=EVIL)
            assert unknown.status_code == 404, f"{route.name}: a token nobody has is refused"
        else:
            answer = client.get(url)
            assert answer.status_code == 405, (
                f"{route.name} ({route.path}) is csrf_exempt but neither a webhook (a GET "
                f"answers {answer.status_code}, not 405) nor in ALLOWED_EXEMPT with a reason"
            )
    webhooks = {r.name for r in exempt if r.name not in ALLOWED_EXEMPT | TOKEN_EXEMPT}
    assert "payments:stripe_webhook" in webhooks
    assert "payments:process_payment" not in {r.name for r in exempt}


def test_every_csrf_exempt_decorator_in_the_code_says_why_on_its_line():
    unexplained = []
    for path in APP.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.match(r"\s*@csrf_exempt\b", line) and not re.search(r"#\s*\S.{9,}", line):
                unexplained.append(f"{path.relative_to(APP)}:{number}")
    assert unexplained == []


def page_urls() -> list[str]:
    """The address of one live page of each page type."""
    urls, seen = [], set()
    for page in Page.objects.live().public().specific().order_by("depth", "path"):
        if page.content_type_id in seen or page.depth < 2:
            continue
        seen.add(page.content_type_id)
        if url := page.get_url():
            urls.append(url)
    return urls


def test_every_post_without_a_csrf_token_is_refused_and_writes_nothing(ada, staff_client):
    owner = Client(enforce_csrf_checks=True)
    owner.force_login(ada.user)
    as_buyer(owner, ada.order)
    before = database_snapshot()
    answers = {}
    for route in project_routes():
        url = url_of(route, ada.values())
        if url is None or route.exempt:
            continue
        browser = staff_client if route.admin else owner
        answers[route.path] = browser.post(url, {"anything": "1"}).status_code
    for url in page_urls():
        answers[url] = owner.post(url, {"anything": "1"}).status_code

    assert len(answers) > 300  # the whole admin and every public route
    assert {path: code for path, code in answers.items() if code != 403} == {}
    assert changed_tables(before, database_snapshot()) == {}


def crawl_get(client, values: dict) -> dict[str, int]:
    answers = {}
    for route in project_routes():
        url = url_of(route, values)
        if url is None or route.admin:
            continue
        answers[route.path] = client.get(url).status_code
    for url in page_urls():
        answers[url] = client.get(url).status_code
    return answers


def test_no_get_changes_anything(ada, client):
    bob = customer("bob@example.com", "Bob Stranger")
    affiliate = make_affiliate(code="anna")
    buyer, owner, partner = Client(), Client(), Client()
    as_buyer(buyer, ada.order)
    owner.force_login(ada.user)
    partner.force_login(affiliate.user)
    payments_before = Payment.objects.count()
    before = database_snapshot()

    answers = [
        crawl_get(client, ada.values()),
        crawl_get(buyer, ada.values()),
        crawl_get(owner, ada.values()),
        crawl_get(partner, bob.values()),
    ]

    assert changed_tables(before, database_snapshot()) == {}
    assert Payment.objects.count() == payments_before
    assert all(code < 500 for crawl in answers for code in crawl.values())
    stranger = answers[0]
    assert stranger["payments/process/<uuid:token>/"] == 404  # no such payment: no change
    assert stranger["payments/stripe/webhook/"] == 405
    assert stranger["cart/add/"] == 405
    assert stranger["account/logout/"] == 302  # allauth: nobody to sign out, sent home


def test_a_get_of_the_pay_page_opens_at_most_the_one_payment_in_progress(client):
    """The one write a GET makes: the buyer's pay page opens the order's payment (no money
    moves; a second GET reuses it). A stranger's GET opens nothing."""
    variant = make_product(variants=((30, "19.95", 1, 5),)).variants.get()
    order = place_order(cart=make_cart((variant, 1)), rate=make_zone())
    page = f"/payments/pay/{order.token}/"

    assert Client().get(page).status_code == 200
    assert order.payments.count() == 0
    as_buyer(client, order)
    client.get(page)
    client.get(page)
    assert list(order.payments.values_list("status", flat=True)) == ["input"]


def test_the_dummy_callback_answers_a_get_with_405_and_changes_no_payment(client):
    variant = make_product(variants=((30, "19.95", 1, 5),)).variants.get()
    order = place_order(cart=make_cart((variant, 1)), rate=make_zone())
    payment = payment_start(order=order)

    response = client.get(payment.get_process_url(), {"verification_result": "confirmed"})

    assert response.status_code == 405
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == (PaymentStatus.WAITING, "pending_payment")
