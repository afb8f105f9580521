"""Background work of payments, run by django-tasks (a worker, or at once when embedded)."""

from django_tasks import task

from apothecary.orders import services as order_services


@task()
def release_expired_orders() -> int:
    """Cancel the orders left unpaid past the payment window and put their stock back.
    Safe to run again: an order already cancelled or paid is left alone."""
    return order_services.release_expired_orders()


@task()
def refund_surplus_payment(*, payment_id: int) -> str:
    """Refund a payment whose money is not its order's (services.payment_refund_surplus);
    safe to run again: a payment refunded already is left alone."""
    from .services import payment_refund_surplus

    return payment_refund_surplus(payment_id=payment_id)
