"""gunicorn's settings, read from the working directory (gunicorn apothecary.wsgi:application).

Its error and access logs go through the filters and the formatters of Django's logs
(apothecary.core.logs, apothecary.core.request_id): order tokens in the request lines of the
access log are redacted, control characters a client put in a URL or a header are escaped
(plain lines) or JSON-escaped (LOG_FORMAT=json, one JSON object a line, as Django's), and each
access line carries the request id, read from the response's X-Request-ID header."""

import os

LOG_FORMAT = os.environ.get("LOG_FORMAT", "").strip().lower() or "plain"
if LOG_FORMAT not in {"plain", "json"}:
    raise ValueError(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")

# The request id first: it reads the access line's atoms, which the others rewrite. JSON
# escapes control characters itself.
_FILTERS = ["request_id", "redact_secrets"] + (["escape_controls"] if LOG_FORMAT == "plain" else [])

# Longer than nginx's keepalive_timeout towards the app (deploy/nginx.conf.in: 4 s), so that
# nginx, not gunicorn, closes an idle connection.
keepalive = 5

# Every request's line; "-" is stderr, through the handler below. The request id (the
# response's X-Request-ID, the atom %({x-request-id}o)s) is in the line's [request id] slot,
# or its "request_id" in JSON (core.request_id.RequestIdFilter reads it from the atoms).
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "apothecary.core.request_id.RequestIdFilter"},
        "redact_secrets": {"()": "apothecary.core.logs.RedactSecrets"},
        "escape_controls": {"()": "apothecary.core.logs.EscapeControlCharacters"},
    },
    "formatters": {
        "plain": {
            "()": "apothecary.core.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s",
        },
        "json": {"()": "apothecary.core.logs.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": _FILTERS,
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
