"""What the logs may hold (apothecary.core.logs, configured in settings.LOGGING)."""

import logging
import runpy
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from apothecary.core.logs import (
    EscapeControlCharacters,
    RedactSecrets,
    UTCFormatter,
    escape_controls,
    redact,
)


@pytest.mark.parametrize(
    "line,logged",
    [
        (
            '"GET /order/Ab3_xY9-kLmNoPqRsTuVwXyZ012345/ HTTP/1.1" 200',
            '"GET /order/[redacted]/ HTTP/1.1" 200',
        ),
        ("/payments/pay/Ab3_xY9-kLmNoPqRsTuVwXyZ012345/", "/payments/pay/[redacted]/"),
        ("/checkout/done/Ab3_xY9-kLmNoPqRsTuVwXyZ012345/", "/checkout/done/[redacted]/"),
        (
            "/payments/process/3f2a1b4c-1234-4abc-8def-0123456789ab/",
            "/payments/process/[redacted]/",
        ),
        ("/reviews/confirm/MTI:1tAbCd:x9YzQwErTyUiOp/", "/reviews/confirm/[redacted]/"),
        (
            "/account/reset/MQ/cbx1zk-0123456789abcdef0123456789abcdef/",
            "/account/reset/MQ/[redacted]/",
        ),
        (
            "/orders/lookup/?token=aBcDeFgHiJkLmNoP12&next=/",
            "/orders/lookup/?token=[redacted]&next=/",
        ),
        (
            "Task id=3f2a1b4c-1234-4abc-8def-0123456789ab state=RUNNING",
            "Task id=3f2a1b4c-1234-4abc-8def-0123456789ab state=RUNNING",
        ),
        ("/blog/why-vitamin-b12-matters-for-vegans/", "/blog/why-vitamin-b12-matters-for-vegans/"),
        ("/admin/pages/automaticallyupdated/", "/admin/pages/automaticallyupdated/"),
        ("card 4242424242424242, order 1234567890123", "card [card number], order 1234567890123"),
    ],
)
def test_tokens_and_card_numbers_are_redacted_and_slugs_kept(line, logged):
    assert redact(line) == logged


def test_line_breaks_and_terminal_escapes_are_escaped_and_a_tab_kept():
    assert escape_controls("ada\r\nINFO forged\x1b[31m\tx") == "ada\\r\\nINFO forged\\x1b[31m\tx"


def test_a_record_is_cleaned_once_for_every_handler_and_stamped_in_utc():
    record = logging.LogRecord(
        "apothecary.test",
        logging.WARNING,
        __file__,
        1,
        "login failed for %s at %s",
        ("eve\r\nINFO forged", "/order/Ab3_xY9-kLmNoPqRsTuVwXyZ012345/"),
        None,
    )
    record.created, record.msecs = 1796418000.25, 250.0

    assert RedactSecrets().filter(record) and EscapeControlCharacters().filter(record)
    line = UTCFormatter("%(asctime)s %(levelname)s %(message)s").format(record)

    assert line == (
        "2026-12-04T21:00:00.250Z WARNING login failed for eve\\r\\nINFO forged at "
        "/order/[redacted]/"
    )
    assert record.args == ()


def test_gunicorns_access_log_goes_through_the_same_filters_and_formatter():
    """gunicorn.conf.py (read by gunicorn from the working directory) configures its error
    and access logs with core.logs: a request line with an order token is redacted."""
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    logging_config = config["logconfig_dict"]
    handler = logging_config["handlers"]["console"]
    for name in ("gunicorn.access", "gunicorn.error"):
        assert logging_config["loggers"][name]["handlers"] == ["console"]
    filters = [
        import_string(logging_config["filters"][name]["()"])() for name in handler["filters"]
    ]
    formatter_config = logging_config["formatters"][handler["formatter"]]
    formatter = import_string(formatter_config["()"])(formatter_config["format"])
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        config["access_log_format"],
        {
            "h": "10.0.0.1",
            "r": "GET /checkout/done/Ab3_xY9-kLmNoPqRsTuVwXyZ012345/ HTTP/1.1",
            "s": "200",
            "b": "5120",
            "M": "12",
            "a": "curl\r\nINFO forged",
            "{x-request-id}o": "0123456789abcdef0123456789abcdef",
        },
        None,
    )

    assert all(f.filter(record) for f in filters)
    line = formatter.format(record)

    assert line.endswith(
        "INFO [0123456789abcdef0123456789abcdef] gunicorn.access "
        '10.0.0.1 "GET /checkout/done/[redacted]/ HTTP/1.1" 200 5120 12ms '
        '"curl\\r\\nINFO forged"'
    )


def test_a_logged_exceptions_messages_are_redacted_and_its_frames_kept():
    token = "Ab3_xY9-kLmNoPqRsTuVwXyZ012345"
    try:
        try:
            raise KeyError(f"/order/{token}/")
        except KeyError as error:
            raise RuntimeError(f"card 4242424242424242 for /pay/{token}/") from error
    except RuntimeError:
        record = logging.LogRecord(
            "apothecary.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )

    assert RedactSecrets().filter(record)
    text = UTCFormatter("%(message)s").format(record)

    messages = [line for line in text.splitlines() if line and not line.startswith(" ")]
    assert token not in "\n".join(messages) and "4242424242424242" not in "\n".join(messages)
    assert "KeyError: '/order/[redacted]/'" in text
    assert "RuntimeError: card [card number] for /pay/[redacted]/" in text
    assert f'File "{__file__}", line' in text  # the frames' paths as they are
