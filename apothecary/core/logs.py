"""What the logs may hold. settings.LOGGING puts these on its handlers:

- `EscapeControlCharacters`: CR, LF and the other control characters in a message (in what a
  user typed: a username, an address, a URL) are written as \\r, \\n, \\x1b, so nobody can
  forge a log line;
- `RedactSecrets`: capability tokens in URLs (an order's /order/<token>/, the pay page, the
  confirmation page, a review link, a reset link: long random path segments and query
  values) become [redacted], and so do card-like numbers (13 to 19 digits passing Luhn); in
  the message and in the text of a logged exception (its messages, not its frames);
- `UTCFormatter`: ISO 8601 time stamps in UTC, "2026-12-04T20:09:08.123Z";
- `JSONFormatter` (LOG_FORMAT=json): one JSON object a line, with the time, level, logger,
  message, request id (core.request_id) and exception; JSON escapes the control characters.

Before them, core.request_id's filter gives each record its request id (`%(request_id)s`).
Both filters write the finished message into the record (its arguments merged), so every
handler after them sees the cleaned text. Imports nothing of Django: LOGGING loads it before
the apps."""

import json
import logging
import re
import time
import traceback

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\r\n]")
NAMED = {"\r": "\\r", "\n": "\\n"}  # a tab stays: it cannot start a line

# A path segment or query value: after "/" or "=", up to a separator.
CANDIDATE = re.compile(r"(?<=[/=])[A-Za-z0-9_\-:~%]{16,}")
UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
DIGITS = re.compile(r"(?<!\d)\d{13,19}(?!\d)")
# A time written out (at=2026-03-01T12:00:00Z): no secret, and what a log line is read by.
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z?)?")
REDACTED = "[redacted]"


def escape_controls(text: str) -> str:
    return CONTROL.sub(lambda m: NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def _token_like(segment: str, after: str) -> bool:
    """A random capability, not a page's slug ("why-b12-matters") or a word. A UUID in a
    path is one (a payment's /payments/process/<uuid>/); after "=" it is an id (a task's)."""
    if UUID.fullmatch(segment):
        return after == "/"
    if TIMESTAMP.fullmatch(segment):
        return False
    if SLUG.fullmatch(segment) and max(len(part) for part in segment.split("-")) <= 14:
        return False
    return not (segment.isalpha() and segment.islower())


def luhn_valid(digits: str) -> bool:
    total = 0
    for n, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if n % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def redact(text: str) -> str:
    text = CANDIDATE.sub(
        lambda m: REDACTED if _token_like(m.group(), m.string[m.start() - 1]) else m.group(), text
    )
    return DIGITS.sub(lambda m: "[card number]" if luhn_valid(m.group()) else m.group(), text)


def _finish(record: logging.LogRecord, clean) -> None:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # arguments that do not fit the format: keep both
        message = f"{record.msg} {record.args}"
    record.msg, record.args = clean(message), ()


class EscapeControlCharacters(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _finish(record, escape_controls)
        return True


def redacted_exception(exc_info) -> str:
    """An exception's text as logging writes it, with its messages redacted; the frames (file
    paths, lines of code) as they are."""
    chunks = traceback.TracebackException(*exc_info).format()
    text = "".join(chunk if chunk.startswith('  File "') else redact(chunk) for chunk in chunks)
    return text.removesuffix("\n")


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _finish(record, redact)
        if record.exc_info and not record.exc_text:
            # Formatters write record.exc_text when it is set: the redacted one.
            record.exc_text = redacted_exception(record.exc_info)
        return True


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt=None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class JSONFormatter(UTCFormatter):
    """One JSON object a line. `request_id` is RequestIdFilter's ("-" when no filter set it)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # ASCII only: no character of a message can end the line (U+2028 and the like
        # included), whatever reads it.
        return json.dumps(entry, ensure_ascii=True)
