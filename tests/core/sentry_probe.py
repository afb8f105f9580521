"""Run by tests/core/test_sentry.py in a process of its own (Sentry, once started, stays in its
process): `python -m tests.core.sentry_probe` with SENTRY_DSN set starts the site
(tests.settings), serves one request through Django's WSGI handler, as gunicorn would, sends
it with a cookie and an X-Request-ID, and waits for Sentry to deliver its events. The view
raises an error naming an order token and an email address.

The secrets come in as PROBE_* environment variables, not as literals here: Sentry sends the
lines of source around the frame that raised, and they must not hold them.
Prints the response's status and X-Request-ID as one JSON object on stdout."""

import json
import os
import sys
import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.urls import path


def broken_view(request):
    token, email = os.environ["PROBE_TOKEN"], os.environ["PROBE_EMAIL"]
    raise RuntimeError(f"order /order/{token}/ of {email} could not be shown")


urlpatterns = [path("broken/", broken_view)]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> None:
    import django

    django.setup()
    import sentry_sdk
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = "tests.core.sentry_probe"
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.server_port}/broken/",
        headers={
            "Cookie": os.environ["PROBE_COOKIE"],
            "X-Request-ID": os.environ["PROBE_REQUEST_ID"],
            "Referer": f"https://shop.example.com/order/{os.environ['PROBE_TOKEN']}/",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, answered_id = response.status, response.headers["X-Request-ID"]
    except urllib.error.HTTPError as error:
        status, answered_id = error.code, error.headers["X-Request-ID"]
    thread.join()
    server.server_close()
    sentry_sdk.flush(timeout=30)
    sys.stdout.write(json.dumps({"status": status, "request_id": answered_id}) + "\n")


if __name__ == "__main__":
    main()
