"""The erasure engine: one function for the customer's "Delete my account", the guest's emailed
request and the staff's admin action. It reads the registry: hooks first (an affiliate record
closed, sessions ended), then each model's rows, found before any is changed (an order's
payment is found through the order's email even after the order is anonymised), then deleted
or anonymised field by field. Erasing a person twice changes nothing the second time, and no
record is written for an erasure that found nothing."""

import collections
import dataclasses
import hashlib
import hmac
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from . import registry
from .models import ErasureRecord
from .registry import ANONYMISE, DELETE, Person

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Summary:
    """What an erasure or a retention run did: {(what, action): count}."""

    counts: collections.Counter = dataclasses.field(default_factory=collections.Counter)

    def add(self, what: str, action: str, count: int) -> None:
        if count:
            self.counts[(what, action)] += count

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    def as_dict(self) -> dict[str, int]:
        return {f"{what}: {action}": count for (what, action), count in sorted(self.counts.items())}

    def lines(self) -> list[str]:
        return [f"{key}: {count}" for key, count in self.as_dict().items()]


def email_hash(email: str) -> str:
    """A keyed hash of an address: it proves "this address was erased" to whoever has the
    address and the key, and tells nothing to anyone else."""
    key = hashlib.sha256(f"privacy-email:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def anonymise_rows(entry: registry.Entry, rows) -> int:
    """Replace the entry's anonymised fields in `rows`; returns how many rows changed. Rows
    already anonymised are left alone (and not counted)."""
    rules = {name: rule for name, rule in entry.personal.items() if rule.erase == ANONYMISE}
    model = entry.model
    changed = 0
    for row in rows:
        changes = {}
        for name, rule in rules.items():
            value = rule.value_for(row)
            if getattr(row, name) != value:
                changes[name] = value
        if changes:
            model._default_manager.filter(pk=row.pk).update(**changes)
            changed += 1
    return changed


def _delete_rows(entry: registry.Entry, rows) -> int:
    if isinstance(rows, QuerySet):
        _, per_model = rows.delete()
        return per_model.get(entry.label, 0)
    count = 0
    for row in rows:
        row.delete()
        count += 1
    return count


def _found(entry: registry.Entry, person: Person):
    rows = entry.rows(person)
    if isinstance(rows, QuerySet):  # frozen now: later steps change what a lookup would find
        return entry.model._default_manager.filter(pk__in=list(rows.values_list("pk", flat=True)))
    return list(rows)


@transaction.atomic
def erase(person: Person, *, via: str, staff_user=None, reason: str = "") -> Summary:
    summary, person = Summary(), person.for_purpose("erase")
    found = {
        entry.label: _found(entry, person)
        for entry in registry.entries()
        if entry.personal and entry.findable
    }
    for hook in registry.erasure_hooks():
        hook(person, summary)
    for entry in registry.entries():
        if entry.label not in found:
            continue
        rows = found[entry.label]
        if entry.erase is not None:
            summary.add(entry.title or entry.label, "erased", entry.erase(person, rows))
        elif entry.deletes_rows:
            summary.add(entry.title or entry.label, "deleted", _delete_rows(entry, rows))
        else:
            summary.add(entry.title or entry.label, "anonymised", anonymise_rows(entry, rows))
    if summary.changed:
        ErasureRecord.objects.create(
            via=via,
            staff_user=staff_user,
            reason=reason[:300],
            email_hash=email_hash(person.email),
            counts=summary.as_dict(),
        )
        logger.info("privacy: erasure via %s done (%s)", via, ", ".join(summary.lines()))
    else:
        logger.info("privacy: erasure via %s found nothing to erase", via)
    return summary


__all__ = ["DELETE", "Summary", "anonymise_rows", "email_hash", "erase"]
