"""Core's scheduled work: the outbox's retries and the pruning of the task history."""

from django.conf import settings
from django.core.management import call_command
from django_tasks import task, task_backends
from django_tasks_db import DatabaseBackend

from . import outbox, scheduler


@task()
def send_outbox() -> dict:
    """Send the emails that are due (retries, and any whose delivery task was lost): the
    same sweep as `manage.py send_outbox`. Safe to run twice: each email is sent once."""
    sent, waiting = outbox.send_due(limit=500)
    return {"sent": sent, "not_sent": waiting}


@task()
def prune_task_history() -> dict:
    """Delete the scheduler's claims older than SCHEDULER_KEEP_DAYS and, with the database
    backend, the worker's finished results older than TASK_RESULTS_KEEP_DAYS
    (django-tasks-db's prune_db_task_results). Safe to run twice."""
    runs = scheduler.prune_runs()
    if isinstance(task_backends["default"], DatabaseBackend):
        call_command(
            "prune_db_task_results", min_age_days=settings.TASK_RESULTS_KEEP_DAYS, verbosity=0
        )
    return {"scheduled_runs": runs}
