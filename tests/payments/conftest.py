import pytest
from stripe._api_requestor import _APIRequestor

from tests.payments.stripe_events import WEBHOOK_SECRET
from tests.store import as_buyer, make_cart, make_product, make_zone, place_order


@pytest.fixture(autouse=True)
def _no_stripe_api_calls(monkeypatch):
    """Nothing in these tests may reach Stripe's servers: every API request fails loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to call Stripe's API")

    monkeypatch.setattr(_APIRequestor, "request_raw", refuse)
    monkeypatch.setattr(_APIRequestor, "request_raw_async", refuse)


@pytest.fixture
def stripe_settings(settings, monkeypatch):
    """A Stripe variant with a fake key (no call reaches Stripe) and a webhook secret."""
    settings.PAYMENT_VARIANTS = {
        **settings.PAYMENT_VARIANTS,
        "stripe": (
            "apothecary.payments.providers.StripeCheckoutProvider",
            {"api_key": "sk_test_not_a_real_key", "endpoint_secret": WEBHOOK_SECRET},
        ),
    }
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    monkeypatch.setattr("payments.core.PROVIDER_CACHE", {})
    return settings


@pytest.fixture
def variant():
    return make_product(variants=((30, "19.95", 1, 10),)).variants.get()


@pytest.fixture
def rate():
    return make_zone(countries="US", tax_rate="0", price="5.00")


@pytest.fixture
def order(variant, rate, client):
    """An order of 2 × 19.95 + 5.00 shipping = 44.90, waiting for payment; 8 left in stock.
    `client` is its buyer's browser (apothecary.orders.access)."""
    order = place_order(cart=make_cart((variant, 2)), rate=rate)
    as_buyer(client, order)
    return order
