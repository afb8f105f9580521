"""State machines: one way to move a row from one status to another.

Each machine keeps its table beside its model: a dict from a status to the frozenset of
statuses it may move to (e.g. `orders.models.ALLOWED_TRANSITIONS`). Its app's service calls
`transition()`, which locks the row, checks the table (and the machine's own guard), sets the
status, stamps the time, saves, and lets the service record the move in its history, all in
one transaction. Nothing else assigns a status; an invalid move raises InvalidTransition and
changes nothing."""

from collections.abc import Callable, Mapping
from typing import TypeVar

from django.db import models, transaction
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class InvalidTransition(Exception):
    """The move is not allowed from the row's status now; nothing was changed. Admin action
    views answer it with 409 Conflict."""

    status = 409


def status_label(obj: models.Model, value: str, *, field: str = "status") -> str:
    """The human label of `value` in the choices of `obj`'s status field."""
    choices = dict(obj._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))


def refusal(obj: models.Model, to: str, *, field: str = "status") -> str:
    """The default message: "A paid order cannot become cancelled."."""
    current = status_label(obj, getattr(obj, field), field=field).lower()
    target = status_label(obj, to, field=field).lower()
    article = "An" if current[:1] in "aeiou" else "A"
    return f"{article} {current} {obj._meta.verbose_name} cannot become {target}."


def transition(
    obj: M,
    *,
    to: str,
    table: Mapping[str, frozenset[str]],
    guard: Callable[[M], str | None] | None = None,
    refuse: Callable[[M, str], str] | None = None,
    stamp: str | None = None,
    changes: Mapping[str, object] | None = None,
    record: Callable[[M, str], None] | None = None,
    field: str = "status",
) -> M:
    """Move `obj` to status `to` and return the locked, saved row.

    - the row is read again with SELECT … FOR UPDATE, so two moves of one row run one after
      the other and each sees the other's result;
    - `to` must be in `table[current status]`, else InvalidTransition with `refuse(row, to)`'s
      message (default: `refusal`);
    - `guard(row)` may refuse a move the table allows (e.g. "already shipped"): it returns
      the message, or None to allow it;
    - `stamp` names a datetime field set to now; `changes` are other fields to set;
    - `record(row, from_status)` writes the history and queues side effects, inside the same
      transaction (queue emails with transaction.on_commit).

    `obj` itself is refreshed from the database afterwards."""
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        current = getattr(locked, field)
        if to not in table.get(current, frozenset()):
            raise InvalidTransition((refuse or refusal)(locked, to))
        if guard is not None:
            message = guard(locked)
            if message:
                raise InvalidTransition(message)
        setattr(locked, field, to)
        if stamp:
            setattr(locked, stamp, timezone.now())
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        locked.save()
        if record is not None:
            record(locked, current)
    obj.refresh_from_db()
    return locked
