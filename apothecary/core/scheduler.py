"""Periodic work: `manage.py run_scheduler` reads the schedule (settings.TASKS_SCHEDULE:
name, dotted path of a django-tasks task, crontab), and APScheduler's BlockingScheduler
enqueues each task at its times; the task worker (`manage.py db_worker`) runs it.

Several schedulers may run (one per machine, for availability): each fire first claims its
time slot, a `ScheduledRun` row whose (job, slot) is unique, in the same transaction as the
queued task, so a slot's task is queued once whichever scheduler fires first; the others
find the row and skip. The slot is the time the crontab names (the latest at or before the
fire), so the schedulers agree on it as far as their clocks agree.

The tasks are named by dotted paths and imported at start-up, so core imports nothing of
the apps above it. Every scheduled task is a sweep of what is due and safe to run twice: a
slot missed while no scheduler ran is caught up by the next one.
"""

import logging
import signal
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import IntegrityError, connections, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

logger = logging.getLogger(__name__)

# A fire later than this after its time is skipped (APScheduler's misfire grace); the slot
# of a fire is looked for this far back.
GRACE_SECONDS = 60
CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")


class ScheduledRun(models.Model):
    """One job's time slot, claimed by the scheduler that queued its task."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField(help_text="The time the crontab names for this run.")
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot")
        ]
        indexes = [models.Index(fields=["slot"], name="scheduled_run_slot_idx")]

    def __str__(self):
        return f"{self.job} at {self.slot.isoformat()}"


class ScheduleError(ValueError):
    """A schedule entry that cannot run; the message names it and says why, in one line."""


@dataclass(frozen=True)
class Job:
    name: str
    path: str
    crontab: str
    task: Task
    trigger: CronTrigger


def cron_trigger(crontab: str, *, time_zone=None) -> CronTrigger:
    """A CronTrigger for "minute hour day month weekday", or six fields with the second
    first. Weekdays by name only: APScheduler 3 counts 0 as Monday, cron as Sunday."""
    fields = crontab.split()
    if len(fields) == 5:
        values = {"second": "0", **dict(zip(CRON_FIELDS, fields, strict=True))}
    elif len(fields) == 6:
        values = {"second": fields[0], **dict(zip(CRON_FIELDS, fields[1:], strict=True))}
    else:
        raise ScheduleError(
            f"crontab {crontab!r} has {len(fields)} fields: give 5 (minute hour day month "
            "weekday) or 6 (the second first)"
        )
    if any(character.isdigit() for character in values["day_of_week"]):
        raise ScheduleError(f"crontab {crontab!r}: name the weekdays (mon-fri, sun), not numbers")
    try:
        return CronTrigger(**values, timezone=time_zone or ZoneInfo(settings.TIME_ZONE))
    except ValueError as error:
        raise ScheduleError(f"crontab {crontab!r}: {error}") from None


def load_schedule(entries=None) -> list[Job]:
    """The schedule, every entry checked: its name unique, its path a task, its crontab valid.
    Raises ScheduleError on the first bad one."""
    entries = settings.TASKS_SCHEDULE if entries is None else entries
    jobs: dict[str, Job] = {}
    for entry in entries:
        try:
            name, path, crontab = entry
        except (TypeError, ValueError):
            raise ScheduleError(
                f"schedule entry {entry!r} is not (name, dotted path, crontab)"
            ) from None
        if name in jobs:
            raise ScheduleError(f"job {name!r} is in the schedule twice")
        try:
            task = import_string(path)
        except ImportError as error:
            raise ScheduleError(f"job {name!r}: cannot import {path!r} ({error})") from None
        if not isinstance(task, Task):
            raise ScheduleError(f"job {name!r}: {path!r} is not a task (decorate it with @task())")
        try:
            trigger = cron_trigger(crontab)
        except ScheduleError as error:
            raise ScheduleError(f"job {name!r}: {error}") from None
        jobs[name] = Job(name=name, path=path, crontab=crontab, task=task, trigger=trigger)
    return list(jobs.values())


def next_run(job: Job, *, now: datetime | None = None) -> datetime | None:
    return job.trigger.get_next_fire_time(None, now or timezone.now())


def slot_for(job: Job, *, now: datetime) -> datetime | None:
    """The latest time the job's crontab names at or before `now` (within the grace)."""
    slot = None
    moment = job.trigger.get_next_fire_time(None, now - timedelta(seconds=GRACE_SECONDS))
    while moment is not None and moment <= now:
        slot = moment
        moment = job.trigger.get_next_fire_time(moment, moment)
    return slot


def fire(job: Job, *, now: datetime | None = None) -> bool:
    """What a scheduler does at one of the job's times: claim the slot and queue the task,
    both in one transaction; False if another scheduler has the slot already."""
    now = now or timezone.now()
    slot = slot_for(job, now=now)
    if slot is None:
        logger.warning(
            "%s: no time of its crontab in the last %ss; not enqueued", job.name, GRACE_SECONDS
        )
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: only the claim is undone
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
        except IntegrityError:
            logger.info("%s at %s: enqueued by another scheduler", job.name, slot.isoformat())
            return False
        result = job.task.enqueue()
        run.task_result_id = str(result.id)[:64]
        run.save(update_fields=["task_result_id"])
    logger.info("%s at %s: enqueued (task %s)", job.name, slot.isoformat(), result.id)
    return True


def enqueue_now(job: Job):
    """Queue the job's task at once, outside the schedule (`run_scheduler --run`)."""
    result = job.task.enqueue()
    logger.info("%s: enqueued by hand (task %s)", job.name, result.id)
    return result


def _fire_in_thread(job: Job) -> None:
    """A fire in APScheduler's worker thread: its database connection is closed after, so
    no idle connection is kept per thread between fires."""
    try:
        fire(job)
    except Exception:
        logger.exception("%s: not enqueued", job.name)
    finally:
        connections.close_all()


def prune_runs(*, now: datetime | None = None, days: int | None = None) -> int:
    """Delete the claims older than SCHEDULER_KEEP_DAYS; returns how many."""
    days = settings.SCHEDULER_KEEP_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = ScheduledRun.objects.filter(slot__lt=cutoff).delete()
    return deleted


def run(jobs: list[Job]) -> None:
    """Run the schedule until SIGTERM or SIGINT; a fire under way finishes first."""
    scheduler = BlockingScheduler(
        timezone=ZoneInfo(settings.TIME_ZONE),
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": GRACE_SECONDS},
    )
    for job in jobs:
        scheduler.add_job(
            _fire_in_thread, trigger=job.trigger, args=[job], id=job.name, name=job.name
        )

    def stop(signum, frame):
        logger.info("scheduler: %s received, stopping", signal.Signals(signum).name)
        if scheduler.running:
            scheduler.shutdown(wait=True)
        else:  # before start(), or once stopped: nothing is under way
            raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info(
        "scheduler: started with %d job%s (time zone %s)",
        len(jobs),
        "" if len(jobs) == 1 else "s",
        settings.TIME_ZONE,
    )
    scheduler.start()
    logger.info("scheduler: stopped")
