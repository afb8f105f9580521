"""The reviews app's scheduled work."""

from django_tasks import task

from .services import review_requests_send


@task()
def send_review_requests() -> int:
    """Ask for a review of every order line delivered long enough ago and not asked yet (the
    management command of the same name does the same); safe to run twice: each line is
    asked once."""
    return review_requests_send()
