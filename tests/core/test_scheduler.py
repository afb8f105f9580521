"""The scheduler (core.scheduler, `manage.py run_scheduler`): the schedule is checked at start,
each fire claims its time slot and enqueues the job's task once however many schedulers fire,
`--list` and `--run` work, old claims are pruned. The real process is run on PostgreSQL
(tests/core/test_scheduler_process.py)."""

import threading
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from apothecary.core import scheduler
from apothecary.core.scheduler import ScheduledRun, fire, load_schedule, prune_runs

pytestmark = pytest.mark.django_db

OUTBOX = "apothecary.core.tasks.send_outbox"
AT_THREE = datetime(2026, 3, 14, 3, 0, 0, 4000, tzinfo=UTC)  # 4 ms after the slot, as fired


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def one_job(crontab="0 3 * * *", path=OUTBOX, name="sweep"):
    (job,) = load_schedule([(name, path, crontab)])
    return job


def queued(path=OUTBOX):
    return DBTaskResult.objects.filter(task_path=path)


def test_a_fire_claims_its_slot_and_enqueues_the_task_for_the_worker(database_tasks):
    job = one_job()

    assert fire(job, now=AT_THREE) is True

    run = ScheduledRun.objects.get()
    assert (run.job, run.slot) == ("sweep", AT_THREE.replace(microsecond=0))
    result = queued().get()
    assert result.status == "READY"
    assert run.task_result_id == str(result.id)


def test_two_schedulers_firing_for_the_same_slot_enqueue_once(database_tasks):
    job = one_job()

    first = fire(job, now=AT_THREE)
    second = fire(job, now=AT_THREE + timedelta(milliseconds=300))  # another machine's clock

    assert (first, second) == (True, False)
    assert ScheduledRun.objects.count() == 1
    assert queued().count() == 1


def test_each_slot_of_the_crontab_is_enqueued_once(database_tasks):
    job = one_job("*/10 * * * * *")  # six fields: every ten seconds
    start = datetime(2026, 3, 14, 12, 0, 0, tzinfo=UTC)

    for offset in (0.01, 0.5, 10.02, 10.9, 20.0, 29.99):  # two fires per slot
        fire(job, now=start + timedelta(seconds=offset))

    slots = sorted(ScheduledRun.objects.values_list("slot", flat=True))
    assert slots == [start + timedelta(seconds=s) for s in (0, 10, 20)]
    assert queued().count() == 3


def test_a_fire_far_from_any_time_of_the_crontab_enqueues_nothing(database_tasks, caplog):
    job = one_job("0 3 * * *")

    assert fire(job, now=AT_THREE + timedelta(minutes=5)) is False

    assert not ScheduledRun.objects.exists()
    assert not queued().exists()
    assert "sweep: no time of its crontab" in caplog.text


def test_each_enqueue_is_logged_with_its_job_and_slot(database_tasks, caplog):
    caplog.set_level("INFO", logger="apothecary.core.scheduler")
    job = one_job()

    fire(job, now=AT_THREE)
    fire(job, now=AT_THREE)

    lines = [r.getMessage() for r in caplog.records if r.name == "apothecary.core.scheduler"]
    assert lines[0].startswith("sweep at 2026-03-14T03:00:00+00:00: enqueued (task ")
    assert lines[1] == "sweep at 2026-03-14T03:00:00+00:00: enqueued by another scheduler"


def test_the_slot_follows_the_stores_time_zone(database_tasks, settings):
    settings.TIME_ZONE = "America/New_York"
    job = one_job("0 3 * * *")  # 03:00 in New York is 08:00 UTC in January (EST)

    assert fire(job, now=datetime(2026, 1, 14, 3, 0, 1, tzinfo=UTC)) is False
    assert fire(job, now=datetime(2026, 1, 14, 8, 0, 1, tzinfo=UTC)) is True

    assert ScheduledRun.objects.get().slot == datetime(2026, 1, 14, 8, 0, tzinfo=UTC)


def test_with_the_immediate_backend_a_fire_runs_the_task_itself(settings):
    from apothecary.core.outbox import EmailStatus, OutgoingEmail, queue_email

    OutgoingEmail.objects.all().delete()
    queue_email(key="sched:1", to="ada@example.com", subject="Hi", text="Hello.")  # not sent:
    # in this test's transaction its delivery waits for a commit that never comes

    fire(one_job(), now=AT_THREE)

    assert OutgoingEmail.objects.get().status == EmailStatus.SENT
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (("sweep", OUTBOX, "61 * * * *"), "job 'sweep': crontab '61 * * * *': "),
        (("sweep", OUTBOX, "* * *"), "job 'sweep': crontab '* * *' has 3 fields"),
        (("sweep", OUTBOX, "0 3 * * 1"), "name the weekdays (mon-fri, sun), not numbers"),
        (("sweep", "apothecary.nowhere.tasks.sweep", "* * * * *"), "cannot import"),
        (("sweep", "apothecary.core.outbox.send_due", "* * * * *"), "is not a task"),
        (("sweep", OUTBOX), "is not (name, dotted path, crontab)"),
    ],
)
def test_a_bad_schedule_stops_the_scheduler_before_it_starts(settings, monkeypatch, entry, message):
    started = []
    monkeypatch.setattr(scheduler, "run", started.append)
    settings.TASKS_SCHEDULE = [("fine", OUTBOX, "* * * * *"), entry]

    with pytest.raises(CommandError) as refused:
        call_command("run_scheduler")

    assert str(refused.value).startswith("Bad schedule (TASKS_SCHEDULE): ")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert started == []


def test_a_job_named_twice_is_refused(settings):
    settings.TASKS_SCHEDULE = [("sweep", OUTBOX, "* * * * *"), ("sweep", OUTBOX, "0 3 * * *")]

    with pytest.raises(CommandError, match="job 'sweep' is in the schedule twice"):
        call_command("run_scheduler", "--list")


def test_the_projects_schedule_is_valid_and_starts_with_every_job(settings, monkeypatch):
    started = []
    monkeypatch.setattr(scheduler, "run", started.append)

    call_command("run_scheduler")

    (jobs,) = started
    assert [job.name for job in jobs] == [name for name, _, _ in settings.TASKS_SCHEDULE]
    assert len(jobs) >= 9


def test_list_prints_every_job_with_its_crontab_and_next_run(settings):
    out = StringIO()

    call_command("run_scheduler", "--list", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == len(settings.TASKS_SCHEDULE)
    for line, (name, _, crontab) in zip(lines, settings.TASKS_SCHEDULE, strict=True):
        assert line.split()[0] == name
        assert f"  {crontab}  " in line
        next_run = datetime.fromisoformat(line.rsplit("next: ", 1)[1])
        assert next_run > datetime.now(UTC)
    assert not DBTaskResult.objects.exists()


def test_run_enqueues_one_job_now_and_exits(database_tasks):
    out = StringIO()

    call_command("run_scheduler", "--run", "approve_commissions", stdout=out)

    result = queued("apothecary.affiliates.tasks.approve_commissions").get()
    assert result.status == "READY"
    assert out.getvalue().strip() == f"approve_commissions: enqueued (task {result.id}, READY)."
    assert DBTaskResult.objects.count() == 1


def test_run_of_an_unknown_job_names_the_jobs_there_are():
    with pytest.raises(CommandError, match=r"No job named 'nope' in the schedule; the jobs: "):
        call_command("run_scheduler", "--run", "nope")


def test_claims_older_than_the_kept_days_are_pruned(settings):
    settings.SCHEDULER_KEEP_DAYS = 3
    now = datetime(2026, 3, 14, 4, 0, tzinfo=UTC)
    for days in (1, 2.9, 3.1, 10):
        ScheduledRun.objects.create(job="sweep", slot=now - timedelta(days=days))

    assert prune_runs(now=now) == 2
    assert prune_runs(now=now) == 0

    kept = sorted(ScheduledRun.objects.values_list("slot", flat=True))
    assert kept == [now - timedelta(days=2.9), now - timedelta(days=1)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two schedulers racing on the unique claim are tested on PostgreSQL (CI's second pass)",
)
def test_a_second_scheduler_waits_for_the_first_ones_claim_then_enqueues_nothing(
    database_tasks, monkeypatch
):
    """The first scheduler has claimed the slot and not committed (its enqueue is held); the
    second one's claim waits on the row's unique key, and once the first commits it finds
    the slot taken."""
    job = one_job()
    inside, release = threading.Event(), threading.Event()
    real_enqueue = DatabaseBackend.enqueue

    def held_enqueue(self, task, args, kwargs):
        if not inside.is_set():
            inside.set()
            release.wait(30)
        return real_enqueue(self, task, args, kwargs)

    monkeypatch.setattr(DatabaseBackend, "enqueue", held_enqueue)
    results = {}

    def scheduler_thread(name, offset_ms):
        try:
            results[name] = fire(job, now=AT_THREE + timedelta(milliseconds=offset_ms))
        finally:
            connections.close_all()

    first = threading.Thread(target=scheduler_thread, args=("first", 2))
    first.start()
    assert inside.wait(30)
    second = threading.Thread(target=scheduler_thread, args=("second", 350))
    second.start()
    assert wait_for_a_blocked_lock(), "the second claim never waited on the first"
    release.set()
    first.join(30)
    second.join(30)

    assert results == {"first": True, "second": False}
    assert ScheduledRun.objects.count() == 1
    assert queued().count() == 1


def wait_for_a_blocked_lock(seconds=30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False
