"""Sentry (apothecary.core.sentry, started by settings/observability.py when SENTRY_DSN is set):
an error reaches a Sentry server tagged with the request id and without the visitor's cookie,
email address or order token; without SENTRY_DSN nothing of Sentry is loaded.

Sentry is started in processes of their own (tests/core/sentry_probe.py): once started it
stays in its process, and this suite's process must stay without it."""

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from apothecary.core.request_id import RequestIdMiddleware
from apothecary.core.sentry import before_send, before_send_span

ROOT = Path(settings.BASE_DIR)
EMAIL = "ada.lovelace@example.com"
TOKEN = "Ab3_xY9-kLmNoPqRsTuVwXyZ012345"
COOKIE_VALUE = "Cookie-Value-Nobody-Else-Sees-4711"
REQUEST_ID = "5f0c9a1e2b3d4c5e6f708192a3b4c5d6"


def run_python(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "LOG_FORMAT"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


DECODE = {"gzip": gzip.decompress, "br": brotli.decompress, "deflate": zlib.decompress}


@pytest.fixture
def sentry_server():
    """A stand-in for Sentry on 127.0.0.1: keeps the body of every envelope posted to it."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            encoding = self.headers.get("Content-Encoding", "")
            received.append((DECODE[encoding](body) if encoding else body).decode())
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port, received
    finally:
        server.shutdown()
        server.server_close()


def events(bodies: list[str]) -> list[dict]:
    """The error events among the envelopes' items (one JSON document a line)."""
    found = []
    for body in bodies:
        for line in body.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and "exception" in item:
                found.append(item)
    return found


def test_an_error_reaches_sentry_with_the_request_id_and_without_personal_data(sentry_server):
    port, received = sentry_server
    env = {
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/42",
        "SENTRY_ENVIRONMENT": "staging",
        "SENTRY_RELEASE": "apothecary@1.2.3",
        "PROBE_EMAIL": EMAIL,
        "PROBE_TOKEN": TOKEN,
        "PROBE_COOKIE": f"remember={COOKIE_VALUE}",
        "PROBE_REQUEST_ID": REQUEST_ID,
    }

    result = run_python("-m", "tests.core.sentry_probe", env=env)

    assert result.returncode == 0, result.stderr
    answered = json.loads(result.stdout.strip().splitlines()[-1])
    assert answered == {"status": 500, "request_id": REQUEST_ID}
    [event] = events(received)
    assert event["tags"]["request_id"] == REQUEST_ID
    assert event["environment"] == "staging"
    assert event["release"] == "apothecary@1.2.3"
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "order /order/[redacted]/ of [email] could not be shown"
    assert event["request"]["url"].endswith("/broken/")
    everything = "\n".join(received)
    for secret in (COOKIE_VALUE, EMAIL, TOKEN):
        assert secret not in everything


def test_without_a_dsn_sentry_is_not_even_imported():
    result = run_python(
        "-c",
        "import sys, django; django.setup(); from django.conf import settings; "
        "settings.INSTALLED_APPS; print('sentry_sdk' in sys.modules)",
        env={},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "env,message",
    [
        (
            {"SENTRY_DSN": "https://sentry.example.com/42"},
            "SENTRY_DSN is not a Sentry DSN (Missing public key): it reads "
            "https://<public key>@<host>/<project id>.",
        ),
        (
            {"SENTRY_DSN": "https://key@sentry.example.com/42", "SENTRY_TRACES_SAMPLE_RATE": "2"},
            "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1.",
        ),
    ],
)
def test_a_dsn_or_rate_that_does_not_parse_stops_the_start(env, message):
    result = run_python("manage.py", "check", env=env)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_before_send_tags_the_request_id_and_scrubs_what_the_logs_redact():
    token, email = TOKEN, EMAIL
    event = {
        "message": f"card 4242424242424242 of {email}",
        "logentry": {"message": "lookup %s", "formatted": f"lookup /order/{token}/"},
        "exception": {"values": [{"type": "KeyError", "value": f"'/order/{token}/'"}]},
        "breadcrumbs": {"values": [{"message": f"sent to {email}", "data": {"to": email}}]},
        "request": {"url": f"https://shop.example.com/order/{token}/"},
        "extra": {"address": email},
    }
    sent = {}

    def view(request):
        sent["event"] = before_send(event, {})
        return HttpResponse()

    request = RequestFactory().get("/", headers={"X-Request-ID": REQUEST_ID})
    RequestIdMiddleware(view)(request)

    text = json.dumps(sent["event"])
    assert sent["event"]["tags"] == {"request_id": REQUEST_ID}
    assert sent["event"]["message"] == "card [card number] of [email]"
    assert sent["event"]["logentry"]["formatted"] == "lookup /order/[redacted]/"
    assert sent["event"]["exception"]["values"][0]["value"] == "'/order/[redacted]/'"
    assert sent["event"]["request"]["url"] == "https://shop.example.com/order/[redacted]/"
    assert token not in text and email not in text


def test_outside_a_request_an_event_has_no_request_id_tag():
    assert "tags" not in before_send({"message": "the outbox is late"}, {})


def test_a_span_keeps_no_token_of_its_url():
    token = TOKEN
    span = {"name": f"GET /order/{token}/", "attributes": {"url.full": f"/order/{token}/?a=1"}}

    assert before_send_span(span, {}) == {
        "name": "GET /order/[redacted]/",
        "attributes": {"url.full": "/order/[redacted]/?a=1"},
    }
