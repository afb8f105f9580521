"""Launch test 36: logs and PCI scope.

The store's main flows run with every logger at DEBUG, and what the configured handler of
settings.LOGGING writes (its filters, its formatter: apothecary.core.logs) is read back: no
password, order token, webhook secret, reset link or card-like number; CR and LF that a
visitor typed are escaped; every line starts with a UTC time stamp. And no form or template
of the project takes a card number: card data only ever goes to the provider's hosted page."""

import io
import logging
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.test import Client
from django.utils.module_loading import import_string

import apothecary
from apothecary.checkout.models import ShippingZone
from apothecary.orders.models import Order
from tests.affiliates.test_signup import application
from tests.checkout.test_checkout_views import details, key_of, use_cart
from tests.contact.builders import filled_form
from tests.helpers import spam_guard
from tests.payments.stripe_events import WEBHOOK_SECRET, post_webhook, stripe_signature
from tests.payments.test_pay_page import read_form
from tests.reviews.builders import form_data
from tests.store import make_cart, make_product, make_zone

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-Battery-9"
WRONG_PASSWORD = "Wrong-Horse-Battery-7"
CARD = "4242424242424242"  # Luhn-valid: Stripe's test Visa
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [A-Z]+ ")
FORGED = "INFO apothecary forged line"


@pytest.fixture
def log_output(settings):
    """What the LOGGING console handler writes while every logger is at DEBUG."""
    root = logging.getLogger()
    console = next(handler for handler in root.handlers if handler.get_name() == "console")
    buffer = io.StringIO()
    previous_stream = console.setStream(buffer)
    loggers = [root] + [logging.getLogger(name) for name in settings.LOGGING["loggers"]]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        console.setStream(previous_stream)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def luhn_numbers(text: str) -> list[str]:
    found = []
    for match in re.finditer(r"\d(?:[ -]?\d){12,18}", text):
        digits = re.sub(r"\D", "", match.group())
        total = sum(
            (int(d) * 2 - 9 if int(d) * 2 > 9 else int(d) * 2) if n % 2 else int(d)
            for n, d in enumerate(reversed(digits))
        )
        if 13 <= len(digits) <= 19 and total % 10 == 0:
            found.append(match.group())
    return found


def run_the_flows(client, settings) -> dict:
    """Sign up, log in wrong then right, check out and pay, a forged Stripe webhook, the
    contact form, a review, an affiliate application. Returns the secrets that went by."""
    # Sign up, log out, log in with a wrong then the right password.
    email = "logs.reader@example.com"
    signup = client.post(
        "/account/signup/",
        {
            **spam_guard(),
            "email": email,
            "first_name": "Log",
            "last_name": "Reader",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert signup.status_code == 302, signup.content.decode()[:500]
    client.post("/account/logout/")
    wrong = client.post("/account/login/", {"login": email, "password": WRONG_PASSWORD})
    assert wrong.status_code == 200
    right = client.post("/account/login/", {"login": email, "password": PASSWORD})
    assert right.status_code == 302
    client.post("/account/logout/")

    # A guest checks out and pays with the dummy provider, then opens the confirmation.
    client = Client()
    variant = make_product(title="Log Patch", variants=((30, "10.00", 1, 20),)).variants.get()
    ShippingZone.objects.update(active=False)  # the demo's zones: this one alone
    rate = make_zone(countries="US", price="5.00")
    use_cart(client, make_cart((variant, 1)))
    assert client.post("/checkout/", details(rate)).status_code == 302
    key = key_of(client.get("/checkout/review/"))
    placed = client.post("/checkout/place/", {"idempotency_key": key})
    order = Order.objects.get(idempotency_key=key)
    pay_page = client.get(placed["Location"])
    paid = client.post(placed["Location"], read_form(pay_page).data)
    assert paid.status_code == 302
    assert client.get(paid["Location"]).status_code == 200
    order.refresh_from_db()
    assert order.status == "paid"
    # A runserver access line for the order's page, as django.server writes it.
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /order/{order.token}/?token={order.token} HTTP/1.1", "200", "5120"
    )

    # A Stripe webhook signed with another secret: refused and logged.
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    payload = '{"id": "evt_forged", "type": "checkout.session.completed", "data": {}}'
    forged = post_webhook(
        client, payload, **{"Stripe-Signature": stripe_signature(payload, secret="whsec_other")}
    )
    assert forged.status_code == 400

    # The contact form, a review and an affiliate application, with a card number typed in.
    sent = client.post("/contact/", filled_form(client, text=f"My card {CARD} was charged."))
    assert sent.status_code == 302
    product = make_product(title="Reviewed Patch")
    review = client.post(
        f"/reviews/write/{product.pk}/", form_data(text=f"Paid with {CARD}, works well.")
    )
    assert review.status_code == 302
    applied = client.post(
        "/affiliates/apply/", application(password=PASSWORD, bank_details=f"Card {CARD}")
    )
    assert applied.status_code == 302

    # A path with CR LF in it: Django logs the 404 with the path the visitor sent.
    assert client.get(f"/order/x%0D%0A{FORGED.replace(' ', '%20')}/").status_code == 404
    return {"order token": order.token, "order key": key}


def test_the_main_flows_log_no_secret_and_no_forged_line(client, settings, log_output, caplog):
    caplog.set_level(logging.DEBUG)
    secrets = run_the_flows(client, settings)
    # What a login logger writes about a username with CR/LF (the logins' own logging is
    # tested with them), through the same configured handler.
    logging.getLogger("apothecary.accounts").warning(
        "login failed for %s", f"mallory@example.com\r\n{FORGED}"
    )

    output = log_output.getvalue()
    lines = output.splitlines()
    assert len(lines) >= 10, output  # the flows did log
    assert "webhook refused: provider=stripe reason='Invalid signature.'" in output
    assert "GET /order/[redacted]/?token=[redacted] HTTP/1.1" in output
    assert f"login failed for mallory@example.com\\r\\n{FORGED}" in output
    assert "x\\r\\nINFO" in output  # the 404's path
    # Every line is one record, stamped in UTC: nobody added a line of their own.
    assert [line for line in lines if not STAMP.match(line)] == []
    for name, value in {
        "password": PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "webhook secret": WEBHOOK_SECRET,
        **secrets,
    }.items():
        assert value not in output, f"the {name} is in the logs"
    assert re.search(r"/reset/[^/\s]+/[^/\s]+/", output) is None  # no reset link
    assert luhn_numbers(output) == []
    # The records themselves, as every later handler sees them, are the cleaned ones.
    messages = "\n".join(record.getMessage() for record in caplog.records)
    assert secrets["order token"] not in messages
    assert "\r" not in messages and f"\n{FORGED}" not in messages


CARD_NAME = re.compile(
    r"card.?num|cc.?(num|number|exp|csc)|\bcvc\b|\bcvv\b|\bcsc\b|security.?code|\bpan\b",
    re.IGNORECASE,
)


def project_forms() -> list[type[forms.BaseForm]]:
    for config in apps.get_app_configs():
        if config.name.startswith("apothecary."):
            try:
                import_string(f"{config.name}.forms.__name__")
            except ImportError:
                pass
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("apothecary."):
            found.append(cls)
    return found


def test_no_form_of_the_project_has_a_card_number_field():
    checked = project_forms()
    assert len(checked) >= 10  # the forms were found
    offending = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in checked
        for name, field in form.base_fields.items()
        if CARD_NAME.search(name) or CARD_NAME.search(str(field.label or ""))
    ]
    assert offending == []


def test_no_template_has_an_input_for_card_data():
    root = Path(apothecary.__file__).parent
    templates = list(root.glob("**/templates/**/*.html"))
    assert len(templates) >= 50
    inputs = re.compile(r"<(input|select|textarea)\b[^>]*>", re.IGNORECASE)
    offending = [
        f"{path.relative_to(root)}: {tag}"
        for path in templates
        for tag in (m.group() for m in inputs.finditer(path.read_text()))
        if CARD_NAME.search(tag) or re.search(r'autocomplete="cc-', tag)
    ]
    assert offending == []
