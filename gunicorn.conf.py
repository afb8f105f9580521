"""gunicorn's settings, read from the working directory (gunicorn apothecary.wsgi:application).

Its error and access logs go through the filters and the UTC formatter of Django's logs
(apothecary.core.logs): order tokens in the request lines of the access log are redacted, and
control characters a client put in a URL or a header are escaped."""

_FILTERS = ["redact_secrets", "escape_controls"]

# Longer than nginx's keepalive_timeout towards the app (deploy/nginx.conf.in: 4 s), so that
# nginx, not gunicorn, closes an idle connection.
keepalive = 5

# Every request's line; "-" is stderr, through the handler below.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "apothecary.core.logs.RedactSecrets"},
        "escape_controls": {"()": "apothecary.core.logs.EscapeControlCharacters"},
    },
    "formatters": {
        "utc": {
            "()": "apothecary.core.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "utc",
            "filters": _FILTERS,
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
