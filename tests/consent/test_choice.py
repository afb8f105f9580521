"""POST /consent/ (the banner's and the settings page's buttons) and GET /consent/."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apothecary.consent.models import ConsentRecord
from apothecary.core import consent
from tests.accounts.builders import CUSTOMER_LOGIN, CUSTOMER_PASSWORD, make_customer

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


@pytest.fixture
def browser():
    """A browser on the site's own pages: it names them in the Origin of its POSTs."""
    return Client(headers={"Origin": ORIGIN})


def choose(client, choice, *, categories=(), next="/faq/", source="banner", **headers):
    data = {"choice": choice, "categories": list(categories), "next": next, "source": source}
    return client.post("/consent/", data, **headers)


def cookie_of(response):
    return consent.decode(response.cookies["cookie_consent"].value)


def test_reject_all_records_only_necessary_sets_the_cookie_and_goes_back_303(browser):
    response = choose(browser, "reject")

    assert response.status_code == 303 and response["Location"] == "/faq/"
    record = ConsentRecord.objects.get()
    assert record.categories == ["necessary"]
    assert (record.source, record.gpc, record.user, record.policy_version) == (
        "banner",
        False,
        None,
        "1",
    )
    choice = cookie_of(response)
    assert (choice.record_id, choice.categories, choice.version) == (
        record.pk,
        {"necessary"},
        "1",
    )
    morsel = response.cookies["cookie_consent"]
    assert morsel["samesite"] == "Lax" and not morsel["httponly"]
    assert int(morsel["max-age"]) == 180 * 24 * 3600


def test_accept_all_accepts_every_category(browser):
    response = choose(browser, "accept", categories=["analytics"])  # the boxes do not matter
    everything = ["necessary", "preferences", "analytics", "marketing"]
    assert ConsentRecord.objects.get().categories == everything
    assert cookie_of(response).categories == set(everything)


def test_save_keeps_the_categories_ticked(browser):
    response = choose(browser, "save", categories=["marketing", "preferences"], source="settings")
    record = ConsentRecord.objects.get()
    assert record.categories == ["necessary", "preferences", "marketing"]
    assert record.source == "settings"
    assert cookie_of(response).categories == {"necessary", "preferences", "marketing"}


def test_the_record_holds_no_ip_and_no_user_agent():
    names = {field.name for field in ConsentRecord._meta.get_fields()}
    assert names == {"id", "created_at", "policy_version", "categories", "gpc", "source", "user"}


def test_the_script_gets_json_and_its_record_says_js(browser):
    response = choose(browser, "reject", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"version": "1", "categories": ["necessary"], "gpc": False}
    assert ConsentRecord.objects.get().source == "js"
    assert cookie_of(response).categories == {"necessary"}


def test_gpc_is_recorded(browser):
    choose(browser, "accept", HTTP_SEC_GPC="1")
    assert ConsentRecord.objects.get().gpc is True


def test_a_signed_in_persons_choice_is_linked_to_their_account(browser):
    user = get_user_model().objects.create_user(email="ada@example.com", password="pw-ada-1")
    browser.force_login(user)
    choose(browser, "accept")
    assert ConsentRecord.objects.get().user == user
    user.delete()
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "faq/",
        "/faq/\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_only_a_path_on_this_site_is_returned_to(browser, next_url):
    response = choose(browser, "reject", next=next_url)
    assert response.status_code == 303 and response["Location"] == "/"


def test_a_path_with_a_query_is_kept(browser):
    response = choose(browser, "reject", next="/search/?q=b12")
    assert response["Location"] == "/search/?q=b12"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": ORIGIN, "HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_a_post_from_another_site_or_from_nowhere_is_refused(headers):
    response = choose(Client(), "accept", **headers)
    assert response.status_code == 403
    assert not ConsentRecord.objects.exists()
    assert "cookie_consent" not in response.cookies


def test_a_bad_choice_is_a_400_with_the_form_and_nothing_recorded(browser):
    response = choose(browser, "maybe")
    assert response.status_code == 400
    assert "Your choice could not be saved" in response.content.decode()
    response = choose(browser, "save", categories=["tracking"])
    assert response.status_code == 400
    assert not ConsentRecord.objects.exists()
    json = choose(browser, "", HTTP_ACCEPT="application/json")
    assert json.status_code == 400 and "Choose Accept all" in json.json()["error"]


def test_a_flood_of_choices_is_answered_429(browser, settings):
    settings.CONSENT_LIMIT_PER_IP = 3
    statuses = [choose(browser, "reject").status_code for _ in range(5)]
    assert statuses == [303, 303, 303, 429, 429]
    assert ConsentRecord.objects.count() == 3
    refused = choose(browser, "reject")
    assert refused["Retry-After"] == str(settings.CONSENT_LIMIT_WINDOW)
    assert "Too many cookie choices" in refused.content.decode()


def test_the_settings_page_shows_no_choice_then_the_current_one(browser):
    page = browser.get("/consent/")
    html = page.content.decode()
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    assert "You have not made a choice" in html
    assert 'name="choice" value="accept"' in html and 'name="choice" value="reject"' in html
    assert 'id="consent-banner"' not in html  # the page is the form: no banner over it

    response = choose(browser, "save", categories=["analytics"], next="/consent/?saved=1")
    assert response["Location"] == "/consent/?saved=1"
    html = browser.get(response["Location"]).content.decode()
    record = ConsentRecord.objects.get()
    assert "Your choice is saved." in html
    assert "You allowed: necessary, analytics (recorded " in html
    assert str(record.pk) in html
    assert 'id="consent-page-analytics" name="categories" value="analytics"' in html
    analytics = html.split('id="consent-page-analytics"')[1].split(">")[0]
    marketing = html.split('id="consent-page-marketing"')[1].split(">")[0]
    assert "checked" in analytics and "checked" not in marketing


def test_the_settings_page_says_gpc_from_the_header(browser):
    sentence = "Your browser sends Global Privacy Control"
    assert sentence in browser.get("/consent/", HTTP_SEC_GPC="1").content.decode()
    assert sentence not in browser.get("/consent/").content.decode()


def test_a_choice_for_an_older_policy_is_shown_as_none(browser, settings):
    choose(browser, "accept")
    settings.CONSENT_POLICY_VERSION = "2"
    assert "You have not made a choice" in browser.get("/consent/").content.decode()


def test_a_choice_made_before_signing_in_joins_the_account_on_sign_in(browser):
    ada = make_customer()
    bob = make_customer(email="bob@example.com")
    choose(browser, "accept")
    before = ConsentRecord.objects.get()
    assert before.user is None

    signed_in = browser.post(CUSTOMER_LOGIN, {"login": ada.email, "password": CUSTOMER_PASSWORD})
    assert signed_in.status_code == 302
    before.refresh_from_db()
    assert before.user == ada

    # Someone else signing in on that browser later does not take it over.
    browser.post("/account/logout/")
    browser.post(CUSTOMER_LOGIN, {"login": bob.email, "password": CUSTOMER_PASSWORD})
    before.refresh_from_db()
    assert before.user == ada
