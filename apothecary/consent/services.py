"""The one write of the app: record a visitor's choice."""

import datetime
import logging

from django.conf import settings
from django.db import transaction

from apothecary.core import consent

from .models import ConsentRecord, ConsentSource

logger = logging.getLogger(__name__)


class ConsentError(ValueError):
    """A choice that cannot be recorded (an unknown category or source)."""


@transaction.atomic
def consent_record(*, categories, source: str, gpc: bool, user=None) -> ConsentRecord:
    """Record a choice for the current policy version: `categories` are the optional ones
    accepted ("necessary" is always added). `user` is the signed-in person, if any."""
    wanted = set(categories)
    unknown = wanted - set(consent.category_keys())
    if unknown:
        raise ConsentError(f"Unknown cookie categories: {', '.join(sorted(unknown))}.")
    if source not in ConsentSource.values:
        raise ConsentError(f"Unknown source {source!r}.")
    wanted.add(consent.NECESSARY)
    record = ConsentRecord.objects.create(
        policy_version=settings.CONSENT_POLICY_VERSION,
        categories=[key for key in consent.category_keys() if key in wanted],
        gpc=gpc,
        source=source,
        user=user if user is not None and user.is_authenticated else None,
    )
    logger.info(
        "consent %s recorded: %s (policy %s, via %s%s)",
        record.pk,
        "+".join(record.categories),
        record.policy_version,
        source,
        ", GPC" if gpc else "",
    )
    return record


def cookie_value(record: ConsentRecord) -> str:
    return consent.encode(
        version=record.policy_version, record_id=record.pk, categories=record.categories
    )


def records_delete_expired(*, now) -> int:
    """Delete the records older than PRIVACY_RETENTION_DAYS["consent_records"] (longer than
    the cookie lives, so a choice still in a browser can be proven); returns how many."""
    cutoff = now - datetime.timedelta(days=settings.PRIVACY_RETENTION_DAYS["consent_records"])
    deleted, _ = ConsentRecord.objects.filter(created_at__lt=cutoff).delete()
    if deleted:
        logger.info("consent: %s records past their retention period deleted", deleted)
    return deleted


def consent_record_claim(*, request, user) -> int:
    """On sign-in: the visitor's current choice (the record in their cookie), made before
    they signed in, becomes the account's, so that their export shows it and their erasure
    deletes it. A record already someone's stays theirs. Returns how many were linked."""
    choice = consent.current_choice(request)
    if choice is None or user is None or user.pk is None:
        return 0
    return ConsentRecord.objects.filter(pk=choice.record_id, user__isnull=True).update(user=user)
