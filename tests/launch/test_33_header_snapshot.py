"""Launch test 33: the security headers and cookies of 10 representative URLs, under the
production settings (read from a DEBUG=0 manage.py, then applied here with override_settings).

Every page: a Content-Security-Policy whose script-src is the request's nonce and our origin,
never 'unsafe-inline'; every <script> of the page either from our origin or carrying that
nonce; no inline event handler; HSTS of a year with subdomains; nosniff; a Referrer-Policy;
no framing (frame-ancestors 'none' and X-Frame-Options DENY); COOP. Every cookie set on the
way: __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from apothecary.blog.models import BlogIndexPage, BlogPostPage
from apothecary.catalog.models import ProductPage
from apothecary.contact.models import ContactPage
from tests.affiliates.builders import make_affiliate
from tests.launch.production import production_settings

pytestmark = pytest.mark.django_db

HOST = "shop.example.com"


@pytest.fixture(scope="module")
def production():
    return production_settings()


@pytest.fixture
def shopper(production):
    """A visitor of the production site over HTTPS, behind the TLS proxy."""
    with override_settings(**production):
        yield Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https", secure=True)


def ten_urls(shopper) -> dict[str, str]:
    product = ProductPage.objects.live().first()
    post = BlogPostPage.objects.live().first()
    blog = BlogIndexPage.objects.live().first()
    contact = ContactPage.objects.live().first()
    variant = product.variants.filter(stock__gt=0).first()
    # A pack in the cart, so that the cart and the checkout show their real pages.
    added = shopper.post(
        reverse("cart:add"), {"variant": variant.pk, "quantity": 1}, HTTP_ORIGIN=f"https://{HOST}"
    )
    assert added.status_code == 302
    return {
        "home": "/",
        "product": product.url,
        "blog post": post.url,
        "blog index": blog.url,
        "cart": reverse("cart:detail"),
        "checkout": reverse("checkout:details"),
        "login": reverse("account_login"),
        "contact": contact.url,
        "search": "/search/?q=b12",
        "404": "/no-such-page/",
    }


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.styles: list[dict] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "style":
            self.styles.append(attributes)
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_every_page_has_a_nonce_csp_and_the_strict_headers(shopper):
    pages = ten_urls(shopper)
    expected = {"404": 404}
    for name, url in pages.items():
        response = shopper.get(url)
        assert response.status_code == expected.get(name, 200), (name, url)

        policy = directives(response["Content-Security-Policy"])
        nonces = re.findall(r"'nonce-([^']+)'", " ".join(policy["script-src"]))
        assert len(nonces) == 1, (name, policy["script-src"])
        assert "'unsafe-inline'" not in policy["script-src"], name
        assert "'unsafe-eval'" not in policy["script-src"], name
        assert "script-src-elem" not in policy and "script-src-attr" not in policy, name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["object-src"] == ["'none'"], name

        html = _Scripts()
        html.feed(response.content.decode())
        assert html.scripts, f"{name}: a page of ours has its scripts"
        for script in html.scripts:
            src = script.get("src")
            if src:
                # No third-party script on any page: ours, from our own origin.
                assert urlsplit(src).netloc in ("", HOST), (name, src)
            else:
                assert script.get("nonce") == nonces[0], (name, script)
        for style in html.styles:
            assert style.get("nonce") == nonces[0], (name, style)
        assert html.handlers == [], name

        hsts = response["Strict-Transport-Security"]
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000, name
        assert "includeSubDomains" in hsts, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


def test_each_request_gets_a_fresh_nonce(shopper):
    first = shopper.get("/")["Content-Security-Policy"]
    second = shopper.get("/")["Content-Security-Policy"]

    assert re.search(r"'nonce-[^']+'", first)
    assert first != second


def assert_host_cookie(morsel):
    assert morsel.key.startswith("__Host-"), morsel.key
    assert morsel["secure"] is True, morsel.key
    assert morsel["httponly"] is True, morsel.key
    assert morsel["samesite"] == "Lax", morsel.key
    assert morsel["path"] == "/", morsel.key
    assert morsel["domain"] == "", morsel.key


def test_every_cookie_the_store_sets_is_host_prefixed_secure_httponly_and_lax(shopper):
    seen = {}
    # The cart (session, and the "added" message kept in it), the login form (CSRF), the
    # cookie banner's "Accept all" (the consent cookie), a referral link (the referral cookie).
    affiliate = make_affiliate(code="snapshot")
    variant = ProductPage.objects.live().first().variants.filter(stock__gt=0).first()
    for response in [
        shopper.post(
            reverse("cart:add"),
            {"variant": variant.pk, "quantity": 1},
            HTTP_ORIGIN=f"https://{HOST}",
        ),
        shopper.get(reverse("cart:detail")),
        shopper.get(reverse("account_login")),
        shopper.post(
            reverse("consent:choice"),
            {"choice": "accept", "next": "/"},
            HTTP_ORIGIN=f"https://{HOST}",
        ),
        shopper.get(f"/?ref={affiliate.code}"),
    ]:
        seen.update(response.cookies)

    assert sorted(seen) == [
        "__Host-consent",
        "__Host-csrftoken",
        "__Host-ref",
        "__Host-sessionid",
    ]
    # The consent cookie alone is readable by the page's script, which hides the banner by
    # it (the page's HTML is the same for everyone); it holds no secret.
    consent = seen.pop("__Host-consent")
    assert not consent["httponly"]
    consent["httponly"] = True
    assert_host_cookie(consent)
    for morsel in seen.values():
        assert_host_cookie(morsel)


def test_the_admin_keeps_the_policy_its_editor_needs_and_no_other_frame(shopper):
    response = shopper.get("/admin/login/")

    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert not any(source.startswith("'nonce-") for source in policy["script-src"])
    assert policy["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
