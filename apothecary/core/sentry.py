"""Error reports to Sentry (settings/observability.py starts it when SENTRY_DSN is set).

What may reach Sentry is what the logs may hold, less personal data: `before_send` tags each
event with the request id (core.request_id, the same as on the log lines and the response's
X-Request-ID), and writes the event's messages, exception values, breadcrumbs, request URL and
extra values through core.logs' redaction (order tokens, reset links, card-like numbers),
with email addresses replaced too. `DATA_COLLECTION` is sentry-sdk 3's form of 2.x's
`send_default_pii=False`, and stricter: no user, no cookies, no bodies, no query strings, no
local variables of the frames, headers only from an allowlist (no Referer, no forwarded IP).

Imports sentry_sdk only in `start`: without SENTRY_DSN nothing of Sentry is loaded.
"""

import logging
import re

from .logs import redact
from .request_id import current_request_id

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Headers whose name contains one of these terms are sent; the others are "[Filtered]".
HEADER_ALLOWLIST = ["accept", "content-", "host", "user-agent", "x-forwarded-proto", "x-request-id"]

DATA_COLLECTION = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": HEADER_ALLOWLIST}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "stack_frame_variables": False,
    "database_query_data": False,
    "queues": False,
}


def scrub(text):
    if not isinstance(text, str):
        return text
    return EMAIL.sub("[email]", redact(text))


def _scrub_values(mapping: dict | None, keys) -> None:
    if isinstance(mapping, dict):
        for key in keys:
            if key in mapping:
                mapping[key] = _scrub_deep(mapping[key])


def _scrub_deep(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_deep(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_deep(item) for key, item in value.items()}
    return value


def before_send(event: dict, hint: dict) -> dict:
    request_id = current_request_id()
    if request_id is not None:
        event.setdefault("tags", {})["request_id"] = request_id
    _scrub_values(event, ["message", "extra"])
    _scrub_values(event.get("logentry"), ["message", "formatted", "params"])
    for exception in (event.get("exception") or {}).get("values") or []:
        _scrub_values(exception, ["value"])
    breadcrumbs = event.get("breadcrumbs")
    for crumb in (breadcrumbs.get("values") or []) if isinstance(breadcrumbs, dict) else []:
        _scrub_values(crumb, ["message", "data"])
    _scrub_values(event.get("request"), ["url", "query_string"])
    return event


def before_send_span(span: dict, hint: dict) -> dict:
    """Spans (SENTRY_TRACES_SAMPLE_RATE above 0) carry the URL of their request."""
    span["name"] = scrub(span.get("name"))
    span["attributes"] = _scrub_deep(span.get("attributes") or {})
    return span


def dsn_problem(dsn: str) -> str | None:
    """Why sentry-sdk would refuse this DSN, or None."""
    from sentry_sdk.utils import BadDsn, Dsn

    try:
        Dsn(dsn)
    except BadDsn as error:
        return str(error)
    return None


def start(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        data_collection=DATA_COLLECTION,
        before_send=before_send,
        before_send_span=before_send_span,
        # No sentry-trace or baggage header on the requests the store makes (Stripe, PayPal):
        # nothing downstream reads them.
        trace_propagation_targets=[],
        integrations=[
            DjangoIntegration(),
            # A line logged at ERROR (a failed task, a 500) is an event; INFO and
            # up are the breadcrumbs before it. No Sentry Logs: the logs go to stderr.
            LoggingIntegration(level=None, event_level=logging.ERROR),
        ],
    )
