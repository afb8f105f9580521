"""The scheduler's `send_review_requests` task: the same service as the command, so each
delivered line is asked once however often it runs."""

import pytest
from django.core import mail

from apothecary.reviews.models import ReviewRequest
from apothecary.reviews.services import review_requests_due
from apothecary.reviews.tasks import send_review_requests

from .builders import delivered_order

pytestmark = pytest.mark.django_db


def test_the_task_asks_each_delivered_line_once_even_when_run_twice(
    settings, django_capture_on_commit_callbacks
):
    settings.REVIEW_REQUEST_DELAY_DAYS = 14
    order = delivered_order(email="asked@example.com", days_ago=15)
    delivered_order(email="soon@example.com", days_ago=13)
    due = review_requests_due().count()  # ours, and any of the demo's
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = send_review_requests.enqueue()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_review_requests.enqueue()

    assert (first.status, first.return_value, second.return_value) == ("SUCCESSFUL", due, 0)
    assert len(mail.outbox) == due
    assert [m.to for m in mail.outbox].count(["asked@example.com"]) == 1
    assert ["soon@example.com"] not in [m.to for m in mail.outbox]
    assert ReviewRequest.objects.filter(order_line__order=order).count() == 1
