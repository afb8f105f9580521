"""The banner on the public pages: there for everyone, the same HTML for everyone, a form
that works without JavaScript and carries no token, and the "Cookie settings" link."""

import re

import pytest
from csp.middleware import CSPMiddleware
from django.test import Client

from tests.helpers import give_consent

pytestmark = pytest.mark.django_db

PAGES = ["/", "/faq/", "/products/b12-patch/", "/blog/", "/privacy/"]


def banner_of(html: str) -> str:
    match = re.search(r'<section class="consent-banner".*?</section>', html, re.S)
    assert match, "no consent banner"
    return match.group(0)


@pytest.fixture
def fixed_nonce(monkeypatch):
    """The CSP nonce is the one part of a page that changes with every request (by design);
    fixed here, so that what remains can be compared byte for byte."""
    monkeypatch.setattr(CSPMiddleware, "_make_nonce", lambda self, request: "fixed")


@pytest.mark.parametrize("path", PAGES)
def test_visitors_with_different_choices_get_byte_identical_pages(path, fixed_nonce):
    first_visit = Client()
    accepted_all = give_consent(Client())
    rejected = give_consent(Client(), "preferences")
    pages = [
        first_visit.get(path),
        accepted_all.get(path),
        rejected.get(path, HTTP_SEC_GPC="1"),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    assert pages[0].content == pages[1].content == pages[2].content
    assert all("public" in page["Cache-Control"] for page in pages)
    assert not any(page.cookies for page in pages)  # showing a page sets no cookie


def test_the_banner_is_last_in_the_page_a_labelled_region_with_a_no_js_form(client):
    html = client.get("/faq/").content.decode()
    banner = banner_of(html)
    assert re.search(re.escape(banner) + r"\s*</body>\s*</html>\s*$", html)
    assert 'aria-labelledby="consent-banner-title"' in banner
    assert 'id="consent-banner-title"' in banner and "Cookies on this site" in banner
    assert re.search(r'<form class="consent-form wrap" method="post" action="/consent/"', banner)
    assert '<input type="hidden" name="next" value="/faq/">' in banner
    assert "csrfmiddlewaretoken" not in html  # a cached page carries no token
    assert "<details" in banner and "<summary>Choose</summary>" in banner
    for key in ("necessary", "preferences", "analytics", "marketing"):
        assert f'value="{key}"' in banner
    assert re.search(r'id="consent-banner-necessary"[^>]* checked disabled>', banner)
    assert "Global Privacy Control" in banner


def test_reject_all_is_exactly_as_prominent_as_accept_all(client):
    banner = banner_of(client.get("/").content.decode())
    accept = re.search(r'<button ([^>]*)value="accept"([^>]*)>Accept all</button>', banner)
    reject = re.search(r'<button ([^>]*)value="reject"([^>]*)>Reject all</button>', banner)
    assert accept and reject
    assert accept.groups() == reject.groups()  # same element, same attributes and classes
    assert 'class="button consent-button"' in accept.group(2)
    actions = re.search(r'<div class="consent-actions">(.*?)</div>', banner, re.S).group(1)
    assert "Accept all" in actions and "Reject all" in actions


def test_the_footer_links_to_cookie_settings_and_the_head_loads_the_state_script(client):
    html = client.get("/").content.decode()
    assert re.search(
        r'<p class="copyright">.*?</p>\s*<p class="cookie-settings">'
        r'<a href="/consent/" data-consent-open>Cookie settings</a></p>',
        html,
        re.S,
    )
    head = html.split("</head>")[0]
    state = re.search(r'<script src="[^"]*consent-state\.js"([^>]*)></script>', head)
    assert state, "the banner's state script is in the head"
    assert "defer" not in state.group(1) and "async" not in state.group(1)
    assert 'data-policy-version="1"' in state.group(1)
    assert 'data-cookie-name="cookie_consent"' in state.group(1)
    assert re.search(r'<script src="[^"]*consent\.js" defer></script>', head)


def test_a_new_policy_version_is_in_every_page(client, settings):
    settings.CONSENT_POLICY_VERSION = "2026-12"
    assert 'data-policy-version="2026-12"' in client.get("/").content.decode()


def test_the_demo_privacy_policy_and_affiliate_page_say_how_consent_works(client):
    privacy = re.sub(r"\s+", " ", client.get("/privacy/").content.decode())
    for words in ("“Accept all”, “Reject all”", "Global Privacy Control", "“Cookie settings”"):
        assert words in privacy
    assert "and you have allowed it" not in privacy
    affiliates = re.sub(r"\s+", " ", client.get("/affiliates/").content.decode())
    assert "only after the visitor has accepted marketing cookies" in affiliates
    assert "Your coupon code needs no cookie at all" in affiliates
