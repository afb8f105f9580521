"""Two real `manage.py run_scheduler` processes on one database, with one job every second:
each second's task is enqueued once (the loser of each slot logs so), both start with their
job count and stop cleanly on SIGTERM and SIGINT. They share the test database, so this runs
on PostgreSQL (the SQLite test database lives in this process's memory)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from apothecary.core.scheduler import ScheduledRun

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="scheduler processes share the test database: PostgreSQL only (CI's second pass)",
    ),
]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_scheduler(log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.scheduler_process_settings",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "CONN_MAX_AGE": "0",
    }
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_scheduler"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_until(condition, seconds=120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_two_schedulers_enqueue_each_slot_once_and_stop_on_a_signal(tmp_path):
    DBTaskResult.objects.all().delete()
    ScheduledRun.objects.all().delete()
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes = [start_scheduler(path) for path in logs]

    def text():
        return [path.read_text() for path in logs]

    try:
        assert wait_until(
            lambda: all("scheduler: started with 1 job (time zone " in t for t in text())
        ), text()
        assert wait_until(
            lambda: (
                any("tick at " in t and "enqueued by another scheduler" in t for t in text())
                and ScheduledRun.objects.filter(job="tick").count() >= 3
            )
        ), text()
    finally:
        processes[0].send_signal(signal.SIGTERM)
        processes[1].send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    first, second = text()
    assert [process.returncode for process in processes] == [0, 0], (first, second)
    assert "scheduler: SIGTERM received, stopping" in first
    assert "scheduler: SIGINT received, stopping" in second
    assert all("scheduler: stopped" in t for t in (first, second))

    claims = ScheduledRun.objects.filter(job="tick")
    tasks = DBTaskResult.objects.filter(task_path="apothecary.core.tasks.send_outbox")
    assert claims.count() >= 3
    # One task per claimed second, each named by its claim; nobody enqueued past a claim.
    assert sorted(claims.values_list("task_result_id", flat=True)) == sorted(
        str(pk) for pk in tasks.values_list("pk", flat=True)
    )
    assert first.count(": enqueued (task ") + second.count(": enqueued (task ") == claims.count()
    assert all(slot.microsecond == 0 for slot in claims.values_list("slot", flat=True))
    assert set(tasks.values_list("status", flat=True)) == {"READY"}  # no worker ran here
