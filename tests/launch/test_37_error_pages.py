"""Launch test 37: with DEBUG=False a crash and a request for a host we do not serve answer
with a generic page: no traceback, no SQL, no settings in the body."""

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

from tests.launch.production import production_settings

pytestmark = pytest.mark.django_db

LEAKS = [
    "Traceback",
    "secret_payment_table",
    "SELECT",
    "hunter2",
    "OperationalError",
    "ProgrammingError",
    "DisallowedHost",
    "ALLOWED_HOSTS",
    "Invalid HTTP_HOST",
    "evil.example",
    "SECRET_KEY",
    "DATABASES",
    "settings",
    "apothecary/",
    "site-packages",
]


@pytest.fixture(scope="module")
def production():
    return production_settings()


@pytest.fixture
def visitor(production):
    with override_settings(**production, ROOT_URLCONF="tests.launch.error_urls"):
        yield Client(
            raise_request_exception=False,
            HTTP_HOST="shop.example.com",
            HTTP_X_FORWARDED_PROTO="https",
            secure=True,
        )


def assert_generic(response, heading):
    body = response.content.decode()
    assert heading in body
    for leak in LEAKS:
        assert leak not in body, leak
    assert settings.SECRET_KEY not in body


def test_a_crash_shows_the_generic_error_page(visitor):
    response = visitor.get("/broken/")

    assert response.status_code == 500
    assert_generic(response, "Something went wrong on our side")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_host_we_do_not_serve_shows_the_generic_bad_request_page(visitor):
    response = visitor.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert_generic(response, "We could not understand that request")


def test_a_crash_under_debug_would_have_leaked_what_the_test_looks_for(production):
    # The test sees a leak when there is one: the debug page shows the query.
    debug = {**production, "DEBUG": True}
    with override_settings(**debug, ROOT_URLCONF="tests.launch.error_urls"):
        client = Client(
            raise_request_exception=False,
            HTTP_HOST="shop.example.com",
            HTTP_X_FORWARDED_PROTO="https",
            secure=True,
        )
        body = client.get("/broken/").content.decode()

    assert "secret_payment_table" in body
