"""Launch test 15: Redis down.

Pass: CMS and catalog pages still render (cache miss) with 0 stack traces; the forms whose
rate limits cannot be counted (contact, checkout's Place order, order lookup...) answer a clear
503 rather than a 500, and fail closed; sessions keep working (they live in the database).

Settings read REDIS_URL at import, so the tests point the project's cache backend at a port
nothing listens on (override_settings resets django.core.cache.caches), with the production
session engine; they run the same in the SQLite and in the PostgreSQL+Redis pass. The last
test needs the real Redis of that pass."""

import logging
import socket
import time
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

from apothecary.blog.models import BlogPostPage
from apothecary.catalog.models import Variant
from apothecary.checkout.models import ShippingZone
from apothecary.contact.models import ContactMessage
from apothecary.core import cache_backend
from apothecary.orders.models import Order
from tests.checkout.test_checkout_views import key_of, text, to_review
from tests.contact.builders import filled_form
from tests.launch.invariants import check_invariants, stock_before
from tests.store import make_cart, make_product, make_zone

pytestmark = pytest.mark.django_db

BACKEND = "apothecary.core.cache_backend.TolerantRedisCache"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
UNAVAILABLE = "Temporarily unavailable, please try again in a minute"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_at(location: str, **options) -> dict:
    return {"default": {"BACKEND": BACKEND, "LOCATION": location, "OPTIONS": options}}


@pytest.fixture
def dead_redis():
    """The project's cache, configured as in production, with nobody at the address."""
    cache_backend._healths.clear()
    with override_settings(
        CACHES=redis_at(f"redis://127.0.0.1:{closed_port()}/0"), SESSION_ENGINE=CACHED_DB
    ):
        yield
    cache_backend._healths.clear()


def public_pages() -> list[str]:
    post = BlogPostPage.objects.live().order_by("pk").first()
    return [
        "/",
        "/products/b12-patch/",
        "/blog/",
        post.url,
        "/order/",
        "/research/",
        "/faq/",
        "/cart/",
        "/account/login/",
        "/contact/",
    ]


def test_the_public_pages_render_from_the_database_with_no_stack_trace(dead_redis, caplog):
    pages = public_pages()
    client = Client()

    with caplog.at_level(logging.INFO):
        answers = {}
        for url in pages:
            started = time.perf_counter()
            response = client.get(url, follow=False)
            answers[url] = (response.status_code, time.perf_counter() - started)

    assert {url: status for url, (status, _) in answers.items()} == dict.fromkeys(pages, 200)
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= 40] == []
    warnings = [r.getMessage() for r in caplog.records if r.name == cache_backend.__name__]
    assert len(warnings) == 1 and "unreachable" in warnings[0]  # one warning for the burst
    assert max(seconds for _, seconds in answers.values()) < 5  # no socket timeouts waited out


def test_a_shopper_keeps_their_cart_and_a_customer_stays_signed_in(dead_redis, django_user_model):
    product = make_product(title="Redis Down Patch")
    shopper = Client()
    added = shopper.post(
        "/cart/add/",
        {"variant": product.variants.get().pk, "quantity": 2},
        HTTP_ORIGIN="http://testserver",
    )
    customer = Client()
    customer.force_login(django_user_model.objects.create_user(email="ada@example.com"))

    cart = shopper.get("/cart/")
    account = customer.get("/account/")

    assert added.status_code in (200, 302)
    assert "Redis Down Patch" in cart.content.decode()
    assert account.status_code == 200  # not sent to the login page: the session held


def test_a_login_with_redis_dead_is_answered_never_with_a_500(dead_redis, django_user_model):
    """Login throttles count in the database (django-axes) or fail closed with the 503 page;
    the admin's login page renders."""
    django_user_model.objects.create_user(email="ada@example.com", password="a-long-passphrase")
    client = Client()

    response = client.post(
        "/account/login/", {"login": "ada@example.com", "password": "a-long-passphrase"}
    )

    assert response.status_code in (302, 503)
    if response.status_code == 503:
        assert UNAVAILABLE in response.content.decode()
    else:
        assert client.get("/account/").status_code == 200
    assert client.get("/admin/login/").status_code in (302, 403)  # 403: a signed-in customer


def test_the_contact_form_answers_503_and_keeps_the_message_typed(dead_redis):
    client = Client()
    data = filled_form(client, message="Is the patch safe while pregnant?")

    response = client.post("/contact/", data)

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "this form is temporarily unavailable. Please try again in a minute" in page
    assert "Is the patch safe while pregnant?</textarea>" in page
    assert 'value="Ada Reader"' in page
    assert ContactMessage.objects.count() == 0  # failed closed: nothing stored, nothing sent
    assert mail.outbox == []


def test_place_order_answers_503_nothing_is_ordered_and_nothing_is_lost(dead_redis):
    before = stock_before()
    ShippingZone.objects.update(active=False)
    rate = make_zone(countries="US", tax_rate="10", price="5.00")
    variant = Variant.objects.get(product=make_product(variants=((30, "10.00", 1, 20),)))
    client = Client()
    key = key_of(to_review(client, make_cart((variant, 2)), rate, shipping_line1="7 Elm Row"))

    response = client.post("/checkout/place/", {"idempotency_key": key})

    page = text(response)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Checkout is temporarily unavailable, please try again in a minute." in page
    assert "Nothing was ordered, and your cart and details are kept." in page
    assert "7 Elm Row" in page  # the review of what was entered, ready to place again
    assert Order.objects.filter(idempotency_key=key).count() == 0
    variant.refresh_from_db()
    assert variant.stock == 20
    check_invariants(before)


def test_another_rate_limited_form_gets_the_sites_503_page(dead_redis):
    response = Client().post("/orders/lookup/", {"number": "7K3M9QXA", "email": "a@example.com"})

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert f"<h1>{UNAVAILABLE}</h1>" in page
    assert 'class="site-header"' in page  # in the site's style, not a bare error
    assert "Nothing was sent or ordered." in page


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis of the PostgreSQL+Redis pass")
def test_a_log_out_while_redis_was_away_stays_a_log_out_when_it_is_back(django_user_model):
    """The session row is deleted; Redis missed the delete. Its old copy must not sign the
    old cookie in again once Redis answers."""
    cache_backend._healths.clear()
    live = redis_at(settings.CACHES["default"]["LOCATION"], retry_seconds=0.05)
    live["default"]["KEY_PREFIX"] = "launch15"
    with override_settings(CACHES=live, SESSION_ENGINE=CACHED_DB):
        client = Client()
        client.force_login(django_user_model.objects.create_user(email="ada@example.com"))
        assert client.get("/account/").status_code == 200  # the session is in Redis now
        old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

        refused = redis.ConnectionError("Connection refused")
        with mock.patch.object(redis.Redis, "execute_command", side_effect=refused):
            assert client.post("/account/logout/").status_code == 302
        time.sleep(0.1)

        again = Client()
        again.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
        response = again.get("/account/")

    cache_backend._healths.clear()
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
