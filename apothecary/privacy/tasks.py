"""Privacy's scheduled work."""

from django_tasks import task

from .services import apply_retention as run_retention


@task()
def apply_retention() -> dict:
    """Remove what is past its retention period (settings.PRIVACY_RETENTION_DAYS); run it
    daily (the management command of the same name, or a worker's schedule)."""
    return run_retention()
