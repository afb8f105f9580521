"""Cookie consent: may we set a cookie of this category for this visitor?

The visitor's choice is kept in the cookie settings.CONSENT_COOKIE_NAME, written by the
consent app (apothecary.consent) and read here and by its small script in the page's head:

    <policy version>|<record id, 32 hex digits>|<categories accepted, joined by "+">

e.g. ``3|9f1c…e2|necessary+marketing``. The record id names the ConsentRecord that proves the
choice. A cookie for another policy version than settings.CONSENT_POLICY_VERSION, or one that
cannot be read, counts as no choice: optional categories are refused and the banner asks again.

Code that sets an optional cookie (the referral cookie is "marketing") asks `allows` first.
The browser's Global Privacy Control signal (``Sec-GPC: 1``) refuses "marketing" whatever the
cookie says, even where no consent is asked for (settings.CONSENT_REQUIRED off)."""

import re
import uuid
from dataclasses import dataclass

from django.conf import settings

NECESSARY = "necessary"
MARKETING = "marketing"
SEPARATOR = "|"
JOINER = "+"
VERSION_RE = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Choice:
    """What the consent cookie says: the policy version, the record and the categories."""

    version: str
    record_id: uuid.UUID
    categories: frozenset[str]

    @property
    def is_current(self) -> bool:
        return self.version == settings.CONSENT_POLICY_VERSION


def category_keys() -> list[str]:
    """Every category of settings.CONSENT_CATEGORIES, in its order ("necessary" first)."""
    return [key for key, _label, _description in settings.CONSENT_CATEGORIES]


def optional_category_keys() -> list[str]:
    return [key for key in category_keys() if key != NECESSARY]


def encode(*, version: str, record_id: uuid.UUID, categories) -> str:
    """The cookie's value for a choice; "necessary" is always in it, the others in the order
    of settings.CONSENT_CATEGORIES. Raises ValueError for a version or category that the
    cookie cannot carry."""
    if not VERSION_RE.fullmatch(version):
        raise ValueError(f"policy version {version!r} must match {VERSION_RE.pattern}")
    wanted = {NECESSARY, *categories}
    unknown = wanted - set(category_keys())
    if unknown:
        raise ValueError(f"unknown consent categories: {sorted(unknown)}")
    ordered = [key for key in category_keys() if key in wanted]
    return SEPARATOR.join([version, uuid.UUID(str(record_id)).hex, JOINER.join(ordered)])


def decode(raw: str) -> Choice | None:
    """The choice a cookie value holds, or None for anything that is not one (an empty or
    older-format value, a bad id); categories this site does not know are dropped."""
    parts = (raw or "").strip().strip('"').split(SEPARATOR)
    if len(parts) != 3:
        return None
    version, record, joined = parts
    if not VERSION_RE.fullmatch(version):
        return None
    try:
        record_id = uuid.UUID(hex=record)
    except ValueError:
        return None
    known = set(category_keys())
    categories = frozenset(
        key
        for key in (part.strip().lower() for part in joined.split(JOINER))
        if CATEGORY_RE.fullmatch(key) and key in known
    )
    return Choice(version=version, record_id=record_id, categories=categories | {NECESSARY})


def current_choice(request) -> Choice | None:
    """The visitor's choice for the current policy version; None when they have made none
    (or made it for an older version, or the cookie is junk)."""
    choice = decode(request.COOKIES.get(settings.CONSENT_COOKIE_NAME, ""))
    return choice if choice is not None and choice.is_current else None


def gpc(request) -> bool:
    """True when the browser sends the Global Privacy Control signal (Sec-GPC: 1)."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def allows(request, category: str) -> bool:
    """May a cookie of `category` be set for this visitor? Always for "necessary"; never for
    "marketing" when the browser sends Sec-GPC: 1; otherwise always when no consent is asked
    for (settings.CONSENT_REQUIRED off), else only when the visitor's current choice lists it
    (case and spaces of `category` do not matter)."""
    category = category.strip().lower()
    if category == NECESSARY:
        return True
    if category == MARKETING and gpc(request):
        return False
    if not settings.CONSENT_REQUIRED:
        return True
    choice = current_choice(request)
    return choice is not None and category in choice.categories
