"""Every write about membership of the affiliate program: applying (with an existing account
or a new one), the one function that moves an affiliate between statuses, and changing a
referral code. Plain functions, keyword-only arguments, one transaction each.

The admin (approve / reject / suspend) and the public views call these; nothing else assigns
`Affiliate.status`."""

import logging
import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import log

from apothecary.core.machines import transition

from . import emails
from .models import (
    AFFILIATE_TRANSITIONS,
    CODE_PATTERN,
    Affiliate,
    AffiliateStatus,
    PayoutMethod,
)

logger = logging.getLogger(__name__)

CODE_RE = re.compile(CODE_PATTERN)
CODE_MAX = 32


class MembershipError(Exception):
    """A refusal a person caused; `message` is meant for them, `field` names the form field it
    belongs to (None: the form as a whole)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class AlreadyAffiliate(MembershipError):
    pass


class CodeTaken(MembershipError):
    pass


class InvalidCode(MembershipError):
    pass


def normalise_code(code: str) -> str:
    """Codes are stored lower case, so that "Anna" and "anna" are one code."""
    return code.strip().lower()


def code_is_taken(code: str, *, exclude_pk: int | None = None) -> bool:
    queryset = Affiliate.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


def _check_code(code: str) -> str:
    code = normalise_code(code)
    if not CODE_RE.match(code):
        raise InvalidCode(
            "Use 3 to 32 lower-case letters, digits and hyphens, starting and ending with a "
            "letter or digit.",
            field="code",
        )
    return code


def code_from_name(name: str) -> str:
    """A free code made from a person's name: "Anna Lee" → "anna-lee", then "anna-lee-2", … .
    Ends with a digit suffix rather than failing; one query whatever the number of Annas."""
    base = slugify(name)[: CODE_MAX - 4].strip("-")
    base = re.sub(r"[^a-z0-9-]", "", base).strip("-")
    if len(base) < 3:
        base = f"{base}-partner".strip("-") if base else "partner"
    taken = {
        code.lower()
        for code in Affiliate.objects.filter(code__istartswith=base).values_list("code", flat=True)
    }
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def affiliate_apply(
    *,
    user,
    name: str,
    email: str,
    website: str,
    promotion: str,
    payout_method: str,
    paypal_email: str = "",
    bank_details: str = "",
    code: str = "",
) -> Affiliate:
    """A pending application for `user`'s account, with the terms accepted now; the applicant
    is emailed that we have it. Without a `code`, one is made from the name.

    Raises AlreadyAffiliate when the account already applied (whatever the status: a rejected
    applicant is looked at again by staff, not by applying twice), CodeTaken or InvalidCode
    for a code that cannot be theirs."""
    if payout_method not in PayoutMethod.values:
        raise MembershipError("Choose how we should pay you.", field="payout_method")
    if Affiliate.objects.filter(user=user).exists():
        raise AlreadyAffiliate(
            "This account is already in the affiliate program: see your dashboard."
        )
    chosen = bool(code.strip())
    code = _check_code(code) if chosen else code_from_name(name)
    if chosen and code_is_taken(code):
        raise CodeTaken("This code is taken. Please choose another.", field="code")
    fields = {
        "user": user,
        "name": name.strip(),
        "email": email.strip(),
        "website": website.strip(),
        "promotion": promotion.strip(),
        "payout_method": payout_method,
        "paypal_email": paypal_email.strip() if payout_method == PayoutMethod.PAYPAL else "",
        "bank_details": bank_details.strip() if payout_method == PayoutMethod.BANK else "",
        "terms_accepted_at": timezone.now(),
    }
    for attempt in range(3):
        try:
            with transaction.atomic():
                affiliate = Affiliate.objects.create(code=code, **fields)
            break
        except IntegrityError:
            # Another request took the code (or applied for this account) a moment ago.
            if Affiliate.objects.filter(user=user).exists():
                raise AlreadyAffiliate(
                    "This account is already in the affiliate program: see your dashboard."
                ) from None
            if chosen or attempt == 2:
                raise CodeTaken(
                    "This code is taken. Please choose another.", field="code"
                ) from None
            code = code_from_name(name)
    emails.queue_application_received(affiliate=affiliate)
    logger.info("affiliates: application %s (%s) received", affiliate.pk, affiliate.code)
    return affiliate


@transaction.atomic
def affiliate_signup(
    *, password: str, first_name: str = "", last_name: str = "", **application
) -> Affiliate:
    """An application from a visitor without an account: the account (signing in with the
    application's email and `password`) and the application, together or not at all."""
    User = get_user_model()
    email = application["email"].strip()
    if User.objects.filter(email__iexact=email).exists():
        raise MembershipError(
            "An account with this email address already exists. Sign in first, then apply "
            "with your account.",
            field="email",
        )
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name[:150], last_name=last_name[:150]
    )
    return affiliate_apply(user=user, **application)


def _status_label(value: str) -> str:
    return AffiliateStatus(value).label.lower() if value in AffiliateStatus.values else value


def _refusal(affiliate: Affiliate, to: str) -> str:
    return (
        f"An affiliate who is {_status_label(affiliate.status)} cannot be moved to "
        f"{_status_label(to)}. Reload the page to see their current status."
    )


def affiliate_transition(*, affiliate: Affiliate, to: str, actor=None, note: str = "") -> Affiliate:
    """Move an affiliate to status `to` along AFFILIATE_TRANSITIONS (core.machines.transition):
    the row is locked, the decision's time and note (the reason, sent to the applicant) are
    kept, the change is logged, and the applicant's email is queued in the outbox. Raises
    InvalidTransition otherwise."""

    def record(locked: Affiliate, from_status: str) -> None:
        log(
            instance=locked,
            action=f"affiliates.affiliate.{to}",
            user=actor,
            data={"from": from_status, "to": to, "note": locked.decision_note},
        )
        emails.queue_affiliate_decision(affiliate=locked)  # withdraws one not sent yet
        logger.info("affiliates: affiliate %s %s → %s", locked.pk, from_status, to)

    return transition(
        affiliate,
        to=to,
        table=AFFILIATE_TRANSITIONS,
        refuse=_refusal,
        stamp="decided_at",
        changes={"decision_note": note.strip()[:500]},
        record=record,
    )


@transaction.atomic
def affiliate_change_code(*, affiliate: Affiliate, code: str) -> Affiliate:
    """Give an affiliate a new referral code of their choosing. Links with the old code stop
    counting from now on: there is one code per affiliate, and a freed code may be taken by
    someone else."""
    code = _check_code(code)
    locked = Affiliate.objects.select_for_update().get(pk=affiliate.pk)
    if code == locked.code:
        return locked
    if code_is_taken(code, exclude_pk=locked.pk):
        raise CodeTaken("This code is taken. Please choose another.", field="code")
    old = locked.code
    locked.code = code
    try:
        with transaction.atomic():
            locked.save(update_fields=["code"])
    except IntegrityError:
        raise CodeTaken("This code is taken. Please choose another.", field="code") from None
    log(instance=locked, action="affiliates.affiliate.code", data={"from": old, "to": code})
    logger.info("affiliates: affiliate %s changed code %s → %s", locked.pk, old, code)
    affiliate.code = code
    return locked
