"""The registry of personal data: which model fields hold it, and what export and erasure do
with each. Every app declares its own models in its `personal_data.py` (found by
PrivacyConfig.ready, like Wagtail hooks find `wagtail_hooks.py`), so privacy never imports an
app above it: the declarations point down at this module.

A declaration names a model by its label and says, for each text-like field:
- personal: `anonymise(replacement)` (a value, or a callable given the row), `delete()` (the
  whole row goes on erasure), or `keep(reason)` (kept for the law); each is exported unless
  `waive_export="why"` says otherwise;
- not personal: `not_personal={"field": "why"}`.
A model holding personal data also says how to find a person's rows: `user=` and/or `email=`
lookup paths (e.g. `user=("user",)`, `email=("order__email",)`), or a custom `find(person)`.
Rows of models that hold no personal field can still be found and exported (an order's lines)
by giving `user=`/`email=`.

Hooks (`register_erasure_hook`) run before the declared rows are erased, for what a field rule
cannot say (closing an affiliate record, ending sessions). Retention rules
(`register_retention`) are the deletions and anonymisations that run every day."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q

ANONYMISE, DELETE, KEEP = "anonymise", "delete", "keep"


@dataclasses.dataclass(frozen=True)
class Person:
    """Whom an export or erasure is about: an account and/or an email address (lower case).

    `email_proven`: the person showed they receive mail at the address (an emailed link, a
    staff check, or an account whose address a registered email check confirms). Only then
    do rows found by the address alone (a guest order with the same email) count as theirs:
    anyone can open an account with someone else's address. `purpose` is set by the engine
    ("export" or "erase") for the custom finds that need it."""

    email: str
    user: Any = None  # the User, when there is an account
    email_proven: bool = True
    purpose: str = ""

    @classmethod
    def for_user(cls, user) -> Person:
        email = user.email.strip().lower()
        proven = any(check(user, email) for check in _email_checks)
        return cls(email=email, user=user, email_proven=proven)

    @classmethod
    def for_email(cls, email: str) -> Person:
        """For an address proven by an emailed link, or given by staff."""
        from django.contrib.auth import get_user_model

        email = email.strip().lower()
        user = get_user_model().objects.filter(email__iexact=email).first()
        return cls(email=email, user=user, email_proven=True)

    def for_purpose(self, purpose: str) -> Person:
        return dataclasses.replace(self, purpose=purpose)


@dataclasses.dataclass(frozen=True)
class Personal:
    """What happens to one personal field."""

    erase: str  # ANONYMISE, DELETE (the row) or KEEP
    replacement: Any = None  # ANONYMISE: the value, or a callable(row) giving it
    reason: str = ""  # KEEP: why the law lets us keep it
    export_waiver: str = ""  # why it is not in the export (empty: it is)

    @property
    def exported(self) -> bool:
        return not self.export_waiver

    def value_for(self, row):
        return self.replacement(row) if callable(self.replacement) else self.replacement


def anonymise(replacement, *, waive_export: str = "") -> Personal:
    return Personal(ANONYMISE, replacement=replacement, export_waiver=waive_export)


def delete(*, waive_export: str = "") -> Personal:
    return Personal(DELETE, export_waiver=waive_export)


def keep(reason: str, *, waive_export: str = "") -> Personal:
    if not reason:
        raise ImproperlyConfigured("keep() needs the reason the data is kept.")
    return Personal(KEEP, reason=reason, export_waiver=waive_export)


def same(reason: str, *names: str) -> dict[str, str]:
    """`not_personal=same("editorial text", "intro", "heading")`: one reason for many fields."""
    return dict.fromkeys(names, reason)


def erased_email(row) -> str:
    """A replacement address that is valid, unique per row and says nothing about anyone."""
    return f"erased-{row._meta.model_name}-{row.pk}@erased.invalid"


@dataclasses.dataclass
class Entry:
    label: str
    personal: dict[str, Personal]
    not_personal: dict[str, str]
    user: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    find: Callable[[Person], Iterable] | None = None
    erase: Callable[[Person, Any], int] | None = None  # custom erasure of the found rows
    hide: dict[str, str] = dataclasses.field(default_factory=dict)  # columns left out, why
    step: int = 50  # erasure order: lower first (the account itself comes last)
    title: str = ""

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.label)

    @property
    def findable(self) -> bool:
        return bool(self.user or self.email or self.find)

    @property
    def deletes_rows(self) -> bool:
        return any(rule.erase == DELETE for rule in self.personal.values())

    def rows(self, person: Person):
        """The person's rows of this model: a queryset (or, for a custom find, an iterable)."""
        if self.find is not None:
            return self.find(person)
        query = Q(pk__in=[])
        if person.user is not None and person.user.pk is not None:
            for path in self.user:
                query |= Q(**{path: person.user})
        if person.email and person.email_proven:
            for path in self.email:
                query |= Q(**{f"{path}__iexact": person.email})
        return self.model._default_manager.filter(query).distinct()

    def export_columns(self) -> list[str]:
        waived = {name for name, rule in self.personal.items() if not rule.exported}
        return [
            field.attname
            for field in self.model._meta.concrete_fields
            if field.name not in waived and field.name not in self.hide
        ]


_registry: dict[str, Entry] = {}
_erasure_hooks: list[tuple[int, Callable]] = []
_retention: dict[str, Callable] = {}
_email_checks: list[Callable] = []


def register_email_check(check: Callable) -> Callable:
    """`check(user, email) -> bool`: True when the account's address is verified (e.g.
    allauth's EmailAddress.verified). With none registered, a signed-in person's export and
    erasure cover what is tied to the account, not what merely carries the same address."""
    _email_checks.append(check)
    return check


def register(
    label: str,
    *,
    personal: dict[str, Personal] | None = None,
    not_personal: dict[str, str] | None = None,
    user: Iterable[str] = (),
    email: Iterable[str] = (),
    find: Callable | None = None,
    erase: Callable | None = None,
    hide: dict[str, str] | None = None,
    step: int = 50,
    title: str = "",
) -> Entry:
    """Declare one model (see the module's docstring). Declaring a label twice is an error:
    one app owns each model."""
    if label in _registry:
        raise ImproperlyConfigured(f"personal data of {label} is declared twice")
    personal, not_personal = dict(personal or {}), dict(not_personal or {})
    for name, reason in not_personal.items():
        if not reason:
            raise ImproperlyConfigured(f"{label}.{name}: say why it is not personal")
    overlap = set(personal) & set(not_personal)
    if overlap:
        raise ImproperlyConfigured(f"{label}: {sorted(overlap)} both personal and not")
    entry = Entry(
        label=label,
        personal=personal,
        not_personal=not_personal,
        user=tuple(user),
        email=tuple(email),
        find=find,
        erase=erase,
        hide=dict(hide or {}),
        step=step,
        title=title,
    )
    if personal and not entry.findable:
        raise ImproperlyConfigured(f"{label} holds personal data: say how to find a person's rows")
    _registry[label] = entry
    return entry


def register_erasure_hook(hook: Callable, *, step: int = 10) -> Callable:
    """`hook(person, summary)` runs before the rows are erased (step orders the hooks). It
    must be idempotent: erasing a person twice changes nothing the second time."""
    _erasure_hooks.append((step, hook))
    return hook


def register_retention(name: str, rule: Callable) -> Callable:
    """`rule(now) -> dict[str, int]`: what one retention period removed, by kind."""
    if name in _retention:
        raise ImproperlyConfigured(f"retention rule {name} is registered twice")
    _retention[name] = rule
    return rule


def entries() -> list[Entry]:
    return sorted(_registry.values(), key=lambda entry: (entry.step, entry.label))


def entry(label: str) -> Entry | None:
    return _registry.get(label)


def erasure_hooks() -> list[Callable]:
    return [hook for _, hook in sorted(_erasure_hooks, key=lambda pair: pair[0])]


def retention_rules() -> dict[str, Callable]:
    return dict(_retention)
