"""The personal data of core (which stands below privacy and cannot declare its own), of
research and compliance (on privacy's floor), of privacy itself, and of the third-party tables
that hold some: sessions, django-axes' login records, the Django and Wagtail admin logs
(privacy.registry)."""

import re

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from wagtail.models import ModelLogEntry

from apothecary.core.models import OutgoingEmail, StaffNotification

from .registry import anonymise, delete, register, same

# -- core ------------------------------------------------------------------------------------
SHOP = "set by the shop's staff or the system, not by customers"


def _addressed(field: str, email: str) -> Q:
    """Rows whose `field` (one address per line) holds exactly `email`."""
    return Q(**{f"{field}__iregex": rf"(^|\n){re.escape(email)}(\r?\n|$)"})


def _emails(person):
    """Emails to or about the address. Exported only when the address is proven (they may be
    someone else's); deleted on erasure either way (our copy of what was sent)."""
    if not person.email or (not person.email_proven and person.purpose != "erase"):
        return OutgoingEmail.objects.none()
    return OutgoingEmail.objects.filter(
        _addressed("to", person.email)
        | Q(reply_to__iexact=person.email)
        | Q(text__icontains=person.email)
    )


register(
    "core.OutgoingEmail",
    title="emails sent to you",
    find=_emails,
    personal={
        "to": delete(),
        "reply_to": delete(),
        "subject": delete(),
        "text": delete(),
        "html": delete(waive_export="the same as the text, with markup"),
        "last_error": delete(waive_export="the mail server's technical answer"),
        "key": delete(waive_export="internal"),
        "headers": delete(waive_export="the unsubscribe link: a secret, and in the text"),
    },
    not_personal={"kind": SHOP, "status": SHOP, "from_email": "the shop's own address"},
)


def _notifications(person):
    if not person.email or not person.email_proven:
        return StaffNotification.objects.none()
    return StaffNotification.objects.filter(
        Q(subject__icontains=person.email) | Q(body__icontains=person.email)
    )


register(
    "core.StaffNotification",
    find=_notifications,
    personal={
        "subject": delete(waive_export="a note to staff"),
        "body": delete(waive_export="a note to staff"),
        "key": delete(waive_export="internal"),
    },
    not_personal={"event": SHOP, "recipients": "staff addresses"},
)
register("core.StaffNotificationSettings", not_personal=same("staff addresses", "recipients"))
register(
    "core.ScheduledRun",
    not_personal=same("the scheduler's record of a periodic job's run", "job", "task_result_id"),
)
register(
    "core.CreditedImage",
    not_personal=same(
        "a picture and its credit, uploaded by staff",
        "title",
        "description",
        "file_hash",
        "credit",
        "credit_url",
    ),
)
register(
    "core.CreditedRendition", not_personal=same("image sizes", "filter_spec", "focal_point_key")
)
register(
    "core.BrandSettings",
    not_personal=same(
        "the brand's own details",
        "brand_name",
        "tagline",
        "description",
        "primary_colour",
        "accent_colour",
        "health_disclaimer",
        "contact_email",
    ),
)

# -- research and compliance (on privacy's floor: they cannot import it) --------------------
# Research citations are published sources; compliance's claim lists and overrides are
# staff's; a medical reviewer's profile is the professional credit they agreed to publish.
register(
    "research.Citation",
    not_personal=same(
        "a published paper's reference (its authors are named as the paper names them)",
        "authors",
        "title",
        "journal",
        "volume",
        "issue",
        "pages",
        "pmid",
        "doi",
        "url",
        "kind",
        "summary",
    ),
)
register(
    "compliance.MedicalReviewer",
    not_personal=same(
        "a reviewer's published professional profile, edited by staff with their agreement",
        "name",
        "credentials",
        "bio",
        "profile_url",
    ),
)
register(
    "compliance.ClaimPhraseList", not_personal=same("staff's word lists", "name", "kind", "phrases")
)
register(
    "compliance.PublishOverride", not_personal=same("staff's decision record", "reason", "findings")
)

# -- privacy ---------------------------------------------------------------------------------
register(
    "privacy.PrivacyLink",
    title="emailed privacy links",
    email=("email",),
    personal={"email": delete(waive_export="the address the link was sent to")},
    not_personal=same(SHOP, "nonce_hash", "purpose"),
)
register(
    "privacy.ErasureRecord",
    not_personal={
        "via": SHOP,
        "reason": "staff's reason; the form asks for no personal details",
        "email_hash": "a keyed hash: proof of the erasure, no address",
        "counts": "how many rows of each kind were erased",
    },
)

# -- third-party tables ----------------------------------------------------------------------


def _sessions(person):
    """The person's live sessions: those signed in to their account. (A session's data is
    signed and encoded: each is decoded, there is no lookup for it.)"""
    if person.user is None:
        return Session.objects.none()
    wanted, keys = str(person.user.pk), []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == wanted:
            keys.append(session.session_key)
    return Session.objects.filter(session_key__in=keys)


def _end_sessions(person, sessions) -> int:
    """End each session in the database and in the cache (cached_db keeps a copy there)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    count = 0
    for key in list(sessions.values_list("session_key", flat=True)):
        store(session_key=key).delete()
        Session.objects.filter(session_key=key).delete()
        count += 1
    return count


register(
    "sessions.Session",
    title="sessions",
    find=_sessions,
    erase=_end_sessions,
    step=90,
    personal={"session_data": delete(waive_export="technical: what keeps you signed in")},
    hide={"session_key": "the secret of a signed-in browser"},
)

AXES = {
    "username": delete(),
    "ip_address": delete(),
    "user_agent": delete(),
    "http_accept": delete(waive_export="technical"),
    "path_info": delete(),
}


def _sign_ins(model):
    """Sign-in records under the address: the account's own (its address is its user name),
    or any when the address is proven."""

    def find(person):
        if not person.email or not (person.email_proven or person.user is not None):
            return model.objects.none()
        return model.objects.filter(username__iexact=person.email)

    return find


register(
    "axes.AccessAttempt",
    title="failed sign-ins",
    find=_sign_ins(AccessAttempt),
    personal={
        **AXES,
        "get_data": delete(waive_export="technical"),
        "post_data": delete(waive_export="technical"),
    },
)
register(
    "axes.AccessLog",
    title="sign-ins",
    find=_sign_ins(AccessLog),
    personal={**AXES, "session_hash": delete(waive_export="a hash")},
)
register(
    "axes.AccessFailureLog",
    title="failed sign-ins (log)",
    find=_sign_ins(AccessFailureLog),
    personal=AXES,
)


def _log_rows(model, field):
    def find(person):
        if not person.email or not person.email_proven:
            return model.objects.none()
        return model.objects.filter(**{f"{field}__icontains": person.email})

    return find


register(
    "admin.LogEntry",
    find=_log_rows(LogEntry, "object_repr"),
    personal={
        "object_repr": anonymise("(erased)", waive_export="staff's admin history"),
        "change_message": anonymise("", waive_export="staff's admin history"),
    },
)
register(
    "wagtailcore.ModelLogEntry",
    find=_log_rows(ModelLogEntry, "label"),
    personal={
        "label": anonymise("(erased)", waive_export="staff's admin history"),
        "data": anonymise({}, waive_export="staff's admin history"),
    },
)
