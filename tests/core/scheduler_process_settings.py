"""Settings of the scheduler processes tests/core/test_scheduler_process.py starts: the test
settings, with one job every second (the six-field crontab) so that the test is short."""

from tests.settings import *  # noqa: F403

TASKS_SCHEDULE = [("tick", "apothecary.core.tasks.send_outbox", "* * * * * *")]
