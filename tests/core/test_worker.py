"""The task worker: with TASKS_BACKEND=database a task is a row of django-tasks-db's table until
`manage.py db_worker` runs it; an email queued through the outbox is then sent once, however
often the worker runs. And the TASKS_BACKEND setting itself."""

import logging
import os
import signal
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apothecary.core.outbox import EmailStatus, OutgoingEmail, queue_email
from apothecary.core.scheduler import ScheduledRun
from apothecary.core.tasks import prune_task_history, send_outbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """`manage.py db_worker --batch`: run what is ready, then exit. The worker sets its own
    signal handlers and log levels; this process gets its own back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, stdout=StringIO())
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def empty_queues():
    OutgoingEmail.objects.all().delete()
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()


@pytest.mark.django_db(transaction=True)
def test_an_email_waits_for_the_worker_and_is_sent_once(database_tasks):
    empty_queues()
    with transaction.atomic():
        email = queue_email(key="worker:1", to="ada@example.com", subject="Hi", text="Hello.")

    assert mail.outbox == []
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.PENDING
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == ("apothecary.core.outbox.deliver_email", "READY")
    assert task.args_kwargs == {"args": [], "kwargs": {"email_id": email.pk}}

    run_worker()

    assert [(m.to, m.subject) for m in mail.outbox] == [(["ada@example.com"], "Hi")]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    run_worker()

    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_delivery_and_the_outbox_sweep_both_queued_still_send_once(database_tasks):
    empty_queues()
    with transaction.atomic():
        queue_email(key="worker:2", to="ada@example.com", subject="Once", text="Hello.")
    send_outbox.enqueue()  # the scheduler's sweep, queued before the worker came by

    assert DBTaskResult.objects.filter(status="READY").count() == 2
    run_worker()

    assert [m.subject for m in mail.outbox] == ["Once"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT


@pytest.mark.django_db
def test_the_history_prune_keeps_recent_and_waiting_tasks(database_tasks, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    settings.SCHEDULER_KEEP_DAYS = 3
    DBTaskResult.objects.all().delete()
    now = timezone.now()
    old_done, recent_done, old_waiting = (send_outbox.enqueue().id for _ in range(3))
    DBTaskResult.objects.filter(pk=old_done).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=15)
    )
    DBTaskResult.objects.filter(pk=recent_done).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=13)
    )
    DBTaskResult.objects.filter(pk=old_waiting).update(enqueued_at=now - timedelta(days=30))
    ScheduledRun.objects.create(job="sweep", slot=now - timedelta(days=4))
    ScheduledRun.objects.create(job="sweep", slot=now - timedelta(days=2))

    assert prune_task_history.call() == {"scheduled_runs": 1}

    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {
        str(recent_done),
        str(old_waiting),
    }
    assert ScheduledRun.objects.get().slot == now - timedelta(days=2)


def settings_of(tasks_backend: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"}
    env.update(TASKS_BACKEND=tasks_backend, DJANGO_SETTINGS_MODULE="apothecary.settings")
    code = (
        "from apothecary.settings import TASKS, INSTALLED_APPS;"
        "print(TASKS['default']['BACKEND'], 'django_tasks_db' in INSTALLED_APPS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        ("", "django_tasks.backends.immediate.ImmediateBackend"),
        ("immediate", "django_tasks.backends.immediate.ImmediateBackend"),
        ("database", "django_tasks_db.DatabaseBackend"),
        ("django_tasks.backends.dummy.DummyBackend", "django_tasks.backends.dummy.DummyBackend"),
    ],
)
def test_tasks_backend_takes_a_short_name_or_a_dotted_path(value, backend):
    done = settings_of(value)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [backend, "True"]  # the table exists whatever the backend


def test_an_unknown_tasks_backend_stops_the_settings_with_one_clear_line():
    done = settings_of("redis")

    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: TASKS_BACKEND='redis' is not a task "
        "backend: use immediate, database or the dotted path of a django-tasks backend class."
    )
