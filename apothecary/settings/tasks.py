"""Background work: django-tasks' backend (immediate when embedded, the database backend of
django-tasks-db with `manage.py db_worker` in production) and the schedule of periodic work
(`manage.py run_scheduler`, apothecary.core.scheduler).

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import INSTALLED_APPS, LOGGING

# -- The task backend --------------------------------------------------------------------------
# TASKS_BACKEND: `immediate` (the default: a task runs in the process that enqueues it, as
# `make run` wants), `database` (a row of django-tasks-db's table, run by `manage.py
# db_worker`), or the dotted path of any django-tasks backend class.
_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_backend = os.environ.get("TASKS_BACKEND", "").strip() or "immediate"
if "." not in _backend:
    if _backend not in _BACKENDS:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND={_backend!r} is not a task backend: use immediate, database or "
            "the dotted path of a django-tasks backend class."
        )
    _backend = _BACKENDS[_backend]
TASKS = {"default": {"BACKEND": _backend}}

# The database backend's table exists in every mode, so the migrations are the same whatever
# the backend (a worker can be added to a running site without a new migration).
INSTALLED_APPS += ["django_tasks_db"]

# -- The schedule of periodic work ---------------------------------------------------------
# `manage.py run_scheduler` enqueues each task at its times, in TIME_ZONE; the worker runs
# it (with the immediate backend the scheduler runs it itself). Each entry: (name, dotted
# path of a django-tasks task, crontab). A crontab is "minute hour day month weekday" as in
# cron (weekdays by name, mon-sun: APScheduler 3 and cron number them differently), or six
# fields with the second first. Every task is a sweep of what is due and safe to run twice,
# so a missed time is caught up by the next one.
# To change the schedule, edit this list, or replace TASKS_SCHEDULE in a settings module
# applied after this one; `manage.py run_scheduler --list` shows what it will run and when.
TASKS_SCHEDULE = [
    # Wagtail's scheduled publishing and expiry (its publish_scheduled command).
    ("publish_scheduled_pages", "apothecary.pages.tasks.publish_scheduled_pages", "* * * * *"),
    # Unpaid orders past ORDER_PAYMENT_WINDOW_MINUTES release their stock.
    ("release_expired_orders", "apothecary.payments.tasks.release_expired_orders", "* * * * *"),
    # Email retries: due after EMAIL_RETRY_BASE_SECONDS (60) and more (settings/mail.py).
    ("send_outbox", "apothecary.core.tasks.send_outbox", "* * * * *"),
    # Daily, at night in the store's time zone, each at its own hour.
    ("apply_retention", "apothecary.privacy.tasks.apply_retention", "0 1 * * *"),
    (
        "delete_old_contact_messages",
        "apothecary.contact.tasks.delete_old_contact_messages",
        "0 2 * * *",
    ),
    ("approve_commissions", "apothecary.affiliates.tasks.approve_commissions", "0 3 * * *"),
    ("prune_task_history", "apothecary.core.tasks.prune_task_history", "0 4 * * *"),
    # In the morning: the staff read it at the start of the day, customers over breakfast.
    ("low_stock_check", "apothecary.catalog.tasks.low_stock_check", "0 6 * * *"),
    ("send_review_requests", "apothecary.reviews.tasks.send_review_requests", "0 9 * * *"),
]
# How long the scheduler's claims (core.scheduler.ScheduledRun) and the worker's finished
# task results are kept; prune_task_history removes older ones.
SCHEDULER_KEEP_DAYS = int(os.environ.get("SCHEDULER_KEEP_DAYS", "3"))
TASK_RESULTS_KEEP_DAYS = int(os.environ.get("TASK_RESULTS_KEEP_DAYS", "14"))

# APScheduler logs every run at INFO; the scheduler logs each enqueue itself.
LOGGING["loggers"]["apscheduler"] = {"level": os.environ.get("LOG_LEVEL_SCHEDULER", "WARNING")}
