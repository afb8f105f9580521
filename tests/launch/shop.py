"""What the payment, concurrency and business-logic launch tests share: a shopper driving the
real views with a test client, Stripe's API replaced by a recorder, signed webhook deliveries,
and the tools of the race tests (threads behind a barrier; run another party at one exact
moment; wait until a connection is blocked on a row lock).

Every client is its own shopper (cookies, session, address); a thread runs its requests on a
database connection of its own."""

import html
import pkgutil
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from unittest import mock

import pytest
import stripe
from django.db import connection, connections
from django.test import Client
from stripe._api_requestor import _APIRequestor

from apothecary.checkout.models import ShippingZone
from tests.payments.stripe_events import (
    WEBHOOK_SECRET,
    post_webhook,
    stripe_event,
    stripe_signature,
)
from tests.store import make_zone

PG_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL's row locks (SQLite locks the whole file); "
    "these run in CI's PostgreSQL pass",
)
ORIGIN = "http://testserver"
COMPLETED = "checkout.session.completed"


def only_zone(**kwargs):
    """A shipping rate of a zone that is the only active one (the demo's zones are turned
    off, so the details form offers this rate)."""
    ShippingZone.objects.update(active=False)
    return make_zone(**kwargs)


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


class Shopper:
    """One visitor of the store, through the real views."""

    def __init__(self, n: int = 0, *, email: str | None = None):
        # Each shopper has an address of their own, as behind a real network.
        self.client = Client(REMOTE_ADDR=f"10.{n // 65000 % 250}.{n // 250 % 260}.{n % 250 + 1}")
        self.email = email or f"buyer{n}@example.com"

    def add(self, variant, quantity=1, **extra):
        return self.client.post(
            "/cart/add/",
            {"variant": variant.pk, "quantity": quantity, **extra},
            headers={"Origin": ORIGIN},
        )

    def details(self, rate, **changes):
        data = {
            "email": self.email,
            "shipping_name": "Ada Reader",
            "shipping_line1": "1 Main St",
            "shipping_line2": "",
            "shipping_city": "Springfield",
            "shipping_region": "IL",
            "shipping_postcode": "62701",
            "shipping_country": "US",
            "phone": "",
            "billing_same": "on",
            "shipping_rate": str(rate.pk),
            "discount_code": "",
        }
        data.update(changes)
        return self.client.post("/checkout/", {k: v for k, v in data.items() if v is not None})

    def review_key(self) -> str:
        response = self.client.get("/checkout/review/")
        assert response.status_code == 200, page_text(response)[:2000]
        found = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page_text(response))
        return found.group(1)

    def ready(self, rate, *lines, **details) -> str:
        """Cart filled with (variant, quantity) lines, details entered: the review page's key."""
        for variant, quantity in lines:
            response = self.add(variant, quantity)
            assert response.status_code == 302, page_text(response)[:2000]
        response = self.details(rate, **details)
        assert response.status_code == 302, page_text(response)[:2000]
        return self.review_key()

    def place(self, key: str, **extra):
        return self.client.post("/checkout/place/", {"idempotency_key": key, **extra})

    def twin(self) -> "Shopper":
        """Another client with this shopper's cookies: the same browser, another tab."""
        other = Shopper.__new__(Shopper)
        other.client = Client(REMOTE_ADDR=self.client.defaults["REMOTE_ADDR"])
        other.client.cookies = self.client.cookies
        other.email = self.email
        return other


class StripeRecorder:
    """Stripe's API, replaced: Checkout Sessions and Refunds made are recorded (thread-safe)
    and answered like Stripe; any other API call fails the test."""

    def __init__(self):
        self.sessions: list[dict] = []
        self.refunds: list[dict] = []
        self.lock = threading.Lock()

    def create_session(self, **params):
        with self.lock:
            self.sessions.append(params)
            number = len(self.sessions)
        return stripe.checkout.Session.construct_from(
            {"id": f"cs_test_{number}", "url": f"https://checkout.stripe.com/c/pay/cs_{number}"},
            "",
        )

    def create_refund(self, **params):
        with self.lock:
            self.refunds.append(params)
            number = len(self.refunds)
        return stripe.Refund.construct_from(
            {"id": f"re_test_{number}", "amount": params["amount"], "status": "succeeded"}, ""
        )


@pytest.fixture
def stripe_api(settings, monkeypatch) -> StripeRecorder:
    """The Stripe provider as the default way to pay, its API recorded, webhooks signed."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to call Stripe's API")

    monkeypatch.setattr(_APIRequestor, "request_raw", refuse)
    monkeypatch.setattr(_APIRequestor, "request_raw_async", refuse)
    settings.PAYMENT_VARIANTS = {
        **settings.PAYMENT_VARIANTS,
        "stripe": (
            "apothecary.payments.providers.StripeCheckoutProvider",
            {"api_key": "sk_test_not_a_real_key", "endpoint_secret": WEBHOOK_SECRET},
        ),
    }
    settings.PAYMENT_VARIANT = "stripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    monkeypatch.setattr("payments.core.PROVIDER_CACHE", {})
    recorder = StripeRecorder()
    monkeypatch.setattr(stripe.checkout.Session, "create", recorder.create_session)
    monkeypatch.setattr(stripe.Refund, "create", recorder.create_refund)
    return recorder


def completed(payment, event_id: str | None = None, **session) -> str:
    """checkout.session.completed for `payment`'s own session (its id as Stripe made it)."""
    session.setdefault("id", payment.transaction_id or f"cs_test_{payment.pk}")
    return stripe_event(event_id or f"evt_{uuid.uuid4().hex[:12]}", COMPLETED, payment, **session)


def deliver(client, payload: str, **signature):
    return post_webhook(
        client, payload, **{"Stripe-Signature": stripe_signature(payload, **signature)}
    )


def run_concurrently(count: int, job, *, at_once: int | None = None) -> list:
    """Start `count` jobs at the same moment (a barrier), each in its own thread on its own
    database connection; the results (or the exception raised) in order. `at_once` caps how
    many hold a connection at the same time (PostgreSQL's max_connections is shared)."""
    barrier = threading.Barrier(count)
    gate = threading.BoundedSemaphore(at_once or count)

    def worker(n):
        barrier.wait()
        with gate:
            try:
                return job(n)
            except Exception as error:  # noqa: BLE001 - counted by the test
                return error
            finally:
                connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid: int, *, timeout: float = 10.0) -> None:
    """Wait until the backend `pid` waits on a lock (PostgreSQL's pg_stat_activity)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.02)
    raise AssertionError(f"backend {pid} never waited on a lock")


class Party:
    """Another shopper's request, run in a thread of its own: `start()` it at the exact moment
    a patch chooses, `blocked()` waits until it is stuck on our row lock, `result()` joins."""

    def __init__(self, job):
        self.job = job
        self.pid = None
        self._started = threading.Event()
        self._outcome = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            self.pid = backend_pid() if connection.vendor == "postgresql" else None
            self._started.set()
            self._outcome = self.job()
        except Exception as error:  # noqa: BLE001 - returned to the test
            self._outcome = error
        finally:
            self._started.set()
            connections.close_all()

    def start(self) -> "Party":
        self.thread.start()
        self._started.wait(10)
        return self

    def blocked(self) -> "Party":
        wait_until_blocked(self.pid)
        return self

    def finished(self, timeout: float = 30) -> "Party":
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the other party never finished"
        return self

    def result(self, timeout: float = 30):
        self.finished(timeout)
        return self._outcome


@contextmanager
def run_after(target: str, action, *, times: int = 1):
    """Patch `target` (a dotted path) so that, right after its first `times` calls return in
    the calling thread, `action(result)` runs: the RunAfter of Saleor's and oscar's race
    tests. Calls from other threads go through untouched."""
    owner = threading.get_ident()
    calls = {"n": 0}
    where, name = target.rsplit(".", 1)
    real = getattr(pkgutil.resolve_name(where), name)

    def patched(*args, **kwargs):
        result = real(*args, **kwargs)
        if threading.get_ident() == owner and calls["n"] < times:
            calls["n"] += 1
            action(result)
        return result

    with mock.patch(target, patched):
        yield calls


# PayPal: its API as recorded (tests/payments/paypal_payloads), with the webhook verification.
PAYPAL_API = "https://api.sandbox.paypal.com"
PAYPAL_VERIFY_URL = f"{PAYPAL_API}/v1/notifications/verify-webhook-signature"
PAYPAL_WEBHOOK_ID = "WH-TEST-0123456789"
PAYPAL_HEADERS = {
    "PayPal-Auth-Algo": "SHA256withRSA",
    "PayPal-Cert-Url": "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-test",
    "PayPal-Transmission-Id": "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
    "PayPal-Transmission-Sig": "bm90IGEgcmVhbCBzaWduYXR1cmU=",
    "PayPal-Transmission-Time": "2026-12-04T20:00:00Z",
}


@pytest.fixture
def paypal_api(settings, monkeypatch):
    """PayPal beside the default provider, its API answered from recordings; its webhook
    verification answers SUCCESS unless the test sets `.verification`."""
    import requests

    from tests.payments.test_paypal import FakePaypal

    settings.PAYMENT_VARIANTS = {
        **settings.PAYMENT_VARIANTS,
        "paypal": (
            "apothecary.payments.providers.PaypalCheckoutProvider",
            {"client_id": "test-client", "secret": "test-secret", "endpoint": PAYPAL_API},
        ),
    }
    settings.PAYPAL_WEBHOOK_ID = PAYPAL_WEBHOOK_ID
    monkeypatch.setattr("payments.core.PROVIDER_CACHE", {})
    fake = FakePaypal()
    fake.routes[("POST", PAYPAL_VERIFY_URL)] = (200, {"verification_status": "SUCCESS"})
    monkeypatch.setattr(requests, "request", fake.request)
    monkeypatch.setattr(requests, "post", fake.post)
    return fake


def paypal_event(event_id: str, kind: str, **resource) -> dict:
    """A PayPal webhook event (v1 sales: PAYMENT.SALE.*; v2 captures: PAYMENT.CAPTURE.*)."""
    return {
        "id": event_id,
        "event_version": "1.0",
        "create_time": "2026-12-04T20:00:00Z",
        "resource_type": "sale" if ".SALE." in kind else "capture",
        "event_type": kind,
        "summary": kind,
        "resource": resource,
    }


def deliver_paypal(client, event: dict, **headers):
    import json

    from django.urls import reverse

    return client.post(
        reverse("payments:paypal_webhook"),
        data=json.dumps(event),
        content_type="application/json",
        headers={**PAYPAL_HEADERS, **headers},
    )
