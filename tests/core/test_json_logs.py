"""LOG_FORMAT=json: one JSON object a line, redacted, from Django and from gunicorn."""

import json
import logging
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from apothecary.core.logs import JSONFormatter, RedactSecrets
from apothecary.core.request_id import RequestIdFilter
from tests.core.test_settings import run_manage

ROOT = Path(settings.BASE_DIR)
TOKEN = "Ab3_xY9-kLmNoPqRsTuVwXyZ012345"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
FIELDS = {"time", "level", "logger", "message", "request_id"}


def formatted(record: logging.LogRecord) -> str:
    assert RequestIdFilter().filter(record) and RedactSecrets().filter(record)
    return JSONFormatter().format(record)


def a_record(message, args=(), exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(
        "apothecary.orders", logging.ERROR, __file__, 1, message, args, exc_info
    )


def test_a_line_is_one_json_object_with_the_fields_and_no_secret():
    try:
        raise ValueError(f"no order at /order/{TOKEN}/")
    except ValueError:
        record = a_record("lookup of %s failed", (f"/order/{TOKEN}/",), sys.exc_info())
    record.created, record.msecs = 1796418000.25, 250.0

    line = formatted(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert FIELDS | {"exception"} == set(entry)
    assert entry["time"] == "2026-12-04T21:00:00.250Z"
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "apothecary.orders"
    assert entry["message"] == "lookup of /order/[redacted]/ failed"
    assert entry["request_id"] == "-"
    assert "ValueError: no order at /order/[redacted]/" in entry["exception"]
    assert "Traceback (most recent call last):" in entry["exception"]
    assert TOKEN not in line


def test_a_line_break_someone_typed_stays_inside_its_line():
    line = formatted(a_record("login failed for %s", ("eve\r\nINFO forged\u2028x\x1b[31m",)))

    assert len(line.splitlines()) == 1
    assert json.loads(line)["message"] == "login failed for eve\r\nINFO forged\u2028x\x1b[31m"


def test_without_an_exception_there_is_no_exception_field():
    assert set(json.loads(formatted(a_record("paid")))) == FIELDS


def json_lines(text: str) -> list[dict]:
    """Every line of text as JSON: fails on a line that is not one object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_manage_py_logs_json_lines_on_stderr():
    script = (
        "import logging\n"
        "log = logging.getLogger('apothecary.probe')\n"
        f"log.warning('order page %s looked at', '/order/{TOKEN}/')\n"
        "log.warning('typed: %s', 'eve\\r\\nINFO forged')\n"
        "try:\n"
        f"    raise KeyError('/order/{TOKEN}/')\n"
        "except KeyError:\n"
        "    log.exception('lookup failed')\n"
    )

    result = run_manage("shell", "-c", script, env={"LOG_FORMAT": "json"})

    assert result.returncode == 0, result.stderr
    entries = json_lines(result.stderr)
    probe = [entry for entry in entries if entry["logger"] == "apothecary.probe"]
    assert [entry["message"] for entry in probe] == [
        "order page /order/[redacted]/ looked at",
        "typed: eve\r\nINFO forged",
        "lookup failed",
    ]
    assert all(FIELDS <= set(entry) and STAMP.fullmatch(entry["time"]) for entry in entries)
    assert "KeyError: '/order/[redacted]/'" in probe[2]["exception"]
    assert TOKEN not in result.stderr


def test_plain_is_the_default_and_another_format_is_refused():
    plain = run_manage(
        "shell", "-c", "import logging; logging.getLogger('apothecary.probe').warning('hi')", env={}
    )
    refused = run_manage("check", env={"LOG_FORMAT": "xml"})

    assert plain.returncode == 0, plain.stderr
    assert re.search(rf"^{STAMP.pattern} WARNING \[-\] apothecary.probe hi$", plain.stderr, re.M)
    assert refused.returncode != 0
    assert "ImproperlyConfigured: LOG_FORMAT must be plain or json, not 'xml'." in refused.stderr


def gunicorn_config(monkeypatch, log_format: str | None) -> dict:
    if log_format is None:
        monkeypatch.delenv("LOG_FORMAT", raising=False)
    else:
        monkeypatch.setenv("LOG_FORMAT", log_format)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_writes_json_when_asked_and_plain_lines_otherwise(monkeypatch):
    plain = gunicorn_config(monkeypatch, None)["logconfig_dict"]["handlers"]["console"]
    as_json = gunicorn_config(monkeypatch, "json")["logconfig_dict"]
    handler = as_json["handlers"]["console"]

    assert plain["formatter"] == "plain"
    assert plain["filters"] == ["request_id", "redact_secrets", "escape_controls"]
    assert handler["formatter"] == "json"
    assert handler["filters"] == ["request_id", "redact_secrets"]
    assert as_json["formatters"]["json"]["()"] == "apothecary.core.logs.JSONFormatter"
    with pytest.raises(ValueError, match="LOG_FORMAT must be plain or json, not 'yaml'"):
        gunicorn_config(monkeypatch, "yaml")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorns_access_line_in_json_carries_the_request_id():
    """gunicorn itself, with gunicorn.conf.py: the access line of a request nginx gave an id
    is a JSON object with that id (from the response's X-Request-ID header)."""
    port = free_port()
    env = {**os.environ, "LOG_FORMAT": "json", "DEBUG": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1"]
        + ["--no-control-socket", "apothecary.wsgi:application"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in server.stderr:  # gunicorn says when its worker is up
            if "Booting worker" in line:
                break
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/robots.txt?token={TOKEN}",
            headers={"X-Request-ID": "5f0c9a1e2b3d4c5e6f708192a3b4c5d6"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answered_id = response.headers["X-Request-ID"]
    finally:
        server.send_signal(signal.SIGTERM)
        _, rest = server.communicate(timeout=60)

    access = [entry for entry in json_lines(rest) if entry["logger"] == "gunicorn.access"]
    assert answered_id == "5f0c9a1e2b3d4c5e6f708192a3b4c5d6"
    assert len(access) == 1
    assert access[0]["request_id"] == answered_id
    assert '"GET /robots.txt?token=[redacted] HTTP/1.1" 200' in access[0]["message"]
