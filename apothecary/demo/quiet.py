"""Seeding tells no one: the demo's buyers, reviewers and affiliate are invented (example.com
and .example addresses), so what the services queue or log for them is held back."""

import logging
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Max

from apothecary.core.notifications import StaffNotification
from apothecary.core.outbox import OutgoingEmail


@contextmanager
def quietly():
    """Run the block in a transaction and drop the work it queued with
        `transaction.on_commit`. The services queue their emails that way (an order's
        confirmation, payment and shipping notices, a review's link, the affiliate's decision)
        and, for a new order, `order_placed`, which finds no referral for a demo buyer. So seeding
        emails nobody, whichever mail and task backends are set. The services' INFO log lines
        ("review 12 written") are held back too: they would report events that never happened,
        between the lines of the progress bar. Warnings still show. The staff notifications the
        block asked for (a demo order paid, a pack running low) are dropped with their emails, and
    so are the rows the block wrote in the email outbox (core.outbox)."""
    logger = logging.getLogger("apothecary")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        with transaction.atomic():
            connection = transaction.get_connection()
            queued = len(connection.run_on_commit)
            last_notice = StaffNotification.objects.aggregate(last=Max("pk"))["last"] or 0
            last_email = OutgoingEmail.objects.aggregate(last=Max("pk"))["last"] or 0
            yield
            StaffNotification.objects.filter(pk__gt=last_notice).delete()
            # The outbox's rows too, or send_outbox would send them at its next run.
            OutgoingEmail.objects.filter(pk__gt=last_email).delete()
            # Work queued before the block comes first in the list; a savepoint rolled back
            # inside the block only ever removes work queued after it.
            del connection.run_on_commit[queued:]
    finally:
        logger.setLevel(level)
