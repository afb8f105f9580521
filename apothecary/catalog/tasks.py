"""The catalog's scheduled work."""

from django_tasks import task

from .services import low_stock_remind


@task()
def low_stock_check() -> int:
    """Remind the staff, once a day, of every pack still at or under its low-stock
    threshold; safe to run twice: a pack is reminded of once per day."""
    return low_stock_remind()
