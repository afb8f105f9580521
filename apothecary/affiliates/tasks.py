"""The affiliate program's scheduled work."""

from django_tasks import task

from .services import commissions_approve_due


@task()
def approve_commissions() -> int:
    """Approve the pending commissions whose return window has passed (run it daily: the
    management command of the same name, or a worker's schedule)."""
    return commissions_approve_due()
