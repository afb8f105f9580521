"""Logs (plain or JSON lines, a request id on each) and optional error reporting (Sentry).

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import LOGGING, MIDDLEWARE

# -- Request id ------------------------------------------------------------------------------
# First of all middleware, so that every response carries X-Request-ID (nginx's $request_id,
# or one made here) and every line logged while a request is handled names it.
MIDDLEWARE.insert(0, "apothecary.core.request_id.RequestIdMiddleware")

# -- Logs ------------------------------------------------------------------------------------
# To stderr (the handlers of base's LOGGING), one line a record: LOG_FORMAT=plain (default)
# "<UTC time> <LEVEL> [<request id>] <logger> <message>", or LOG_FORMAT=json, one JSON object
# a line {"time", "level", "logger", "message", "request_id", "exception"} for a collector.
# Secrets are redacted either way (core.logs.RedactSecrets); JSON escapes control characters
# itself, so the plain lines' escaping filter is left off its handlers.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "").strip().lower() or "plain"
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING["filters"]["request_id"] = {"()": "apothecary.core.request_id.RequestIdFilter"}
LOGGING["formatters"]["plain"]["format"] = (
    "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"
)
LOGGING["formatters"]["json"] = {"()": "apothecary.core.logs.JSONFormatter"}
for _handler in LOGGING["handlers"].values():
    # First: the other filters may rewrite the record's arguments it reads (gunicorn's).
    _handler["filters"] = ["request_id", *_handler.get("filters", [])]
    if LOG_FORMAT == "json":
        _handler["formatter"] = "json"
        _handler["filters"] = [name for name in _handler["filters"] if name != "escape_controls"]

# -- Sentry ----------------------------------------------------------------------------------
# Off unless SENTRY_DSN is set (without it sentry_sdk is not even imported). Events carry
# the request id as a tag and lose what the logs redact and email addresses; no user, cookie,
# body, query string or frame variable is sent (apothecary.core.sentry).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from apothecary.core import sentry as _sentry

    if (_problem := _sentry.dsn_problem(SENTRY_DSN)) is not None:
        raise ImproperlyConfigured(
            f"SENTRY_DSN is not a Sentry DSN ({_problem}): it reads "
            "https://<public key>@<host>/<project id>."
        )
    try:
        _rate = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "") or 0)
    except ValueError:
        _rate = -1.0
    if not 0 <= _rate <= 1:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1.")
    _sentry.start(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "").strip() or "production",
        release=os.environ.get("SENTRY_RELEASE", "").strip() or None,
        traces_sample_rate=_rate,
    )
