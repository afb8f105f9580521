"""A database that drops a connection (a failover, a restart, a killed backend) answers the
request in flight with a static "back in a minute" page (503, Retry-After), not a 500: the
transaction was rolled back, so nothing is half-written, and a retry completes it (checkout's
idempotency key makes a retried order the same order)."""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 60

logger = logging.getLogger(__name__)


# PostgreSQL's error classes of a lost or refused connection: connection exception (08),
# insufficient resources (53: too many connections), operator intervention (57: shutdown,
# a terminated backend).
OUTAGE_SQLSTATE_CLASSES = ("08", "53", "57")


def _lost_connection(error: OperationalError) -> bool:
    """A failing query on a live connection (SQLite's "no such table") is a bug, for the 500
    page and its log; an outage is a connection that is gone or refused."""
    sqlstate = getattr(error.__cause__, "sqlstate", None) or ""
    if sqlstate[:2] in OUTAGE_SQLSTATE_CLASSES:
        return True
    return not connection.is_usable()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception, OperationalError) and not _lost_connection(exception):
            return None
        logger.warning(
            "%s %s answered 503: the database is unavailable (%s: %s)",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).splitlines()[0] if str(exception) else "",
        )
        # Rendered without the request: the site's context processors would ask the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
