"""A request id on every response and on every log line of its request (core.request_id, first
in MIDDLEWARE; settings/observability.py), and a task's id on the lines of a task."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path
from django_tasks import task

from apothecary.core.request_id import HEADER, current_request_id

GENERATED = re.compile(r"[0-9a-f]{32}")
NGINX_ID = "5f0c9a1e2b3d4c5e6f708192a3b4c5d6"  # what nginx's $request_id looks like


def noisy_view(request):
    logging.getLogger("apothecary.test").warning("looked at the noisy page")
    raise RuntimeError("the noisy page broke")


urlpatterns = [path("noisy/", noisy_view)]


@task()
def logging_task():
    logging.getLogger("apothecary.test").warning("the task ran")


@pytest.fixture
def log_lines():
    """What the configured console handler of settings.LOGGING writes (its filters, its
    format), as a function returning the lines so far."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        yield lambda: buffer.getvalue().splitlines()
    finally:
        console.setStream(previous)


def test_the_middleware_comes_first():
    assert settings.MIDDLEWARE[0] == "apothecary.core.request_id.RequestIdMiddleware"


@pytest.mark.django_db
def test_a_request_without_an_id_gets_one_on_its_response_and_on_its_log_lines(client, log_lines):
    response = client.get("/no-such-page-here/")

    assert response.status_code == 404
    request_id = response[HEADER]
    assert GENERATED.fullmatch(request_id)
    lines = [line for line in log_lines() if "Not Found: /no-such-page-here/" in line]
    assert len(lines) == 1
    assert f" WARNING [{request_id}] django.request Not Found: /no-such-page-here/" in lines[0]
    assert current_request_id() is None  # reset after the request


@pytest.mark.django_db
def test_every_request_gets_an_id_of_its_own(client):
    first = client.get("/no-such-page-here/")[HEADER]
    second = client.get("/no-such-page-here/")[HEADER]

    assert first != second


@pytest.mark.django_db
def test_the_id_nginx_sends_is_kept(client):
    response = client.get("/no-such-page-here/", headers={"X-Request-ID": NGINX_ID})

    assert response[HEADER] == NGINX_ID


@pytest.mark.django_db
def test_a_token_of_letters_digits_dashes_and_underscores_is_kept(client):
    response = client.get("/no-such-page-here/", headers={"X-Request-ID": "lb-7_Trace-0001"})

    assert response[HEADER] == "lb-7_Trace-0001"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        "short",  # under 8 characters
        "a" * 65,  # over 64
        "an id with spaces",
        "abcdef0123\r\nSet-Cookie: sessionid=forged",
        "abcdef0123\nINFO forged line",
        "abcdef01/../23",
        "abcdéf0123456789",
        "",
    ],
)
def test_an_id_that_is_not_a_plain_token_is_replaced(client, log_lines, incoming):
    response = client.get("/no-such-page-here/", headers={"X-Request-ID": incoming})

    request_id = response[HEADER]
    assert GENERATED.fullmatch(request_id)
    assert "forged" not in "\n".join(log_lines())
    assert not response.has_header("Set-Cookie") or "forged" not in response["Set-Cookie"]


@pytest.mark.urls("tests.core.test_request_id")
def test_a_500_carries_the_id_on_its_response_and_on_its_lines(log_lines):
    client = Client(raise_request_exception=False)

    response = client.get("/noisy/", headers={"X-Request-ID": NGINX_ID})

    assert response.status_code == 500
    assert response[HEADER] == NGINX_ID
    lines = log_lines()
    assert any(f"[{NGINX_ID}] apothecary.test looked at the noisy page" in line for line in lines)
    assert any(
        f"[{NGINX_ID}] django.request Internal Server Error: /noisy/" in line for line in lines
    )


def test_a_line_outside_a_request_shows_a_dash(log_lines):
    logging.getLogger("apothecary.test").warning("no request here")

    assert any(
        line.endswith(" WARNING [-] apothecary.test no request here") for line in log_lines()
    )


def test_a_tasks_lines_carry_its_id_and_the_lines_after_it_do_not(log_lines, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    tasks_logger = logging.getLogger("django_tasks")  # its "Task id=… state=…" lines: INFO
    level = tasks_logger.level
    tasks_logger.setLevel(logging.INFO)
    try:
        result = logging_task.enqueue()
        logging.getLogger("apothecary.test").warning("after the task")
    finally:
        tasks_logger.setLevel(level)

    lines = log_lines()
    assert any(f"[task-{result.id}] apothecary.test the task ran" in line for line in lines)
    finished = [line for line in lines if "state=SUCCESSFUL" in line]
    assert len(finished) == 1 and f"[task-{result.id}] django_tasks" in finished[0]
    assert any(line.endswith("[-] apothecary.test after the task") for line in lines)
