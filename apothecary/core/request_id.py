"""A request id on every request, on its response and on every log line it writes.

nginx gives each request its `$request_id` (32 hex characters) in the `X-Request-ID` header;
`RequestIdMiddleware` (first in MIDDLEWARE) keeps that id when it is a plain token (8 to 64
of A-Z, a-z, 0-9, "-" and "_"), makes a new one otherwise (a request straight to an app
server, or a header someone forged), holds it for the request's duration and answers it in
the response's `X-Request-ID` header, on error pages too.

`RequestIdFilter` (settings.LOGGING puts it first on every handler) writes it into each record
as `record.request_id`: the request's id (also on Django's "Not Found" lines, written once the
middleware is done: from the record's request), "task-<id>" while a django-tasks task runs
outside a request, gunicorn's access line's response header, or "-".

Imports nothing of Django at module level: LOGGING loads the filter before the apps.
"""

import logging
import re
import uuid
from collections.abc import Mapping
from contextvars import ContextVar

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")
NONE = "-"
# gunicorn's access record carries the response's headers as atoms, named in lower case.
GUNICORN_ATOM = "{x-request-id}o"

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_task_id: ContextVar[str | None] = ContextVar("task_id", default=None)


def valid_request_id(value: str) -> bool:
    return bool(TOKEN.fullmatch(value))


def current_request_id() -> str | None:
    """The id of the request (or task) being handled now, or None outside both."""
    request_id = _request_id.get()
    if request_id is not None:
        return request_id
    task_id = _task_id.get()
    return f"task-{task_id}" if task_id is not None else None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(META_KEY, "")
        request_id = incoming if valid_request_id(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            # Django turns what a later middleware or the view raises into a response (the
            # 404 or 500 page) before it reaches here: every answer gets the header.
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = (
                _from_request(record) or _from_gunicorn(record) or current_request_id() or NONE
            )
        return True


def _from_request(record: logging.LogRecord) -> str | None:
    """Django logs a 4xx or 5xx answer ("Not Found: /x/") once the middleware returned it,
    the request in the record: the id the middleware left on the request."""
    value = getattr(getattr(record, "request", None), "request_id", None)
    return value if isinstance(value, str) else None


def _from_gunicorn(record: logging.LogRecord) -> str | None:
    """gunicorn writes its access line after the response left Django: the id is the
    response's header, among the line's atoms (the record's arguments)."""
    if record.name != "gunicorn.access" or not isinstance(record.args, Mapping):
        return None
    value = record.args.get(GUNICORN_ATOM)
    return value if isinstance(value, str) and valid_request_id(value) else None


# -- Tasks -----------------------------------------------------------------------------------
# django-tasks sends task_started before a task runs and task_finished after (the database
# worker and the immediate backend alike): the lines in between carry the task's id. A task
# run inside a request (the immediate backend) keeps the request's id.


def _task_started(sender, task_result, **kwargs) -> None:
    _task_id.set(str(task_result.id))


def _task_finished(sender, task_result, **kwargs) -> None:
    if _task_id.get() == str(task_result.id):
        _task_id.set(None)


def connect_task_signals() -> None:
    """Called by core's AppConfig.ready(). django-tasks' own receivers (its "Task id=…
    state=…" lines) are connected on import, so they run before these: the finished line
    still carries the task's id (the started line names it in its message)."""
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="apothecary.core.request_id.started")
    task_finished.connect(_task_finished, dispatch_uid="apothecary.core.request_id.finished")
