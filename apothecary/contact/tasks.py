"""The contact app's scheduled work."""

from django_tasks import task

from .services import messages_delete_expired


@task()
def delete_old_contact_messages() -> int:
    """Delete messages past their retention period (run it daily: the management command of
    the same name, or a worker's schedule)."""
    return messages_delete_expired()
