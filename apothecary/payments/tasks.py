"""Background work of payments, run by django-tasks (a worker, or at once when embedded)."""

from django_tasks import task

from apothecary.orders import services as order_services


@task()
def release_expired_orders() -> int:
    """Cancel the orders left unpaid past the payment window and put their stock back.
    Safe to run again: an order already cancelled or paid is left alone."""
    return order_services.release_expired_orders()
